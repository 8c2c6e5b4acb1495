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
      const readings = store.readings(d.device_key, since, Number.MAX_SAFE_INTEGER)
      const withUse = readings.some((r) => r.utilPct !== null)
      const powers = new Float64Array(readings.length)
      let atRest = 0
      for (const r of readings) {
        if (r.powerW === null) continue
        if (withUse && !(r.utilPct !== null && r.utilPct <= AT_REST_UTIL_PCT)) continue
        powers[atRest++] = r.powerW
      }
      if (atRest < options.minReadings) continue
      const sorted = powers.subarray(0, atRest).sort()
      const idleW = sorted[Math.floor(((atRest - 1) * options.percentile) / 100)]
      if (idleW === undefined) continue
      upsert.run(d.id, idleW, atRest, options.percentile, options.windowDays, withUse ? 'at-rest' : 'all-readings', options.nowMs)
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
