import { DatabaseSync } from 'node:sqlite'
import { existsSync } from 'node:fs'
import { localDateKey } from '../core/time.ts'
import { sampleAt, type Device } from '../contract/telemetry.ts'
import { inspectDatabase, messageOf, openDatabase, StoreError } from './database.ts'
import { SampleStore } from './sample-store.ts'
import type { IngestRow } from '../recording/sink.ts'
import { legacyReading, type LegacySampleRow } from './migrations.ts'
import { decodeBlock, type StoredReadingRow } from './reading-block.ts'

export interface TableSalvage {
  table: string
  copied: number
  /** Key ranges that could not be read, e.g. "device 2, t_ms 1764460800000–1764460860000". */
  unreadable: string[]
  /** How the table was filled, when not by copying alone. */
  note?: string
}

export interface SalvageReport {
  source: string
  target: string
  tables: TableSalvage[]
}

const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000
/** Narrowest key range worth splitting further while hunting a damaged page. */
const MIN_SPLIT = 1

/**
 * Copies every row that can still be read from a damaged Wattprint database into a new file
 * (`target`, which must not exist). Raw readings are re-ingested, so the minute/hour/day rollups
 * of the new file agree with them; rollups from before the raw horizon (whose readings were purged
 * by retention) are copied as they are. A range that fails to read is split in halves until the
 * damaged part is as small as it can be. The damaged file is only read.
 */
export function salvageDatabase(source: string, target: string): SalvageReport {
  if (existsSync(target)) throw new StoreError('io', target, 'db.salvage-target-exists')
  let from: DatabaseSync
  try {
    from = new DatabaseSync(source, { readOnly: true })
  } catch (error) {
    throw new StoreError('damaged', source, 'db.salvage-impossible', { detail: messageOf(error) }, messageOf(error))
  }
  const to = openDatabase(target)
  const store = new SampleStore(to)
  const tables: TableSalvage[] = []
  try {
    const devices = copyDevices(from, to)
    tables.push(devices.report)
    const horizon = readHorizon(from)
    tables.push(copyKeyValue(from, to, 'settings'), copyKeyValue(from, to, 'meta'), copyDataPacks(from, to))
    tables.push(copyReadings(from, store, devices.byId))
    for (const table of ['rollup_minute', 'rollup_hour'] as const) tables.push(copyRollupBefore(from, to, table, devices.ids, horizon))
    tables.push(copyDayRollupBefore(from, to, devices.ids, horizon))
  } finally {
    from.close()
    to.close()
  }
  return { source, target, tables }
}

interface DeviceRow {
  id: number
  domain?: Device['domain']
  method?: Device['method']
  device_key: string
  idx: number | null
  name: string
  mem_total_b: number | null
  source: string
  first_seen_ms: number
  last_seen_ms: number
}

function copyDevices(from: DatabaseSync, to: DatabaseSync): { report: TableSalvage; byId: Map<number, DeviceRow>; ids: number[] } {
  const report: TableSalvage = { table: 'devices', copied: 0, unreadable: [] }
  const byId = new Map<number, DeviceRow>()
  const maxId = tryGet(() => (from.prepare('SELECT max(id) AS m FROM devices').get() as { m: number | null }).m) ?? 1000
  const rows = readRange(from, 'SELECT * FROM devices WHERE id >= ? AND id < ?', [], 0, (maxId ?? 0) + 1, report, 'id') as unknown as DeviceRow[]
  const insert = to.prepare(
    'INSERT INTO devices (id, device_key, idx, name, mem_total_b, source, first_seen_ms, last_seen_ms, domain, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  for (const r of rows) {
    insert.run(r.id, r.device_key, r.idx, r.name, r.mem_total_b, r.source, r.first_seen_ms, r.last_seen_ms, r.domain ?? 'gpu', r.method ?? 'sampled-power')
    byId.set(r.id, r)
    report.copied++
  }
  return { report, byId, ids: [...byId.keys()] }
}

