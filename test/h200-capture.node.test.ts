import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, defined, tempDir } from './helpers.ts'
import { importNvidiaSmiLog } from '../src-main/telemetry/importers/nvidia-smi-log.importer.ts'
import { parseComputeApps, parsePmon } from '../src-main/telemetry/parsers/nvidia-smi-processes.parse.ts'
import { openDatabase } from '../src-main/store/database.ts'
import { SampleStore } from '../src-main/store/sample-store.ts'
import { AppRollups } from '../src-main/store/app-rollups.ts'

/**
 * A real NVIDIA H200 (driver 580.159.04) through idle, bf16 matrix products, device-to-device
 * copies, matrix products half the time and idle again, captured by scripts/device/run-capture.sh
 * (test/fixtures/SOURCES.md). The board's own total-energy counter, read through NVML every 100 ms,
 * is the reference: the nvidia-smi log a user would write, and Wattprint's own recordings of that
 * GPU at the same time (through NVML, and through the nvidia-smi stream), are held to it.
 */
const DIR = join(FIXTURES, 'nvidia-h200')
const UUID = 'GPU-b8d34e37-4d04-5317-be8c-f6731f19c418'
/** After the capture: the importer must not take it for a log from the future. */
const NOW = Date.UTC(2026, 11, 1)

const counter = readFileSync(join(DIR, 'nvml-counter.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const cells = line.split(',')
    return { wallMs: Number(cells[0]), energyMJ: Number(cells[2]) }
  })
const COUNTER_FROM_MS = defined(counter[0], 'first counter read').wallMs
const COUNTER_TO_MS = defined(counter.at(-1), 'last counter read').wallMs

/** The counter's energy between two instants inside its window, J (linear between its 100 ms reads). */
function counterJ(fromMs: number, toMs: number): number {
  const at = (ms: number): number => {
    const i = counter.findIndex((c, k) => c.wallMs <= ms && ms <= (counter[k + 1]?.wallMs ?? -Infinity))
    if (i < 0) throw new Error(`${ms} is outside the counter's window`)
    const [a, b] = [defined(counter[i], 'read before'), defined(counter[i + 1], 'read after')]
    return a.energyMJ + ((ms - a.wallMs) / (b.wallMs - a.wallMs)) * (b.energyMJ - a.energyMJ)
  }
  return (at(toMs) - at(fromMs)) / 1000
}

