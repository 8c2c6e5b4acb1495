import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { localDateKey } from '../core/time.ts'

const HOUR_MS = 3_600_000

/** Energy per app over a period, J, and per device and method (how its active share was split). */
export interface AppTotals {
  apps: { app: string; energyJ: number }[]
  byDevice: { deviceId: string; app: string; method: string; energyJ: number }[]
}

/**
 * Energy per app, by hour and by local day: written in the same transaction as the readings that
 * carry it (SampleStore.ingest gathers the batch's deltas and calls `write`), read for any period
 * at hour resolution (days for long ranges).
 */
export class AppRollups {
  private readonly db: DatabaseSync
  private readonly upsertHour: StatementSync
  private readonly upsertDay: StatementSync
  private readonly hourTotals: StatementSync
  private readonly dayTotals: StatementSync

  constructor(db: DatabaseSync) {
    this.db = db
    this.upsertHour = db.prepare(`INSERT INTO app_energy_hour (device_id, bucket_ms, app, method, energy_j) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(device_id, bucket_ms, app, method) DO UPDATE SET energy_j = energy_j + excluded.energy_j`)
    this.upsertDay = db.prepare(`INSERT INTO app_energy_day (device_id, day, app, method, energy_j) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(device_id, day, app, method) DO UPDATE SET energy_j = energy_j + excluded.energy_j`)
    this.hourTotals = db.prepare(`SELECT d.device_key AS deviceId, a.app, a.method, sum(a.energy_j) AS energyJ
      FROM app_energy_hour a JOIN devices d ON d.id = a.device_id
      WHERE a.bucket_ms >= ? AND a.bucket_ms < ? GROUP BY d.id, a.app, a.method`)
    this.dayTotals = db.prepare(`SELECT d.device_key AS deviceId, a.app, a.method, sum(a.energy_j) AS energyJ
      FROM app_energy_day a JOIN devices d ON d.id = a.device_id
      WHERE a.day >= ? AND a.day <= ? GROUP BY d.id, a.app, a.method`)
  }

  /** A batch's per-app energy, to add up before one write (many readings fall in one hour). */
  static batch(): Map<string, { deviceId: number; hourMs: number; day: string; app: string; method: string; energyJ: number }> {
    return new Map()
  }

  static add(
    batch: ReturnType<typeof AppRollups.batch>,
    deviceId: number,
    tMs: number,
    apps: readonly { app: string; energyJ: number }[],
    method: string,
  ): void {
    const hourMs = Math.floor(tMs / HOUR_MS) * HOUR_MS
    const day = localDateKey(tMs)
    for (const { app, energyJ } of apps) {
      const key = `${deviceId}|${hourMs}|${day}|${app}|${method}`
      const entry = batch.get(key) ?? { deviceId, hourMs, day, app, method, energyJ: 0 }
      entry.energyJ += energyJ
      batch.set(key, entry)
    }
  }

  /** Writes a batch (inside the caller's transaction). */
  write(batch: ReturnType<typeof AppRollups.batch>): void {
    for (const e of batch.values()) {
      this.upsertHour.run(e.deviceId, e.hourMs, e.app, e.method, e.energyJ)
      this.upsertDay.run(e.deviceId, e.day, e.app, e.method, e.energyJ)
    }
  }

  /**
   * Energy per app in [sinceMs, untilMs), from whole hours (the hours the period starts and ends
   * in count whole: attribution is kept by the hour). Ranges over 62 days read the day table.
   */
  totals(sinceMs: number, untilMs: number): AppTotals {
    const rows = (
      untilMs - sinceMs > 62 * 86_400_000
        ? this.dayTotals.all(localDateKey(sinceMs), localDateKey(untilMs - 1))
        : this.hourTotals.all(Math.floor(sinceMs / HOUR_MS) * HOUR_MS, untilMs)
    ) as { deviceId: string; app: string; method: string; energyJ: number }[]
    const apps = new Map<string, number>()
    for (const r of rows) apps.set(r.app, (apps.get(r.app) ?? 0) + r.energyJ)
    return {
      apps: [...apps.entries()].map(([app, energyJ]) => ({ app, energyJ })).sort((a, b) => b.energyJ - a.energyJ),
      byDevice: rows,
    }
  }

  /** Energy per app in hour buckets, for a chart: { startMs, app, energyJ }. */
  hourly(sinceMs: number, untilMs: number): { startMs: number; app: string; energyJ: number }[] {
    return this.db
      .prepare(
        'SELECT bucket_ms AS startMs, app, sum(energy_j) AS energyJ FROM app_energy_hour WHERE bucket_ms >= ? AND bucket_ms < ? GROUP BY bucket_ms, app ORDER BY bucket_ms',
      )
      .all(Math.floor(sinceMs / HOUR_MS) * HOUR_MS, untilMs) as { startMs: number; app: string; energyJ: number }[]
  }
}