function copyKeyValue(from: DatabaseSync, to: DatabaseSync, table: 'settings' | 'meta'): TableSalvage {
  const report: TableSalvage = { table, copied: 0, unreadable: [] }
  const rows = tryGet(() => from.prepare(`SELECT key, value FROM ${table}`).all() as { key: string; value: string }[])
  if (rows === null) report.unreadable.push('the whole table')
  const insert = to.prepare(`INSERT OR REPLACE INTO ${table} (key, value) VALUES (?, ?)`)
  for (const r of rows ?? []) {
    insert.run(r.key, r.value)
    report.copied++
  }
  return report
}

function copyDataPacks(from: DatabaseSync, to: DatabaseSync): TableSalvage {
  const report: TableSalvage = { table: 'data_packs', copied: 0, unreadable: [] }
  const maxId = tryGet(() => (from.prepare('SELECT max(id) AS m FROM data_packs').get() as { m: number | null }).m) ?? 100
  const rows = readRange(from, 'SELECT * FROM data_packs WHERE id >= ? AND id < ?', [], 0, (maxId ?? 0) + 1, report, 'id') as {
    id: number
    version: string
    date: string
    json: string
    imported_ms: number
    reverted_ms: number | null
  }[]
  const insert = to.prepare('INSERT INTO data_packs (id, version, date, json, imported_ms, reverted_ms) VALUES (?, ?, ?, ?, ?, ?)')
  for (const r of rows) {
    insert.run(r.id, r.version, r.date, r.json, r.imported_ms, r.reverted_ms)
    report.copied++
  }
  return report
}

/** The device as the recorder hands it over, from its salvaged row. */
function deviceOf(d: DeviceRow): Device {
  return {
    deviceId: d.device_key,
    index: d.idx,
    name: d.name,
    memTotalB: d.mem_total_b,
    source: d.source,
    domain: d.domain ?? 'gpu',
    method: d.method ?? 'sampled-power',
  }
}

function ingestRowOf(r: StoredReadingRow, device: Device): IngestRow {
  return {
    sample: sampleAt(r.tMs, device.deviceId, r),
    device,
    energyJ: r.energyJ,
    intervalS: r.intervalS,
    gap: r.gap,
    method: r.method,
  }
}

function hasTable(from: DatabaseSync, name: string): boolean {
  return tryGet(() => from.prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) ?? null) !== null
}

/** Raw readings: minute blocks (schema 5+) or the samples table of earlier files; each re-ingested so rollups agree. */
function copyReadings(from: DatabaseSync, store: SampleStore, devices: Map<number, DeviceRow>): TableSalvage {
  if (!hasTable(from, 'readings') && hasTable(from, 'samples')) return copyLegacySamples(from, store, devices)
  const report: TableSalvage = { table: 'readings', copied: 0, unreadable: [] }
  for (const [id, d] of devices) {
    const bounds = tryGet(
      () =>
        from.prepare('SELECT min(minute_ms) AS lo, max(minute_ms) AS hi FROM readings WHERE device_id = ?').get(id) as { lo: number | null; hi: number | null },
    )
    if (bounds && bounds.lo === null) continue
    const lo = bounds?.lo ?? 0
    const hi = (bounds?.hi ?? Date.UTC(2100, 0)) + MINUTE_MS
    const blocks = readRange(
      from,
      'SELECT minute_ms, data FROM readings WHERE device_id = ? AND minute_ms >= ? AND minute_ms < ?',
      [id],
      lo,
      hi,
      report,
      `device ${id}, minute_ms`,
      MINUTE_MS,
    ) as unknown as { minute_ms: number; data: Uint8Array }[]
    const device = deviceOf(d)
    const rows: IngestRow[] = []
    for (const b of blocks) {
      try {
        for (const r of decodeBlock(b.minute_ms, b.data)) rows.push(ingestRowOf(r, device))
      } catch {
        // A page that reads but holds garbage: that minute is lost, and said.
        report.unreadable.push(`device ${id}, minute_ms ${b.minute_ms}`)
      }
    }
    for (let i = 0; i < rows.length; i += 50_000) report.copied += store.ingest(rows.slice(i, i + 50_000)).inserted
  }
  return report
}

