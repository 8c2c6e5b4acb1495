import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { sampleAt, type Device, type Sample } from '../contract/telemetry.ts'
import type { IngestRow, Sink } from '../recording/sink.ts'
import type { BucketInput } from '../core/history.ts'
import type { DeviceTotals, RangeTotals } from '../core/report.ts'
import type { StoredReading } from '../core/overlap.ts'
import { localDateKey, startOfLocalDateMs, startOfLocalDayMs } from '../core/time.ts'
import { AppRollups } from './app-rollups.ts'
import { inTransaction } from './database.ts'
import { BlockEncoder, decodeBlock, type StoredReadingRow } from './reading-block.ts'

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

function rollupTotalsSql(table: 'rollup_minute' | 'rollup_hour'): string {
  return `SELECT d.device_key, d.name, d.source, d.domain, d.method, sum(r.energy_j) AS energy_j, sum(r.counter_energy_j) AS counter_energy_j,
      sum(r.integrated_s) AS integrated_s,
      sum(r.samples) AS n, sum(r.gaps) AS gaps, max(r.max_power_w) AS max_power_w, min(r.bucket_ms) AS first_ms, max(r.bucket_ms) AS last_ms
    FROM devices d CROSS JOIN ${table} r ON r.device_id = d.id
    WHERE r.bucket_ms >= ? AND r.bucket_ms < ? GROUP BY d.id`
}

/** A device's readings of one minute, decoded. */
interface Block {
  deviceId: number
  deviceKey: string
  minuteMs: number
  rows: StoredReadingRow[]
}

/**
 * Raw readings (grouped per device and minute, compact: reading-block.ts) and their
 * minute/hour/day rollups in one SQLite database; the recorder's sink.
 */
export class SampleStore implements Sink {
  private readonly db: DatabaseSync
  private readonly deviceIds = new Map<string, number>()
  private readonly statements = new Map<string, StatementSync>()
  private readonly selectBlock: StatementSync
  private readonly writeBlock: StatementSync
  private readonly appendBlock: StatementSync
  /** Each device's latest minute as written, to append the next readings without reading it back. */
  private readonly openBlocks = new Map<number, BlockEncoder>()
  private readonly upsertDevice: StatementSync
  private readonly upserts: Record<'minute' | 'hour' | 'day', StatementSync>

  /** Energy per app (written with the readings that carry it). */
  readonly apps: AppRollups

