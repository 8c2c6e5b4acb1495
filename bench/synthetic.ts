// Synthetic GPU readings for the storage and history benchmarks: the shape of a real nvidia-smi
// stream (power that moves every reading, use and clocks that follow it, memory that rarely
// changes), deterministic so every run stores the same bytes.
import { join } from 'node:path'
import type { Device, Sample } from '../src-main/contract/telemetry.ts'
import type { IngestRow } from '../src-main/recording/sink.ts'
import { openDatabase } from '../src-main/store/database.ts'
import { SampleStore } from '../src-main/store/sample-store.ts'
import { tempDir } from '../test/helpers.ts'

export const BENCH_T0_MS = Date.UTC(2026, 0, 1)

export function benchDevice(i: number): Device {
  return {
    deviceId: `GPU-bench-${i}`,
    index: i,
    name: 'NVIDIA GeForce RTX 4090',
    memTotalB: 24564 * 1024 ** 2,
    source: 'nvidia-smi',
    domain: 'gpu',
    method: 'sampled-power',
  }
}

/** Reading number `i` of a device sampled every `intervalMs` from `t0Ms`. */
export function benchRow(device: Device, t0Ms: number, i: number, intervalMs: number): IngestRow {
  // A workload that comes and goes: idle ~22 W, bursts to ~350 W, noise of a few watts.
  const phase = Math.floor(i / 600) % 3
  const base = phase === 0 ? 22 : phase === 1 ? 180 : 340
  const powerW = Math.round((base + ((i * 7919) % 997) / 100) * 100) / 100
  const util = phase === 0 ? 0 : 60 + (i % 40)
  const sample: Sample = {
    tMs: t0Ms + i * intervalMs,
    deviceId: device.deviceId,
    powerW,
    powerLimitW: 450,
    utilPct: util,
    memUtilPct: phase === 0 ? 0 : 20 + (i % 30),
    memUsedB: (phase === 0 ? 1024 : 19691) * 1024 ** 2,
    tempC: 40 + phase * 12 + (i % 3),
    smClockMhz: phase === 0 ? 210 : 2520 - (i % 5) * 15,
    pstate: phase === 0 ? 8 : 2,
  }
  const first = i === 0
  return {
    sample,
    device,
    energyJ: first ? null : (powerW * intervalMs) / 1000,
    intervalS: first ? null : intervalMs / 1000,
    gap: false,
    method: first ? null : 'sampled-power',
  }
}

/** Readings [from, to) of a device, as the recorder hands them over. */
export function benchRows(device: Device, t0Ms: number, from: number, to: number, intervalMs: number): IngestRow[] {
  const rows: IngestRow[] = []
  for (let i = from; i < to; i++) rows.push(benchRow(device, t0Ms, i, intervalMs))
  return rows
}

/**
 * A database holding `days` of history for `gpus` GPUs, ending at `endMs`: the last `rawDays` at
 * `rawIntervalMs` (kept raw, as retention keeps 7 days), the days before at one reading a minute
 * (purged to rollups, as retention leaves them: hour and day rollups are what history reads).
 */
export function generatedHistory(options: { gpus: number; days: number; rawDays: number; rawIntervalMs: number; endMs: number }): {
  path: string
  readings: number
} {
  const path = join(tempDir('wattprint-bench-db-'), 'history.db')
  const db = openDatabase(path)
  const store = new SampleStore(db)
  const startMs = options.endMs - options.days * 86_400_000
  const rawFromMs = options.endMs - options.rawDays * 86_400_000
  let readings = 0
  for (let g = 0; g < options.gpus; g++) {
    const device = benchDevice(g)
    const oldCount = Math.floor((rawFromMs - startMs) / 60_000)
    for (let i = 0; i < oldCount; i += 10_000) {
      const rows = benchRows(device, startMs, i, Math.min(oldCount, i + 10_000), 60_000)
      readings += store.ingest(rows).inserted
    }
  }
  store.purgeRawBefore(rawFromMs)
  for (let g = 0; g < options.gpus; g++) {
    const device = benchDevice(g)
    const rawCount = Math.floor((options.endMs - rawFromMs) / options.rawIntervalMs)
    for (let i = 0; i < rawCount; i += 10_000) {
      readings += store.ingest(benchRows(device, rawFromMs, i, Math.min(rawCount, i + 10_000), options.rawIntervalMs)).inserted
    }
  }
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  db.close()
  return { path, readings }
}
