import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Device, Sample } from '../contract/telemetry.ts'
import type { IngestRow, Sink } from '../recording/sink.ts'
import type { BucketInput } from '../core/history.ts'
import type { DeviceTotals, RangeTotals } from '../core/report.ts'
import type { StoredReading } from '../core/overlap.ts'
import { localDateKey, startOfLocalDateMs } from '../core/time.ts'
import { AppRollups } from './app-rollups.ts'
import { inTransaction } from './database.ts'

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

interface RollupDelta {
  deviceId: number
  bucket: number | string
  energyJ: number
  /** The part of energyJ read from an energy counter. */
  counterEnergyJ: number
  integratedS: number
  samples: number
  gaps: number
  maxPowerW: number | null
}

type TotalsRow = {
  device_key: string
  name: string
  source: string
  domain: Device['domain']
  method: Device['method']
  energy_j: number | null
  counter_energy_j: number | null
  integrated_s: number | null
  n: number
  gaps: number | null
  max_power_w: number | null
  first_ms: number | null
  last_ms: number | null
}

const RAW_TOTALS_SQL = `SELECT d.device_key, d.name, d.source, d.domain, d.method, sum(s.energy_j) AS energy_j,
    sum(CASE WHEN s.method = 1 THEN s.energy_j ELSE 0 END) AS counter_energy_j, sum(s.interval_s) AS integrated_s,
    count(*) AS n, sum(s.gap) AS gaps, max(s.power_w) AS max_power_w, min(s.t_ms) AS first_ms, max(s.t_ms) AS last_ms
  FROM devices d CROSS JOIN samples s ON s.device_id = d.id
  WHERE s.t_ms >= ? AND s.t_ms < ? GROUP BY d.id`

function rollupTotalsSql(table: 'rollup_minute' | 'rollup_hour'): string {
  return `SELECT d.device_key, d.name, d.source, d.domain, d.method, sum(r.energy_j) AS energy_j, sum(r.counter_energy_j) AS counter_energy_j,
      sum(r.integrated_s) AS integrated_s,
      sum(r.samples) AS n, sum(r.gaps) AS gaps, max(r.max_power_w) AS max_power_w, min(r.bucket_ms) AS first_ms, max(r.bucket_ms) AS last_ms
    FROM ${table} r JOIN devices d ON d.id = r.device_id
    WHERE r.bucket_ms >= ? AND r.bucket_ms < ? GROUP BY d.id`
}

type SampleRow = {
  device_key: string
  t_ms: number
  power_w: number | null
  power_limit_w: number | null
  util_pct: number | null
  mem_util_pct: number | null
  mem_used_b: number | null
  temp_c: number | null
  sm_clock_mhz: number | null
  pstate: number | null
}

/** How an interval's energy is known, as stored (samples.method). */
const METHOD_CODE: Readonly<Record<NonNullable<IngestRow['method']> | 'none', number | null>> = { 'sampled-power': 0, counter: 1, estimated: 2, none: null }

/** Raw samples and their minute/hour/day rollups in one SQLite database; the recorder's sink. */
export class SampleStore implements Sink {
  private readonly db: DatabaseSync
  private readonly deviceIds = new Map<string, number>()
  private readonly statements = new Map<string, StatementSync>()
  private readonly insertSample: StatementSync
  private readonly upsertDevice: StatementSync
  private readonly upserts: Record<'minute' | 'hour' | 'day', StatementSync>

  /** Energy per app (written with the readings that carry it). */
  readonly apps: AppRollups