/** Phase name → [start, end) in wall-clock ms, as the load wrote them. */
const phases = (() => {
  const marks = readFileSync(join(DIR, 'phases.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','))
  return new Map(marks.slice(0, -1).map(([name, ms], i) => [String(name), [Number(ms), Number(marks[i + 1]?.[1])] as const]))
})()

function importLog(text: string, file: string): SampleStore {
  const store = new SampleStore(openDatabase(join(tempDir(), 'import.db')))
  const summary = importNvidiaSmiLog(store, text, { file, zone: 'UTC', maxGapS: 10, nowMs: NOW })
  expect(summary.skipped).toEqual({})
  return store
}

/** Header plus every n-th reading: the same log as if nvidia-smi had been asked for a longer interval. */
function everyNth(text: string, n: number, offset: number): string {
  const [header, ...rows] = text.trim().split('\n')
  return [header, ...rows.filter((_, i) => i % n === offset % n)].join('\n')
}

/** A copy of a database Wattprint wrote on the H200 (opening may mark or migrate it; the fixture stays as captured). */
function recorded(file: string): { store: SampleStore; apps: AppRollups } {
  const path = join(tempDir(), file)
  copyFileSync(join(DIR, file), path)
  const db = openDatabase(path)
  return { store: new SampleStore(db), apps: new AppRollups(db) }
}

/** The energy that readings carry for the intervals they close (the first one's lies before the span). */
const carriedJ = (readings: readonly { energyJ: number | null }[]): number => readings.slice(1).reduce((sum, r) => sum + (r.energyJ ?? 0), 0)

const percent = (measured: number, reference: number): string => `${(((measured - reference) / reference) * 100).toFixed(3)} %`

describe('a real H200 against its own total-energy counter', () => {
  const log = readFileSync(join(DIR, 'smi-stream.csv'), 'utf8')

  it("the nvidia-smi log (power.draw every 100 ms), imported, holds the counter's 41.8 kJ to 0.2 %", () => {
    const store = importLog(log, 'smi-stream.csv')
    const importedJ = store.totals(COUNTER_FROM_MS, COUNTER_TO_MS).energyJ
    const referenceJ = counterJ(COUNTER_FROM_MS, COUNTER_TO_MS)
    console.info(`H200, 100 ms log: ${importedJ.toFixed(0)} J imported, counter ${referenceJ.toFixed(0)} J (${percent(importedJ, referenceJ)})`)
    expect(referenceJ).toBeGreaterThan(41_000)
    expect(importedJ / referenceJ).toBeGreaterThan(0.998)
    expect(importedJ / referenceJ).toBeLessThan(1.002)
  })

  it('each load phase to 2 % (power.draw is a 1 s average: it trails each step of the load)', () => {
    const store = importLog(log, 'smi-stream.csv')
    for (const name of ['matmul-bf16', 'copy-d2d', 'matmul-half-duty']) {
      const [from, to] = defined(phases.get(name), name)
      const ratio = store.totals(from, to).energyJ / counterJ(from, to)
      expect(ratio, name).toBeGreaterThan(0.98)
      expect(ratio, name).toBeLessThan(1.02)
    }
    // The compute-bound phase runs near the 700 W limit; the idle GPU with no context draws 80 W.
    const [from, to] = defined(phases.get('matmul-bf16'), 'matmul phase')
    expect(counterJ(from, to) / ((to - from) / 1000)).toBeGreaterThan(650)
    const [idleFrom, idleTo] = defined(phases.get('idle-no-context'), 'idle phase')
    expect(counterJ(Math.max(idleFrom, COUNTER_FROM_MS), idleTo) / ((idleTo - Math.max(idleFrom, COUNTER_FROM_MS)) / 1000)).toBeCloseTo(80, 0)
  })

  it('read every 1 s the log still agrees to 0.5 % whatever second it starts on; every 5 s it can be off by 2 % and more', () => {
    /** The error of the log read every n-th line from line `offset` on, against the counter over the same span. */
    const errorAt = (n: number, offset: number): number => {
      const store = importLog(everyNth(log, n, offset), `every-${n}-from-${offset}.csv`)
      const inside = store.readings(UUID, COUNTER_FROM_MS, COUNTER_TO_MS)
      return carriedJ(inside) / counterJ(defined(inside[0], 'first reading').tMs, defined(inside.at(-1), 'last reading').tMs) - 1
    }
    const spread = (n: number, offsets: number[]): [number, number] => {
      const errors = offsets.map((offset) => errorAt(n, offset))
      return [Math.min(...errors), Math.max(...errors)]
    }
    const oneSecond = spread(10, [0, 2, 4, 6, 8])
    const fiveSeconds = spread(50, [0, 10, 20, 30, 40])
    const show = ([low, high]: [number, number]): string => `${(low * 100).toFixed(2)} to ${(high * 100).toFixed(2)} %`
    console.info(`H200 log read every 1 s: ${show(oneSecond)}; every 5 s: ${show(fiveSeconds)} (by the second it starts on)`)
    expect(Math.max(...oneSecond.map(Math.abs))).toBeLessThan(0.005)
    expect(Math.max(...fiveSeconds.map(Math.abs))).toBeGreaterThan(0.015)
    // Both inside the ±5 % that Wattprint puts on sampled NVIDIA power (measurement-nvml-power).
    expect(Math.max(...fiveSeconds.map(Math.abs))).toBeLessThan(0.05)
  })

  it('a log with power.draw.average and power.draw.instant beside power.draw reads power.draw (exact header names)', () => {
    const extra = readFileSync(join(DIR, 'smi-extra.csv'), 'utf8')
    expect(extra.split('\n')[0]).toMatch(/power\.draw \[W\], power\.draw\.average \[W\], power\.draw\.instant \[W\]/)
    // That log has no uuid column: its GPU is keyed by index, so it lands beside the other log's, not on it.
    const fromExtra = importLog(extra, 'smi-extra.csv').totals(COUNTER_FROM_MS, COUNTER_TO_MS).energyJ
    const fromStream = importLog(log, 'smi-stream.csv').totals(COUNTER_FROM_MS, COUNTER_TO_MS).energyJ
    expect(fromExtra / fromStream).toBeCloseTo(1, 3)
  })
})

describe("Wattprint's own recordings of the H200, made while the counter was read", () => {
  /** The readings inside the counter's window: the energy they carry against the counter's over the same span. */
  function againstCounter(file: string): { method: string; ratio: number; readings: number } {
    const { store } = recorded(file)
    const inside = store.readings(UUID, COUNTER_FROM_MS, COUNTER_TO_MS)
    const energyJ = carriedJ(inside)
    const referenceJ = counterJ(defined(inside[0], 'first reading').tMs, defined(inside.at(-1), 'last reading').tMs)
    console.info(`H200, ${file}: ${energyJ.toFixed(0)} J in ${inside.length} readings, counter ${referenceJ.toFixed(0)} J (${percent(energyJ, referenceJ)})`)
    return { method: defined(store.devices()[0], 'device').method, ratio: energyJ / referenceJ, readings: inside.length }
  }

  it('through NVML (FFI, the energy counter read every second): to 0.5 %', () => {
    const result = againstCounter('wattprint-nvml.db')
    expect(result.method).toBe('counter')
    expect(result.readings).toBeGreaterThan(100)
    expect(result.ratio).toBeGreaterThan(0.995)
    expect(result.ratio).toBeLessThan(1.005)
  })

  it('through the nvidia-smi stream (power.draw every second, integrated): to 0.5 %', () => {
    const result = againstCounter('wattprint-smi.db')
    expect(result.method).toBe('sampled-power')
    expect(result.ratio).toBeGreaterThan(0.995)
    expect(result.ratio).toBeLessThan(1.005)
  })

  it('the readings keep the second they were taken: no gap, none late by more than 0.2 s', () => {
    for (const file of ['wattprint-nvml.db', 'wattprint-smi.db']) {
      const readings = recorded(file).store.readings(UUID, 0, NOW)
      expect(readings.length, file).toBe(122)
      const steps = readings.slice(1).map((r, i) => r.tMs - (readings[i]?.tMs ?? NaN))
      expect(Math.max(...steps), file).toBeLessThan(1200)
      expect(readings.some((r) => r.gap)).toBe(false)
    }
  })

  it('charges the load to the PyTorch process that nvidia-smi named, the rest to no app', () => {
    const { apps } = recorded('wattprint-nvml.db')
    const totals = apps.totals(0, NOW)
    const byApp = new Map(totals.apps.map((a) => [a.app, a.energyJ]))
    const allJ = [...byApp.values()].reduce((a, b) => a + b, 0)
    expect([...byApp.keys()].sort()).toEqual(['pytorch', 'unattributed'])
    expect((byApp.get('pytorch') ?? 0) / allJ).toBeGreaterThan(0.9)
  })
})

describe("nvidia-smi's process views on the H200 (a Firecracker VM)", () => {
  it('query-compute-apps names the PyTorch process, with its memory, while it ran', () => {
    const list = parseComputeApps(readFileSync(join(DIR, 'apps.csv'), 'utf8'))
    expect(list.skipped).toEqual([])
    expect(new Set(list.rows.map((r) => `${r.pid} ${r.name}`))).toEqual(new Set(['918 /opt/torch/.venv/bin/python3']))
    expect(list.rows.every((r) => r.gpuUuid === UUID && (r.usedMemoryB ?? 0) > 8e9)).toBe(true)
  })

  it('pmon sees it too, with SM use near 100 % during the matrix products, and no process once it exited', () => {
    const lines = readFileSync(join(DIR, 'pmon.txt'), 'utf8').trim().split('\n')
    const header = lines.slice(0, 2).join('\n')
    // pmon -d 1 prints one sample a second; the parser keeps the last sample of a text, so each is read alone.
    const samples = lines.filter((line) => !line.startsWith('#')).map((line) => parsePmon(`${header}\n${line}`))
    expect(samples.flatMap((s) => s.skipped)).toEqual([])
    expect(samples.at(-1)?.rows).toEqual([])
    const python = samples.flatMap((s) => s.rows).filter((r) => r.pid === 918)
    expect(python.length).toBeGreaterThan(50)
    expect(Math.max(...python.map((r) => r.smPct ?? 0))).toBeGreaterThanOrEqual(95)
  })
})
