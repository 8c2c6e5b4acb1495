// Storage: ingest speed (large batches against per-reading transactions), bytes per reading, and
// totals from rollups against the same answer summed from raw readings.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { DatabaseSync } from 'node:sqlite'
import { openDatabase } from '../src-main/store/database.ts'
import { SampleStore } from '../src-main/store/sample-store.ts'
import { tempDir } from '../test/helpers.ts'
import { repeat, rowFrom, type BenchRow } from './harness.ts'
import { BENCH_T0_MS, benchDevice, benchRows, generatedHistory } from './synthetic.ts'

const DAY = 86_400

function freshStore(): { db: DatabaseSync; store: SampleStore; path: string } {
  const path = join(tempDir('wattprint-bench-'), 'bench.db')
  const db = openDatabase(path)
  return { db, store: new SampleStore(db), path }
}

/** Bytes the database's pages hold (free pages excluded), after a checkpoint. */
function usedBytes(db: DatabaseSync): number {
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count
  const free = (db.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count
  const size = (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size
  return (pages - free) * size
}

/** Readings per second into a fresh database, `perTransaction` readings per ingest call. */
function ingestRate(total: number, perTransaction: number): number {
  const { db, store } = freshStore()
  const rows = benchRows(benchDevice(0), BENCH_T0_MS, 0, total, 1000)
  const start = performance.now()
  for (let i = 0; i < rows.length; i += perTransaction) store.ingest(rows.slice(i, i + perTransaction))
  const s = (performance.now() - start) / 1000
  db.close()
  return total / s
}

export async function benchStore(opts: { quick: boolean }): Promise<BenchRow[]> {
  const runs = opts.quick ? 3 : 5
  const rows: BenchRow[] = []

  // Ingest: a day at 1 Hz in 10,000-reading batches (an import, a catch-up) against one reading
  // per transaction and the recorder's own 1 s flushes (1 reading per GPU at 1 Hz).
  const big = await repeat(runs, () => ingestRate(DAY, 10_000))
  const single = await repeat(runs, () => ingestRate(opts.quick ? 5_000 : 20_000, 1))
  rows.push(
    rowFrom(big, {
      id: 'store.ingest.batch',
      group: 'Batched ingest into node:sqlite (in-process)',
      label: '86,400 readings in 10,000-reading transactions',
      unit: 'readings/s',
      target: { op: '>=', value: 500_000 },
      against: { label: 'one reading per transaction', values: single },
    }),
  )
  rows.push(
    rowFrom(single, {
      id: 'store.ingest.single',
      group: 'Batched ingest into node:sqlite (in-process)',
      label: 'one reading per transaction (the recorder at 1 Hz, 1 GPU)',
      unit: 'readings/s',
      target: null,
    }),
  )

  // Size: one GPU-day at 1 Hz and at 10 Hz, raw readings and rollups.
  for (const hz of [1, 10]) {
    const values = await repeat(1, () => {
      const { db, store } = freshStore()
      const empty = usedBytes(db)
      const n = DAY * hz
      const device = benchDevice(0)
      for (let i = 0; i < n; i += 10_000) store.ingest(benchRows(device, BENCH_T0_MS, i, Math.min(n, i + 10_000), 1000 / hz))
      const bytes = usedBytes(db) - empty
      db.close()
      return bytes / n
    })
    rows.push(
      rowFrom(values, {
        id: `store.size.${hz}hz`,
        group: 'Database size per reading (raw + rollups)',
        label: `a GPU-day at ${hz} Hz`,
        unit: 'B',
        target: { op: '<=', value: 20 },
      }),
    )
  }
  // A GPU-year as retention leaves it: 7 days raw at 1 Hz, rollups for the rest.
  const year = generatedHistory({ gpus: 1, days: 365, rawDays: 7, rawIntervalMs: 1000, endMs: BENCH_T0_MS + 365 * DAY * 1000 })
  const yearDb = openDatabase(year.path)
  const yearMb = usedBytes(yearDb) / 1e6
  yearDb.close()
  rows.push(
    rowFrom([yearMb], {
      id: 'store.size.gpu-year',
      group: 'Database size per reading (raw + rollups)',
      label: 'a GPU-year with 7 days of raw 1 Hz readings',
      unit: 'MB',
      target: { op: '<=', value: 25 },
      note: `file ${(statSync(year.path).size / 1e6).toFixed(1)} MB`,
    }),
  )

  // Totals of a day: rollups (what reports use) against summing the raw readings.
  const { db, store } = freshStore()
  const device = benchDevice(0)
  for (let i = 0; i < DAY; i += 10_000) store.ingest(benchRows(device, BENCH_T0_MS, i, Math.min(DAY, i + 10_000), 1000))
  const from = BENCH_T0_MS + 1500
  const to = BENCH_T0_MS + DAY * 1000 - 1500
  const totalsMs = await repeat(opts.quick ? 20 : 100, () => {
    const s = performance.now()
    store.totals(from, to)
    return performance.now() - s
  })
  const rawMs = await repeat(opts.quick ? 5 : 10, () => {
    const s = performance.now()
    store.rawTotals(from, to)
    return performance.now() - s
  })
  const a = store.totals(from, to).energyJ
  const b = store.rawTotals(from, to).reduce((sum, d) => sum + d.energyJ, 0)
  db.close()
  rows.push(
    rowFrom(totalsMs, {
      id: 'store.totals.day',
      group: 'Totals of a day: rollups against raw readings',
      label: 'a GPU-day at 1 Hz, minute rollups with raw edges',
      unit: 'ms',
      target: null,
      against: { label: 'summing the 86,400 raw readings', values: rawMs },
      note: `same answer: ${(a / 3.6e6).toFixed(4)} kWh vs ${(b / 3.6e6).toFixed(4)} kWh`,
    }),
  )
  return rows
}