function copyLegacySamples(from: DatabaseSync, store: SampleStore, devices: Map<number, DeviceRow>): TableSalvage {
  const report: TableSalvage = { table: 'samples', copied: 0, unreadable: [] }
  for (const [id, d] of devices) {
    const bounds = tryGet(
      () => from.prepare('SELECT min(t_ms) AS lo, max(t_ms) AS hi FROM samples WHERE device_id = ?').get(id) as { lo: number | null; hi: number | null },
    )
    const lo = bounds?.lo ?? 0
    const hi = (bounds?.hi ?? Date.UTC(2100, 0)) + 1
    if (bounds && bounds.lo === null) continue
    const rows = readRange(
      from,
      'SELECT * FROM samples WHERE device_id = ? AND t_ms >= ? AND t_ms < ?',
      [id],
      lo,
      hi,
      report,
      `device ${id}, t_ms`,
    ) as unknown as LegacySampleRow[]
    const device = deviceOf(d)
    const ingest = rows.map((r) => ingestRowOf(legacyReading(r), device))
    for (let i = 0; i < ingest.length; i += 50_000) report.copied += store.ingest(ingest.slice(i, i + 50_000)).inserted
  }
  return report
}

type RollupRow = {
  device_id: number
  bucket_ms: number
  energy_j: number
  counter_energy_j?: number
  integrated_s: number
  samples: number
  gaps: number
  max_power_w: number | null
}

