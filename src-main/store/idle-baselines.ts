import type { DatabaseSync } from 'node:sqlite'
import type { IdleBaseline } from '../contract/telemetry.ts'
import { SampleStore } from './sample-store.ts'

export interface LearnOptions {
  nowMs: number
  /** How far back readings are used, days. */
  windowDays: number
  /** Which low percentile of power at rest is the idle figure. */
  percentile: number
  /** Fewer readings at rest than this: not learned (a minute at 1 Hz is not enough to know a device). */
  minReadings: number
}

/**
 * Powers counted in 0.01 W steps from 0 to 3,000 W (nvidia-smi's own resolution; 1.2 MB whatever
 * the number of readings): the k-th lowest without keeping the readings.
 */
class PowerHistogram {
  static readonly STEPS_PER_W = 100
  static readonly MAX_W = 3000
  private readonly counts = new Uint32Array(PowerHistogram.MAX_W * PowerHistogram.STEPS_PER_W + 1)
  count = 0

  static create(): PowerHistogram {
    return new PowerHistogram()
  }

  add(powerW: number): void {
    const step = Math.min(this.counts.length - 1, Math.max(0, Math.round(powerW * PowerHistogram.STEPS_PER_W)))
    this.counts[step] = (this.counts[step] ?? 0) + 1
    this.count++
  }

  /** The k-th lowest power (0-based), to the step. */
  at(k: number): number {
    let seen = 0
    for (let step = 0; step < this.counts.length; step++) {
      seen += this.counts[step] ?? 0
      if (seen > k) return step / PowerHistogram.STEPS_PER_W
    }
    return (this.counts.length - 1) / PowerHistogram.STEPS_PER_W
  }
}

/** At most this GPU utilisation, %, counts as "at rest". */
const AT_REST_UTIL_PCT = 1

/**
 * Each device's idle power, learned from its own readings: a low percentile of its power while
 * it was at rest (GPU utilisation at most 1 %) over recent days; for a device without a use figure
 * (a CPU package), of all its readings. Kept in a table, since raw readings are purged.
 */
export class IdleBaselineStore {
  private readonly db: DatabaseSync

  constructor(db: DatabaseSync) {
    this.db = db
  }

  /** Learns every device's baseline again from the raw readings in the window; keeps the old one where there are too few. */
  learn(options: LearnOptions): IdleBaseline[] {
    const since = options.nowMs - options.windowDays * 86_400_000
    const devices = this.db.prepare('SELECT id, device_key FROM devices').all() as { id: number; device_key: string }[]
    const upsert = this.db
      .prepare(`INSERT INTO idle_baselines (device_id, idle_w, readings, percentile, window_days, basis, learned_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(device_id) DO UPDATE SET idle_w = excluded.idle_w, readings = excluded.readings, percentile = excluded.percentile,
        window_days = excluded.window_days, basis = excluded.basis, learned_ms = excluded.learned_ms`)
    const store = new SampleStore(this.db)
    for (const d of devices) {
      const atRest = PowerHistogram.create()
      const all = PowerHistogram.create()
      let withUse = false
      // Both tallies in one pass: which one counts depends on whether the device reports use at all.
      for (const r of store.eachReading(d.device_key, since, Number.MAX_SAFE_INTEGER)) {
        if (r.utilPct !== null) withUse = true
        if (r.powerW === null) continue
        all.add(r.powerW)
        if (r.utilPct !== null && r.utilPct <= AT_REST_UTIL_PCT) atRest.add(r.powerW)
      }
      const counted = withUse ? atRest : all
      if (counted.count < options.minReadings) continue
      const idleW = counted.at(Math.floor(((counted.count - 1) * options.percentile) / 100))
      upsert.run(d.id, idleW, counted.count, options.percentile, options.windowDays, withUse ? 'at-rest' : 'all-readings', options.nowMs)
    }
    return this.all()
  }

  all(): IdleBaseline[] {
    return (
      this.db
        .prepare(
          `SELECT d.device_key AS deviceId, b.idle_w AS idleW, b.readings, b.percentile, b.window_days AS windowDays, b.basis, b.learned_ms AS learnedMs
          FROM idle_baselines b JOIN devices d ON d.id = b.device_id ORDER BY d.idx, d.device_key`,
        )
        .all() as Omit<IdleBaseline, 'source'>[]
    ).map((b) => ({ ...b, source: 'learned' as const }))
  }
}