  constructor(db: DatabaseSync) {
    this.db = db
    this.apps = new AppRollups(db)
    this.selectBlock = db.prepare('SELECT data FROM readings WHERE device_id = ? AND minute_ms = ?')
    this.writeBlock = db.prepare(`INSERT INTO readings (device_id, minute_ms, n, data) VALUES (?, ?, ?, ?)
      ON CONFLICT(device_id, minute_ms) DO UPDATE SET n = excluded.n, data = excluded.data`)
    // Only if the block is still the one this store wrote (another process may have added to it).
    this.appendBlock = db.prepare('UPDATE readings SET n = ?, data = ? WHERE device_id = ? AND minute_ms = ? AND n = ?')
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
   * A row already stored (same device and instant, e.g. a log imported twice) is skipped. Rows
   * are grouped per device and minute: each minute's block is read once, merged, written once,
   * and its rollup delta goes to the minute, its hour and its local day.
   */
  ingest(rows: readonly IngestRow[]): { inserted: number; duplicates: number } {
    if (rows.length === 0) return { inserted: 0, duplicates: 0 }
    try {
      return inTransaction(this.db, () => this.ingestInTransaction(rows))
    } catch (error) {
      // Rolled back: what the open blocks hold may not be stored.
      this.openBlocks.clear()
      throw error
    }
  }

  private ingestInTransaction(rows: readonly IngestRow[]): { inserted: number; duplicates: number } {
    const groups = new Map<string, { deviceId: number; minuteMs: number; rows: IngestRow[] }>()
    for (const row of rows) {
      const deviceId = this.deviceIdFor(row.device, row.sample.tMs)
      // The block keeps whole milliseconds: its minute is the rounded instant's.
      const minuteMs = Math.floor(Math.round(row.sample.tMs) / MINUTE_MS) * MINUTE_MS
      const key = `${deviceId}|${minuteMs}`
      const group = groups.get(key)
      if (group) group.rows.push(row)
      else groups.set(key, { deviceId, minuteMs, rows: [row] })
    }
    const deltas = { minute: [] as RollupDelta[], hour: new Map<string, RollupDelta>(), day: new Map<string, RollupDelta>() }
    let inserted = 0
    const apps = AppRollups.batch()
    for (const g of groups.values()) {
      const fresh = this.appendToOpenBlock(g) ?? this.mergeIntoBlock(g)
      if (fresh.length === 0) continue
      inserted += fresh.length
      const minute: RollupDelta = {
        deviceId: g.deviceId,
        bucket: g.minuteMs,
        energyJ: 0,
        counterEnergyJ: 0,
        integratedS: 0,
        samples: 0,
        gaps: 0,
        maxPowerW: null,
      }
      for (const row of fresh) {
        addRow(minute, row)
        if (row.apps?.length) AppRollups.add(apps, g.deviceId, row.sample.tMs, row.apps, row.attribution ?? 'none')
      }
      deltas.minute.push(minute)
      mergeDelta(deltas.hour, minute, Math.floor(g.minuteMs / HOUR_MS) * HOUR_MS)
      mergeDelta(deltas.day, minute, localDateKey(g.minuteMs))
    }
    this.apps.write(apps)
    for (const d of deltas.minute) this.writeRollup('minute', d)
    for (const d of deltas.hour.values()) this.writeRollup('hour', d)
    for (const d of deltas.day.values()) this.writeRollup('day', d)
    return { inserted, duplicates: rows.length - inserted }
  }

  /**
   * The recorder's case: readings after the last one of the device's open minute are appended to
   * its encoder and the block is written back, if nobody else changed it. Null: take the slow path.
   */
  private appendToOpenBlock(g: { deviceId: number; minuteMs: number; rows: IngestRow[] }): IngestRow[] | null {
    const open = this.openBlocks.get(g.deviceId)
    if (!open || open.minuteMs !== g.minuteMs) return null
    let last = open.lastMs
    for (const row of g.rows) {
      if (!(Math.round(row.sample.tMs) > last)) return null
      last = Math.round(row.sample.tMs)
    }
    const before = open.count
    for (const row of g.rows) open.append(storedRow(row))
    if (Number(this.appendBlock.run(open.count, open.bytes(), g.deviceId, g.minuteMs, before).changes) === 1) return g.rows
    this.openBlocks.delete(g.deviceId)
    return null
  }

  /** Reads the minute's block, adds the readings it does not hold yet, writes it back; returns those. */
  private mergeIntoBlock(g: { deviceId: number; minuteMs: number; rows: IngestRow[] }): IngestRow[] {
    const stored = this.selectBlock.get(g.deviceId, g.minuteMs) as { data: Uint8Array } | undefined
    const existing = stored ? decodeBlock(g.minuteMs, stored.data) : []
    const seen = new Set(existing.map((r) => r.tMs))
    const fresh: IngestRow[] = []
    for (const row of g.rows) {
      const tMs = Math.round(row.sample.tMs)
      if (seen.has(tMs)) continue
      seen.add(tMs)
      fresh.push(row)
    }
    if (fresh.length === 0) return fresh
    const encoder = new BlockEncoder(g.minuteMs)
    for (const r of existing.concat(fresh.map(storedRow)).sort((a, b) => a.tMs - b.tMs)) encoder.append(r)
    this.writeBlock.run(g.deviceId, g.minuteMs, encoder.count, encoder.bytes())
    const open = this.openBlocks.get(g.deviceId)
    if (!open || open.minuteMs <= g.minuteMs) this.openBlocks.set(g.deviceId, encoder)
    return fresh
  }

  private writeRollup(level: 'minute' | 'hour' | 'day', d: RollupDelta): void {
    this.upserts[level].run(d.deviceId, d.bucket, d.energyJ, d.counterEnergyJ, d.integratedS, d.samples, d.gaps, d.maxPowerW)
  }

  /** Decoded blocks whose minute overlaps [fromMs, toMs), every device or one. */
  private *blocks(fromMs: number, toMs: number, deviceKey?: string): Generator<Block> {
    const fromMinute = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS
    // One block at a time: a week at 10 Hz is millions of readings, never all in memory.
    const rows = (
      deviceKey === undefined
        ? this.statement(
            `SELECT d.id, d.device_key, r.minute_ms, r.data FROM devices d CROSS JOIN readings r ON r.device_id = d.id
              WHERE r.minute_ms >= ? AND r.minute_ms < ? ORDER BY r.minute_ms`,
          ).iterate(fromMinute, toMs)
        : this.statement(
            `SELECT d.id, d.device_key, r.minute_ms, r.data FROM devices d JOIN readings r ON r.device_id = d.id
              WHERE d.device_key = ? AND r.minute_ms >= ? AND r.minute_ms < ? ORDER BY r.minute_ms`,
          ).iterate(deviceKey, fromMinute, toMs)
    ) as Iterable<{ id: number; device_key: string; minute_ms: number; data: Uint8Array }>
    for (const r of rows) yield { deviceId: r.id, deviceKey: r.device_key, minuteMs: r.minute_ms, rows: decodeBlock(r.minute_ms, r.data) }
  }

  /** Raw readings of [fromMs, toMs) (toMs included when `inclusive`), per block, oldest first. */
  private *readingsIn(
    fromMs: number,
    toMs: number,
    options: { deviceKey?: string; inclusive?: boolean } = {},
  ): Generator<{ block: Block; row: StoredReadingRow }> {
    const end = options.inclusive ? toMs + 1 : toMs
    for (const block of this.blocks(fromMs, end, options.deviceKey)) {
      for (const row of block.rows) if (row.tMs >= fromMs && row.tMs < end) yield { block, row }
    }
  }

  /** Totals rows of the day rollups of the local days in [fromMs, toMs) (both local midnights). */
  private dayTotalsRows(fromMs: number, toMs: number): TotalsRow[] {
    const rows = this.statement(
      `SELECT d.device_key, d.name, d.source, d.domain, d.method, sum(r.energy_j) AS energy_j, sum(r.counter_energy_j) AS counter_energy_j,
        sum(r.integrated_s) AS integrated_s, sum(r.samples) AS n, sum(r.gaps) AS gaps, max(r.max_power_w) AS max_power_w,
        min(r.day) AS first_day, max(r.day) AS last_day
      FROM devices d CROSS JOIN rollup_day r ON r.device_id = d.id WHERE r.day >= ? AND r.day < ? GROUP BY d.id`,
    ).all(localDateKey(fromMs), localDateKey(toMs)) as (Omit<TotalsRow, 'first_ms' | 'last_ms'> & { first_day: string; last_day: string })[]
    return rows.map(({ first_day, last_day, ...r }) => ({ ...r, first_ms: startOfLocalDateMs(first_day), last_ms: startOfLocalDateMs(last_day) }))
  }

  /** Totals rows of the raw readings in [fromMs, toMs), per device (the edges of a range). */
  private rawTotalsRows(fromMs: number, toMs: number): TotalsRow[] {
    const byDevice = new Map<number, TotalsRow>()
    for (const { block, row } of this.readingsIn(fromMs, toMs)) {
      let t = byDevice.get(block.deviceId)
      if (!t) {
        const d = this.deviceInfo(block.deviceId)
        t = { ...d, energy_j: 0, counter_energy_j: 0, integrated_s: 0, n: 0, gaps: 0, max_power_w: null, first_ms: row.tMs, last_ms: row.tMs }
        byDevice.set(block.deviceId, t)
      }
      t.energy_j = (t.energy_j ?? 0) + (row.energyJ ?? 0)
      if (row.method === 'counter') t.counter_energy_j = (t.counter_energy_j ?? 0) + (row.energyJ ?? 0)
      if (row.energyJ !== null) t.integrated_s = (t.integrated_s ?? 0) + (row.intervalS ?? 0)
      t.n++
      t.gaps = (t.gaps ?? 0) + (row.gap ? 1 : 0)
      if (row.powerW !== null) t.max_power_w = Math.max(t.max_power_w ?? row.powerW, row.powerW)
      t.last_ms = row.tMs
    }
    return [...byDevice.values()]
  }

  private deviceInfo(id: number): Pick<TotalsRow, 'device_key' | 'name' | 'source' | 'domain' | 'method'> {
    return this.statement('SELECT device_key, name, source, domain, method FROM devices WHERE id = ?').get(id) as Pick<
      TotalsRow,
      'device_key' | 'name' | 'source' | 'domain' | 'method'
    >
  }

  /**
   * Totals over [sinceMs, untilMs), each part from the coarsest rows that fit: whole local days
   * from the day rollups, whole hours from the hour rollups, whole minutes from the minute rollups,
   * partial minutes from raw readings (a year costs ~365 rows a device, a day ~24 + 120 at most).
   * Before the raw horizon (purged by retention) the hour rollups answer, so such edges resolve to the hour.
   */
  totals(sinceMs: number, untilMs: number, options: { byLocalHour?: boolean } = {}): RangeTotals {
    const horizon = this.rawHorizonMs()
    const perDevice = new Map<string, DeviceTotals>()
    let samples = 0
    let gaps = 0
    const add = (table: 'raw' | 'rollup_minute' | 'rollup_hour' | 'rollup_day', from: number, to: number): void => {
      if (from >= to) return
      const rows =
        table === 'raw'
          ? this.rawTotalsRows(from, to)
          : table === 'rollup_day'
            ? this.dayTotalsRows(from, to)
            : (this.statement(rollupTotalsSql(table)).all(from, to) as TotalsRow[])
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
    // [from, to) from the coarsest rows that fit: hours before the raw horizon (resolved to the
    // hour), then raw readings for partial minutes, minute rollups for partial hours, hour rollups.
    const addSpan = (from: number, to: number): void => {
      if (from >= to) return
      if (from < horizon) add('rollup_hour', Math.floor(from / HOUR_MS) * HOUR_MS, Math.min(horizon, to))
      const rawFrom = Math.max(from, horizon)
      const minutesFrom = Math.ceil(rawFrom / MINUTE_MS) * MINUTE_MS
      const minutesTo = Math.floor(to / MINUTE_MS) * MINUTE_MS
      if (minutesFrom >= minutesTo) {
        add('raw', rawFrom, to)
        return
      }
      add('raw', rawFrom, minutesFrom)
      const hoursFrom = Math.ceil(minutesFrom / HOUR_MS) * HOUR_MS
      const hoursTo = Math.floor(minutesTo / HOUR_MS) * HOUR_MS
      if (hoursFrom < hoursTo) {
        add('rollup_minute', minutesFrom, hoursFrom)
        add('rollup_hour', hoursFrom, hoursTo)
        add('rollup_minute', hoursTo, minutesTo)
      } else add('rollup_minute', minutesFrom, minutesTo)
      add('raw', minutesTo, to)
    }
    // Whole local days from the day rollups (365 rows a year per device, not 8,760 hours).
    const startOfDay = startOfLocalDayMs(sinceMs)
    const daysFrom = startOfDay === sinceMs ? sinceMs : startOfLocalDayMs(startOfDay + 36 * HOUR_MS)
    const daysTo = startOfLocalDayMs(untilMs)
    if (daysFrom < daysTo) {
      addSpan(sinceMs, daysFrom)
      add('rollup_day', daysFrom, daysTo)
      addSpan(daysTo, untilMs)
    } else addSpan(sinceMs, untilMs)
    const devices = [...perDevice.values()]
    return {
      energyJ: devices.reduce((sum, d) => sum + d.energyJ, 0),
      samples,
      gaps,
      devices,
      energyKWhByLocalHour: options.byLocalHour ? this.energyByLocalHour(sinceMs, untilMs) : null,
    }
  }

  /** Energy per device over [sinceMs, untilMs) summed from the raw readings alone (what the rollups spare). */
  rawTotals(sinceMs: number, untilMs: number): { deviceId: string; energyJ: number }[] {
    return this.rawTotalsRows(sinceMs, untilMs).map((r) => ({ deviceId: r.device_key, energyJ: r.energy_j ?? 0 }))
  }

  /**
   * Energy of [sinceMs, untilMs) by local hour of day (system zone), kWh, split the same way as
   * totals(): raw edges, minute rollups, hour rollups before the raw horizon (resolved to the hour).
   */
  energyByLocalHour(sinceMs: number, untilMs: number): number[] {
    const hours = Array.from({ length: 24 }, () => 0)
    const horizon = this.rawHorizonMs()
    const rawFrom = Math.max(sinceMs, horizon)
    const addHour = (tMs: number, energyJ: number | null): void => {
      const i = new Date(tMs).getHours()
      hours[i] = (hours[i] ?? 0) + (energyJ ?? 0) / 3.6e6
    }
    const raw = (from: number, to: number): void => {
      for (const { row } of this.readingsIn(from, to)) addHour(row.tMs, row.energyJ)
    }
    const rollup = (table: string, from: number, to: number): void => {
      if (from >= to) return
      const sql = `SELECT bucket_ms AS t, sum(energy_j) AS e FROM ${table} WHERE bucket_ms >= ? AND bucket_ms < ? GROUP BY bucket_ms`
      for (const r of this.statement(sql).all(from, to) as { t: number; e: number | null }[]) addHour(r.t, r.e)
    }
    const minutesFrom = Math.ceil(rawFrom / MINUTE_MS) * MINUTE_MS
    const minutesTo = Math.floor(untilMs / MINUTE_MS) * MINUTE_MS
    if (minutesFrom < minutesTo) {
      raw(rawFrom, minutesFrom)
      rollup('rollup_minute', minutesFrom, minutesTo)
      raw(minutesTo, untilMs)
    } else raw(rawFrom, untilMs)
    if (sinceMs < horizon) rollup('rollup_hour', Math.floor(sinceMs / HOUR_MS) * HOUR_MS, Math.min(horizon, untilMs))
    return hours
  }

  /**
   * Rollup buckets of [sinceMs, untilMs) per device: hours (UTC hour buckets) or calendar days
   * (local dates, as recorded). Never loads raw samples, whatever the range.
   */
  buckets(level: 'hour' | 'day', sinceMs: number, untilMs: number): BucketInput[] {
    if (level === 'hour') {
      return this.statement(
        `SELECT d.device_key AS deviceId, d.name, r.bucket_ms AS startMs, r.energy_j AS energyJ, r.integrated_s AS integratedS,
            r.samples, r.gaps, r.max_power_w AS maxPowerW
          FROM devices d CROSS JOIN rollup_hour r ON r.device_id = d.id
          WHERE r.bucket_ms >= ? AND r.bucket_ms < ? ORDER BY r.bucket_ms, d.idx`,
      ).all(Math.floor(sinceMs / HOUR_MS) * HOUR_MS, untilMs) as unknown as BucketInput[]
    }
    const rows = this.statement(
      `SELECT d.device_key AS deviceId, d.name, r.day, r.energy_j AS energyJ, r.integrated_s AS integratedS,
          r.samples, r.gaps, r.max_power_w AS maxPowerW
        FROM devices d CROSS JOIN rollup_day r ON r.device_id = d.id
        WHERE r.day >= ? AND r.day <= ? ORDER BY r.day, d.idx`,
    ).all(localDateKey(sinceMs), localDateKey(untilMs - 1)) as unknown as (Omit<BucketInput, 'startMs'> & { day: string })[]
    return rows.map(({ day, ...r }) => ({ ...r, startMs: startOfLocalDateMs(day) }))
  }

  /** Raw samples of every device since `sinceMs`, oldest first. */
  samplesSince(sinceMs: number): Sample[] {
    const out: Sample[] = []
    for (const { block, row } of this.readingsIn(sinceMs, Number.MAX_SAFE_INTEGER)) {
      out.push(sampleAt(row.tMs, block.deviceKey, row))
    }
    // Blocks come minute by minute; within a minute, devices one after the other.
    return out.sort((a, b) => a.tMs - b.tMs)
  }

  /** One device's stored readings in [fromMs, toMs) with everything kept (idle learning, salvage). */
  readings(deviceKey: string, fromMs: number, toMs: number): StoredReadingRow[] {
    return [...this.eachReading(deviceKey, fromMs, toMs)]
  }

  /** The same, one at a time (a week of readings without holding them all). */
  *eachReading(deviceKey: string, fromMs: number, toMs: number): Generator<StoredReadingRow> {
    for (const { row } of this.readingsIn(fromMs, toMs, { deviceKey })) yield row
  }

  /**
   * Readings stored for a device in [fromMs, toMs], oldest first, with the interval each closed:
   * what an import must not count again.
   */
  storedReadings(deviceKey: string, fromMs: number, toMs: number): StoredReading[] {
    return [...this.readingsIn(fromMs, toMs, { deviceKey, inclusive: true })].map(({ row }) => ({ tMs: row.tMs, intervalS: row.intervalS }))
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
    const purged = inTransaction(this.db, () => {
      // Whole hours are whole minutes: every block before the horizon goes.
      const purged = (this.db.prepare('SELECT coalesce(sum(n), 0) AS n FROM readings WHERE minute_ms < ?').get(horizon) as { n: number }).n
      this.db.prepare('DELETE FROM readings WHERE minute_ms < ?').run(horizon)
      this.db.prepare('DELETE FROM rollup_minute WHERE bucket_ms < ?').run(horizon - 30 * DAY_MS)
      this.db
        .prepare(
          `INSERT INTO meta (key, value) VALUES ('raw_horizon_ms', ?)
        ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        )
        .run(String(horizon))
      return purged
    })
    // Give the freed pages back to the disk (files created with auto_vacuum = INCREMENTAL; a no-op on older ones).
    this.db.exec('PRAGMA incremental_vacuum')
    return purged
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

/** Adds one stored reading to a bucket's delta. */
function addRow(d: RollupDelta, row: IngestRow): void {
  d.energyJ += row.energyJ ?? 0
  if (row.method === 'counter') d.counterEnergyJ += row.energyJ ?? 0
  d.integratedS += row.energyJ === null ? 0 : (row.intervalS ?? 0)
  d.samples++
  d.gaps += row.gap ? 1 : 0
  const p = row.sample.powerW
  if (p !== null) d.maxPowerW = Math.max(d.maxPowerW ?? p, p)
}

/** Adds a minute's delta to its hour's or day's. */
function mergeDelta(map: Map<string, RollupDelta>, minute: RollupDelta, bucket: number | string): void {
  const key = `${minute.deviceId}|${bucket}`
  const d = map.get(key)
  if (!d) {
    map.set(key, { ...minute, bucket })
    return
  }
  d.energyJ += minute.energyJ
  d.counterEnergyJ += minute.counterEnergyJ
  d.integratedS += minute.integratedS
  d.samples += minute.samples
  d.gaps += minute.gaps
  if (minute.maxPowerW !== null) d.maxPowerW = Math.max(d.maxPowerW ?? minute.maxPowerW, minute.maxPowerW)
}

/** What is kept of an ingested row. */
function storedRow(row: IngestRow): StoredReadingRow {
  const s = row.sample
  return {
    tMs: Math.round(s.tMs),
    powerW: s.powerW,
    energyJ: row.energyJ,
    intervalS: row.intervalS,
    gap: row.gap,
    method: row.energyJ === null ? null : (row.method ?? null),
    powerLimitW: s.powerLimitW,
    utilPct: s.utilPct,
    memUtilPct: s.memUtilPct,
    memUsedB: s.memUsedB,
    tempC: s.tempC,
    smClockMhz: s.smClockMhz,
    pstate: s.pstate,
  }
}