/** Rollup rows of buckets that end before the raw horizon: their readings were purged, so they are the only record. */
function copyRollupBefore(from: DatabaseSync, to: DatabaseSync, table: 'rollup_minute' | 'rollup_hour', deviceIds: number[], horizonMs: number): TableSalvage {
  const report: TableSalvage = {
    table,
    copied: 0,
    unreadable: [],
    note: 'rebuilt from the salvaged readings; rows from before the raw-reading retention copied',
  }
  const insert = to.prepare(
    `INSERT OR REPLACE INTO ${table} (device_id, bucket_ms, energy_j, counter_energy_j, integrated_s, samples, gaps, max_power_w) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  for (const id of deviceIds) {
    const rows = readRange(
      from,
      `SELECT * FROM ${table} WHERE device_id = ? AND bucket_ms >= ? AND bucket_ms < ?`,
      [id],
      0,
      horizonMs,
      report,
      `device ${id}, bucket_ms`,
    ) as unknown as RollupRow[]
    for (const r of rows) {
      insert.run(r.device_id, r.bucket_ms, r.energy_j, r.counter_energy_j ?? 0, r.integrated_s, r.samples, r.gaps, r.max_power_w)
      report.copied++
    }
  }
  return report
}

/** Day rollups before the horizon's day, and the purged part of that day from its hour rollups. */
function copyDayRollupBefore(from: DatabaseSync, to: DatabaseSync, deviceIds: number[], horizonMs: number): TableSalvage {
  const report: TableSalvage = {
    table: 'rollup_day',
    copied: 0,
    unreadable: [],
    note: 'rebuilt from the salvaged readings; days before the raw-reading retention copied',
  }
  if (horizonMs <= 0) return report
  const horizonDay = localDateKey(horizonMs)
  const insert = to.prepare(
    'INSERT OR REPLACE INTO rollup_day (device_id, day, energy_j, integrated_s, samples, gaps, max_power_w) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  for (const id of deviceIds) {
    const rows = tryGet(
      () => from.prepare('SELECT * FROM rollup_day WHERE device_id = ? AND day < ?').all(id, horizonDay) as (Omit<RollupRow, 'bucket_ms'> & { day: string })[],
    )
    if (rows === null) report.unreadable.push(`device ${id}, days before ${horizonDay}`)
    for (const r of rows ?? []) {
      insert.run(r.device_id, r.day, r.energy_j, r.integrated_s, r.samples, r.gaps, r.max_power_w)
      report.copied++
    }
    // The horizon's own day: readings after the horizon were re-ingested; add the purged hours before it.
    const hours = to
      .prepare('SELECT bucket_ms, energy_j, integrated_s, samples, gaps, max_power_w FROM rollup_hour WHERE device_id = ? AND bucket_ms < ? AND bucket_ms >= ?')
      .all(id, horizonMs, horizonMs - 24 * HOUR_MS) as unknown as RollupRow[]
    const add = to.prepare(`INSERT INTO rollup_day (device_id, day, energy_j, integrated_s, samples, gaps, max_power_w) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(device_id, day) DO UPDATE SET energy_j = energy_j + excluded.energy_j, integrated_s = integrated_s + excluded.integrated_s,
        samples = samples + excluded.samples, gaps = gaps + excluded.gaps,
        max_power_w = max(coalesce(max_power_w, excluded.max_power_w), coalesce(excluded.max_power_w, max_power_w))`)
    for (const h of hours) if (localDateKey(h.bucket_ms) === horizonDay) add.run(id, horizonDay, h.energy_j, h.integrated_s, h.samples, h.gaps, h.max_power_w)
  }
  return report
}

function readHorizon(from: DatabaseSync): number {
  const row = tryGet(() => from.prepare("SELECT value FROM meta WHERE key = 'raw_horizon_ms'").get() as { value: string } | undefined)
  return row ? Number(row.value) || 0 : 0
}

/**
 * Rows of `sql` (whose last two parameters bound a key range [lo, hi)) that can be read: a range
 * whose read fails is split in halves, down to single keys; what stays unreadable is reported.
 */
function readRange(
  from: DatabaseSync,
  sql: string,
  params: (number | string)[],
  lo: number,
  hi: number,
  report: TableSalvage,
  what: string,
  /** Keys are multiples of this (minute blocks: 60,000): no split finer than one key. */
  step = MIN_SPLIT,
): Record<string, unknown>[] {
  const statement = from.prepare(sql)
  const out: Record<string, unknown>[] = []
  const pending: [number, number][] = [[lo, hi]]
  while (pending.length > 0) {
    const [a, b] = pending.pop() as [number, number]
    if (a >= b) continue
    try {
      for (const row of statement.all(...params, a, b) as Record<string, unknown>[]) out.push(row)
    } catch {
      if (b - a <= step) {
        const last = report.unreadable.at(-1)
        // Merge adjacent unreadable keys into one range.
        const m = last ? new RegExp(`^${what} (\\d+)–(\\d+)$`).exec(last) : null
        if (m && Number(m[2]) === a) report.unreadable[report.unreadable.length - 1] = `${what} ${m[1]}–${b}`
        else report.unreadable.push(`${what} ${a}–${b}`)
        continue
      }
      const mid = a + Math.max(step, Math.floor((b - a) / (2 * step)) * step)
      // Upper half first on the stack's bottom: ranges come out in order.
      pending.push([mid, b], [a, mid])
    }
  }
  return out
}

function tryGet<T>(read: () => T): T | null {
  try {
    return read()
  } catch {
    return null
  }
}

/** What `wattprint doctor` finds: healthy, damaged (with the check's words), or not Wattprint's at all. */
export function diagnoseDatabase(path: string): { state: 'healthy' } | { state: 'damaged'; detail: string } {
  try {
    inspectDatabase(path)
    return { state: 'healthy' }
  } catch (error) {
    if (error instanceof StoreError && error.reason === 'damaged') return { state: 'damaged', detail: error.detail ?? error.message }
    throw error
  }
}