  constructor(db: DatabaseSync) {
    this.db = db
    this.apps = new AppRollups(db)
    this.insertSample = db.prepare(`INSERT OR IGNORE INTO samples
      (device_id, t_ms, power_w, energy_j, interval_s, gap, power_limit_w, util_pct, mem_util_pct, mem_used_b, temp_c, sm_clock_mhz, pstate, method)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.upsertDevice = db.prepare(`INSERT INTO devices (device_key, idx, name, mem_total_b, source, first_seen_ms, last_seen_ms, domain, method)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(device_key) DO UPDATE SET
        -- An imported log describes a GPU less well than its live source: it never renames it.
        idx = CASE WHEN excluded.source = 'import' THEN coalesce(idx, excluded.idx) ELSE excluded.idx END,
        name = CASE WHEN excluded.source = 'import' THEN name ELSE excluded.name END,
        source = CASE WHEN excluded.source = 'import' THEN source ELSE excluded.source END,
        mem_total_b = coalesce(excluded.mem_total_b, mem_total_b),
        domain = CASE WHEN excluded.source = 'import' THEN domain ELSE excluded.domain END,
        method = CASE WHEN excluded.source = 'import' THEN method ELSE excluded.method END,
        last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)
      RETURNING id`)
    const upsert = (table: string, key: string): StatementSync =>
      db.prepare(`INSERT INTO ${table} (device_id, ${key}, energy_j, counter_energy_j, integrated_s, samples, gaps, max_power_w)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(device_id, ${key}) DO UPDATE SET energy_j = energy_j + excluded.energy_j,
          counter_energy_j = counter_energy_j + excluded.counter_energy_j,
          integrated_s = integrated_s + excluded.integrated_s, samples = samples + excluded.samples,
          gaps = gaps + excluded.gaps,
          max_power_w = max(coalesce(max_power_w, excluded.max_power_w), coalesce(excluded.max_power_w, max_power_w))`)
    this.upserts = {
      minute: upsert('rollup_minute', 'bucket_ms'),
      hour: upsert('rollup_hour', 'bucket_ms'),
      day: upsert('rollup_day', 'day'),
    }
  }

  /**
   * Stores a batch in one transaction and updates the rollups with the rows that were new.
   * A row already stored (same device and instant, e.g. a log imported twice) is skipped.
   */
  ingest(rows: readonly IngestRow[]): { inserted: number; duplicates: number } {
    if (rows.length === 0) return { inserted: 0, duplicates: 0 }
    return inTransaction(this.db, () => {
      const deltas = { minute: new Map<string, RollupDelta>(), hour: new Map<string, RollupDelta>(), day: new Map<string, RollupDelta>() }
      let inserted = 0
      const apps = AppRollups.batch()
      for (const row of rows) {
        const deviceId = this.deviceIdFor(row.device, row.sample.tMs)
        const s = row.sample
        const result = this.insertSample.run(
          deviceId,
          s.tMs,
          s.powerW,
          row.energyJ,
          row.intervalS,
          row.gap ? 1 : 0,
          s.powerLimitW,
          s.utilPct,
          s.memUtilPct,
          s.memUsedB,
          s.tempC,
          s.smClockMhz,
          s.pstate,
          METHOD_CODE[row.method ?? 'none'],
        )
        if (Number(result.changes) === 0) continue
        inserted++
        addDelta(deltas.minute, deviceId, Math.floor(s.tMs / MINUTE_MS) * MINUTE_MS, row)
        addDelta(deltas.hour, deviceId, Math.floor(s.tMs / HOUR_MS) * HOUR_MS, row)
        addDelta(deltas.day, deviceId, localDateKey(s.tMs), row)
        if (row.apps?.length) AppRollups.add(apps, deviceId, s.tMs, row.apps, row.attribution ?? 'none')
      }
      this.apps.write(apps)
      for (const level of ['minute', 'hour', 'day'] as const) {
        for (const d of deltas[level].values()) {
          this.upserts[level].run(d.deviceId, d.bucket, d.energyJ, d.counterEnergyJ, d.integratedS, d.samples, d.gaps, d.maxPowerW)
        }
      }
      return { inserted, duplicates: rows.length - inserted }
    })
  }

  /**
   * Totals over [sinceMs, untilMs). Whole minutes come from the minute rollups and the partial
   * minutes at the edges from raw samples, so a day costs ~1,440 rows, not 86,400. Before the raw
   * horizon (purged by retention) the hour rollups answer, so such ranges resolve to the hour.
   */
  totals(sinceMs: number, untilMs: number, options: { byLocalHour?: boolean } = {}): RangeTotals {
    const horizon = this.rawHorizonMs()
    const rawFrom = Math.max(sinceMs, horizon)
    const perDevice = new Map<string, DeviceTotals>()
    let samples = 0
    let gaps = 0
    const add = (table: 'raw' | 'rollup_minute' | 'rollup_hour', from: number, to: number): void => {
      if (from >= to) return
      const rows = this.statement(table === 'raw' ? RAW_TOTALS_SQL : rollupTotalsSql(table)).all(from, to) as TotalsRow[]
      for (const r of rows) {
        const t = perDevice.get(r.device_key) ?? {
          deviceId: r.device_key,
          name: r.name,
          source: r.source,
          domain: r.domain,
          method: r.method,
          energyJ: 0,
          counterEnergyJ: 0,
          integratedS: 0,
          maxPowerW: null,
        }
        t.energyJ += r.energy_j ?? 0
        t.counterEnergyJ += r.counter_energy_j ?? 0
        t.integratedS += r.integrated_s ?? 0
        if (r.max_power_w !== null) t.maxPowerW = Math.max(t.maxPowerW ?? r.max_power_w, r.max_power_w)
        // A rollup row's time is its bucket's start: good to the bucket for the span a device was seen.
        if (r.first_ms !== null && r.last_ms !== null) {
          t.seenMs = { first: Math.min(t.seenMs?.first ?? r.first_ms, r.first_ms), last: Math.max(t.seenMs?.last ?? r.last_ms, r.last_ms) }
        }
        perDevice.set(r.device_key, t)
        samples += r.n
        gaps += r.gaps ?? 0
      }
    }
    const minutesFrom = Math.ceil(rawFrom / MINUTE_MS) * MINUTE_MS
    const minutesTo = Math.floor(untilMs / MINUTE_MS) * MINUTE_MS
    if (minutesFrom < minutesTo) {
      add('raw', rawFrom, minutesFrom)
      add('rollup_minute', minutesFrom, minutesTo)
      add('raw', minutesTo, untilMs)
    } else add('raw', rawFrom, untilMs)
    if (sinceMs < horizon) add('rollup_hour', Math.floor(sinceMs / HOUR_MS) * HOUR_MS, Math.min(horizon, untilMs))
    const devices = [...perDevice.values()]
    return {
      energyJ: devices.reduce((sum, d) => sum + d.energyJ, 0),
      samples,
      gaps,
      devices,
      energyKWhByLocalHour: options.byLocalHour ? this.energyByLocalHour(sinceMs, untilMs) : null,
    }
  }

  /**
   * Energy of [sinceMs, untilMs) by local hour of day (system zone), kWh, split the same way as
   * totals(): raw edges, minute rollups, hour rollups before the raw horizon (resolved to the hour).
   */
  energyByLocalHour(sinceMs: number, untilMs: number): number[] {
    const hours = Array.from({ length: 24 }, () => 0)
    const horizon = this.rawHorizonMs()
    const rawFrom = Math.max(sinceMs, horizon)
    const add = (sql: string, from: number, to: number): void => {
      if (from >= to) return
      for (const r of this.statement(sql).all(from, to) as { t: number; e: number | null }[]) {
        const i = new Date(r.t).getHours()
        hours[i] = (hours[i] ?? 0) + (r.e ?? 0) / 3.6e6
      }
    }
    const raw = 'SELECT s.t_ms AS t, s.energy_j AS e FROM devices d CROSS JOIN samples s ON s.device_id = d.id WHERE s.t_ms >= ? AND s.t_ms < ?'
    const rollup = (table: string): string =>
      `SELECT bucket_ms AS t, sum(energy_j) AS e FROM ${table} WHERE bucket_ms >= ? AND bucket_ms < ? GROUP BY bucket_ms`
    const minutesFrom = Math.ceil(rawFrom / MINUTE_MS) * MINUTE_MS
    const minutesTo = Math.floor(untilMs / MINUTE_MS) * MINUTE_MS
    if (minutesFrom < minutesTo) {
      add(raw, rawFrom, minutesFrom)
      add(rollup('rollup_minute'), minutesFrom, minutesTo)
      add(raw, minutesTo, untilMs)
    } else add(raw, rawFrom, untilMs)
    if (sinceMs < horizon) add(rollup('rollup_hour'), Math.floor(sinceMs / HOUR_MS) * HOUR_MS, Math.min(horizon, untilMs))
    return hours
  }

  /**
   * Rollup buckets of [sinceMs, untilMs) per device: hours (UTC hour buckets) or calendar days
   * (local dates, as recorded). Never loads raw samples, whatever the range.
   */
  buckets(level: 'hour' | 'day', sinceMs: number, untilMs: number): BucketInput[] {
    if (level === 'hour') {
      return this.db
        .prepare(
          `SELECT d.device_key AS deviceId, d.name, r.bucket_ms AS startMs, r.energy_j AS energyJ, r.integrated_s AS integratedS,
            r.samples, r.gaps, r.max_power_w AS maxPowerW
          FROM rollup_hour r JOIN devices d ON d.id = r.device_id
          WHERE r.bucket_ms >= ? AND r.bucket_ms < ? ORDER BY r.bucket_ms, d.idx`,
        )
        .all(Math.floor(sinceMs / HOUR_MS) * HOUR_MS, untilMs) as unknown as BucketInput[]
    }
    const rows = this.db
      .prepare(
        `SELECT d.device_key AS deviceId, d.name, r.day, r.energy_j AS energyJ, r.integrated_s AS integratedS,
          r.samples, r.gaps, r.max_power_w AS maxPowerW
        FROM rollup_day r JOIN devices d ON d.id = r.device_id
        WHERE r.day >= ? AND r.day <= ? ORDER BY r.day, d.idx`,
      )
      .all(localDateKey(sinceMs), localDateKey(untilMs - 1)) as unknown as (Omit<BucketInput, 'startMs'> & { day: string })[]
    return rows.map(({ day, ...r }) => ({ ...r, startMs: startOfLocalDateMs(day) }))
  }

  /** Raw samples of every device since `sinceMs`, oldest first. */
  samplesSince(sinceMs: number): Sample[] {
    const rows = this.db
      .prepare(
        `SELECT d.device_key, s.t_ms, s.power_w, s.power_limit_w, s.util_pct, s.mem_util_pct, s.mem_used_b,
          s.temp_c, s.sm_clock_mhz, s.pstate
        FROM devices d CROSS JOIN samples s ON s.device_id = d.id WHERE s.t_ms >= ? ORDER BY s.t_ms`,
      )
      .all(sinceMs) as SampleRow[]
    return rows.map((r) => ({
      tMs: r.t_ms,
      deviceId: r.device_key,
      powerW: r.power_w,
      powerLimitW: r.power_limit_w,
      utilPct: r.util_pct,
      memUtilPct: r.mem_util_pct,
      memUsedB: r.mem_used_b,
      tempC: r.temp_c,
      smClockMhz: r.sm_clock_mhz,
      pstate: r.pstate,
    }))
  }

  /**
   * Readings stored for a device in [fromMs, toMs], oldest first, with the interval each closed:
   * what an import must not count again.
   */
  storedReadings(deviceKey: string, fromMs: number, toMs: number): StoredReading[] {
    return this.statement(
      `SELECT s.t_ms AS tMs, s.interval_s AS intervalS FROM devices d JOIN samples s ON s.device_id = d.id
        WHERE d.device_key = ? AND s.t_ms >= ? AND s.t_ms <= ? ORDER BY s.t_ms`,
    ).all(deviceKey, fromMs, toMs) as unknown as StoredReading[]
  }

  /** Starts of the hours in [fromMs, toMs) that already hold energy for a device (hour rollups). */
  hoursWithEnergy(deviceKey: string, fromMs: number, toMs: number): Set<number> {
    const rows = this.statement(
      `SELECT r.bucket_ms AS h FROM devices d JOIN rollup_hour r ON r.device_id = d.id
        WHERE d.device_key = ? AND r.bucket_ms >= ? AND r.bucket_ms < ? AND r.samples > 0`,
    ).all(deviceKey, Math.floor(fromMs / HOUR_MS) * HOUR_MS, toMs) as { h: number }[]
    return new Set(rows.map((r) => r.h))
  }

  devices(): Device[] {
    const rows = this.db.prepare('SELECT device_key, idx, name, mem_total_b, source, domain, method FROM devices ORDER BY idx, device_key').all() as {
      device_key: string
      idx: number | null
      name: string
      mem_total_b: number | null
      source: string
      domain: Device['domain']
      method: Device['method']
    }[]
    return rows.map((r) => ({
      deviceId: r.device_key,
      index: r.idx,
      name: r.name,
      memTotalB: r.mem_total_b,
      source: r.source,
      domain: r.domain,
      method: r.method,
    }))
  }

  /** Deletes raw samples older than the retention (whole hours, so hour rollups take over cleanly). */
  purgeRawBefore(cutoffMs: number): number {
    const horizon = Math.floor(cutoffMs / HOUR_MS) * HOUR_MS
    if (horizon <= this.rawHorizonMs()) return 0
    return inTransaction(this.db, () => {
      const result = this.db.prepare('DELETE FROM samples WHERE device_id IN (SELECT id FROM devices) AND t_ms < ?').run(horizon)
      this.db.prepare('DELETE FROM rollup_minute WHERE bucket_ms < ?').run(horizon - 30 * DAY_MS)
      this.db
        .prepare(
          `INSERT INTO meta (key, value) VALUES ('raw_horizon_ms', ?)
        ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        )
        .run(String(horizon))
      return Number(result.changes)
    })
  }

  rawHorizonMs(): number {
    const row = this.statement("SELECT value FROM meta WHERE key = 'raw_horizon_ms'").get() as { value: string } | undefined
    return row ? Number(row.value) : 0
  }

  // The dashboard totals today every few seconds: prepare each query once, not on every call.
  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  private deviceIdFor(device: Device, seenMs: number): number {
    const known = this.deviceIds.get(device.deviceId)
    if (known !== undefined) return known
    const row = this.upsertDevice.get(
      device.deviceId,
      device.index,
      device.name,
      device.memTotalB,
      device.source,
      seenMs,
      seenMs,
      device.domain,
      device.method,
    ) as { id: number }
    this.deviceIds.set(device.deviceId, row.id)
    return row.id
  }
}

function addDelta(map: Map<string, RollupDelta>, deviceId: number, bucket: number | string, row: IngestRow): void {
  const key = `${deviceId}|${bucket}`
  const d = map.get(key) ?? { deviceId, bucket, energyJ: 0, counterEnergyJ: 0, integratedS: 0, samples: 0, gaps: 0, maxPowerW: null }
  d.energyJ += row.energyJ ?? 0
  if (row.method === 'counter') d.counterEnergyJ += row.energyJ ?? 0
  d.integratedS += row.energyJ === null ? 0 : (row.intervalS ?? 0)
  d.samples++
  d.gaps += row.gap ? 1 : 0
  const p = row.sample.powerW
  if (p !== null) d.maxPowerW = Math.max(d.maxPowerW ?? p, p)
  map.set(key, d)
}
