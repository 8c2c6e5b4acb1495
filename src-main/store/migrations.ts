import type { DatabaseSync } from 'node:sqlite'
import { encodeBlock, type StoredReadingRow } from './reading-block.ts'

/**
 * The tables of each schema version that Wattprint shipped before it marked its files with an
 * application_id: an unmarked file with exactly these tables is adopted (and marked), any other
 * unmarked file is another program's.
 */
export const LEGACY_TABLES: Readonly<Record<number, readonly string[]>> = {
  1: ['devices', 'samples', 'rollup_minute', 'rollup_hour', 'rollup_day', 'settings', 'meta'],
  2: ['devices', 'samples', 'rollup_minute', 'rollup_hour', 'rollup_day', 'settings', 'meta', 'data_packs'],
}

/** A migration: SQL, or a step that needs code (re-encoding rows). */
export type Migration = string | ((db: DatabaseSync) => void)

/** Schema migrations; index i brings schema version i to i+1. Never edit a shipped entry. */
export const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    device_key TEXT NOT NULL UNIQUE,
    idx INTEGER,
    name TEXT NOT NULL,
    mem_total_b INTEGER,
    source TEXT NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL
  );
  -- energy_j: energy of the interval that ends at this sample (NULL when it could not be
  -- integrated); interval_s: its length when it was integrated; gap: 1 when the interval
  -- before this sample was longer than maxGapS and was not bridged. No index on t_ms alone: queries
  -- walk the few devices (CROSS JOIN keeps devices outer) and seek the primary key; that saves ~35% of the file.
  CREATE TABLE samples (
    device_id INTEGER NOT NULL REFERENCES devices(id),
    t_ms INTEGER NOT NULL,
    power_w REAL,
    energy_j REAL,
    interval_s REAL,
    gap INTEGER NOT NULL DEFAULT 0,
    power_limit_w REAL,
    util_pct REAL,
    mem_util_pct REAL,
    mem_used_b INTEGER,
    temp_c REAL,
    sm_clock_mhz REAL,
    pstate INTEGER,
    PRIMARY KEY (device_id, t_ms)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_minute (
    device_id INTEGER NOT NULL, bucket_ms INTEGER NOT NULL,
    energy_j REAL NOT NULL, integrated_s REAL NOT NULL, samples INTEGER NOT NULL, gaps INTEGER NOT NULL,
    max_power_w REAL,
    PRIMARY KEY (device_id, bucket_ms)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_hour (
    device_id INTEGER NOT NULL, bucket_ms INTEGER NOT NULL,
    energy_j REAL NOT NULL, integrated_s REAL NOT NULL, samples INTEGER NOT NULL, gaps INTEGER NOT NULL,
    max_power_w REAL,
    PRIMARY KEY (device_id, bucket_ms)
  ) WITHOUT ROWID;
  -- Days are calendar days in the zone the sample was recorded in (YYYY-MM-DD).
  CREATE TABLE rollup_day (
    device_id INTEGER NOT NULL, day TEXT NOT NULL,
    energy_j REAL NOT NULL, integrated_s REAL NOT NULL, samples INTEGER NOT NULL, gaps INTEGER NOT NULL,
    max_power_w REAL,
    PRIMARY KEY (device_id, day)
  ) WITHOUT ROWID;
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  -- raw_horizon_ms: raw samples before this instant were purged; only rollups remain.
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  `
  -- Reference data packs imported by the user; the newest not reverted is in use. Rows are never
  -- deleted: reverting marks a pack, so every pack ever imported stays inspectable.
  CREATE TABLE data_packs (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL,
    date TEXT NOT NULL,
    json TEXT NOT NULL,
    imported_ms INTEGER NOT NULL,
    reverted_ms INTEGER
  );
  `,
  `
  -- Devices other than GPUs (CPU package, DRAM, an Apple SoC) and how each one's energy is known;
  -- each interval says how its own energy was known (0 sampled power, 1 energy counter, 2 estimated),
  -- and the rollups keep the energy that came from counters, so reports can say which share it is.
  ALTER TABLE devices ADD COLUMN domain TEXT NOT NULL DEFAULT 'gpu';
  ALTER TABLE devices ADD COLUMN method TEXT NOT NULL DEFAULT 'sampled-power';
  ALTER TABLE samples ADD COLUMN method INTEGER;
  ALTER TABLE rollup_minute ADD COLUMN counter_energy_j REAL NOT NULL DEFAULT 0;
  ALTER TABLE rollup_hour ADD COLUMN counter_energy_j REAL NOT NULL DEFAULT 0;
  ALTER TABLE rollup_day ADD COLUMN counter_energy_j REAL NOT NULL DEFAULT 0;
  `,
  `
  -- Energy per app (ollama, comfyui, idle, unattributed…) per device, by hour and by local day,
  -- split when it was recorded (idle power apart, active energy by SM use or memory share).
  CREATE TABLE app_energy_hour (
    device_id INTEGER NOT NULL REFERENCES devices(id),
    bucket_ms INTEGER NOT NULL,
    app TEXT NOT NULL,
    -- How the active energy was shared (sm-utilisation, memory-share, none).
    method TEXT NOT NULL,
    energy_j REAL NOT NULL,
    PRIMARY KEY (device_id, bucket_ms, app, method)
  ) WITHOUT ROWID;
  CREATE TABLE app_energy_day (
    device_id INTEGER NOT NULL REFERENCES devices(id),
    day TEXT NOT NULL,
    app TEXT NOT NULL,
    method TEXT NOT NULL,
    energy_j REAL NOT NULL,
    PRIMARY KEY (device_id, day, app, method)
  ) WITHOUT ROWID;
  -- Each device's idle power, learned from its own readings at rest (kept: raw readings are purged).
  CREATE TABLE idle_baselines (
    device_id INTEGER PRIMARY KEY REFERENCES devices(id),
    idle_w REAL NOT NULL,
    readings INTEGER NOT NULL,
    percentile REAL NOT NULL,
    window_days REAL NOT NULL,
    basis TEXT NOT NULL,
    learned_ms INTEGER NOT NULL
  );
  -- Results of "measure my model", one row per run (the whole result as JSON, key fields beside).
  CREATE TABLE model_measurements (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    server TEXT NOT NULL,
    model TEXT NOT NULL,
    json TEXT NOT NULL
  );
  -- Tokens counted by local inference servers (llama.cpp, vLLM /metrics) and the energy above idle
  -- drawn while they grew, by hour.
  CREATE TABLE inference_tally (
    server TEXT NOT NULL,
    model TEXT NOT NULL,
    bucket_ms INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    energy_j REAL NOT NULL,
    above_idle_j REAL NOT NULL,
    PRIMARY KEY (server, model, bucket_ms)
  ) WITHOUT ROWID;
  `,
  // Raw readings grouped per device and minute in compact blobs (reading-block.ts): ~15 B a
  // reading instead of ~60. Existing readings are re-encoded, then the old table goes.
  (db) => {
    db.exec(`
    CREATE TABLE readings (
      device_id INTEGER NOT NULL REFERENCES devices(id),
      minute_ms INTEGER NOT NULL,
      n INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (device_id, minute_ms)
    ) WITHOUT ROWID;`)
    const insert = db.prepare('INSERT INTO readings (device_id, minute_ms, n, data) VALUES (?, ?, ?, ?)')
    let block: { deviceId: number; minuteMs: number; rows: StoredReadingRow[] } | null = null
    const flush = (): void => {
      if (block) insert.run(block.deviceId, block.minuteMs, block.rows.length, encodeBlock(block.minuteMs, block.rows))
      block = null
    }
    for (const r of db.prepare('SELECT * FROM samples ORDER BY device_id, t_ms').iterate() as Iterable<LegacySampleRow>) {
      const minuteMs = Math.floor(r.t_ms / 60_000) * 60_000
      if (!block || block.deviceId !== r.device_id || block.minuteMs !== minuteMs) {
        flush()
        block = { deviceId: r.device_id, minuteMs, rows: [] }
      }
      block.rows.push(legacyReading(r))
    }
    flush()
    db.exec('DROP TABLE samples')
  },
]

/** A row of the samples table of schema versions 1–4. */
export interface LegacySampleRow {
  device_id: number
  t_ms: number
  power_w: number | null
  energy_j: number | null
  interval_s: number | null
  gap: number
  power_limit_w: number | null
  util_pct: number | null
  mem_util_pct: number | null
  mem_used_b: number | null
  temp_c: number | null
  sm_clock_mhz: number | null
  pstate: number | null
  method?: number | null
}

export function legacyReading(r: LegacySampleRow): StoredReadingRow {
  return {
    tMs: r.t_ms,
    powerW: r.power_w,
    energyJ: r.energy_j,
    intervalS: r.interval_s,
    gap: r.gap === 1,
    method: r.energy_j === null ? null : r.method === 1 ? 'counter' : r.method === 2 ? 'estimated' : 'sampled-power',
    powerLimitW: r.power_limit_w,
    utilPct: r.util_pct,
    memUtilPct: r.mem_util_pct,
    memUsedB: r.mem_used_b,
    tempC: r.temp_c,
    smClockMhz: r.sm_clock_mhz,
    pstate: r.pstate,
  }
}
