import { describe, expect, it } from 'vitest'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { SourceStatus } from '../src-main/contract/telemetry.ts'
import { openDatabase, quickCheck } from '../src-main/store/database.ts'
import { SampleStore } from '../src-main/store/sample-store.ts'
import { Recorder } from '../src-main/recording/recorder.ts'
import type { DeviceInfo, Reading } from '../src-main/telemetry/reading.ts'
import type { ReaderEvents, StreamReader } from '../src-main/telemetry/source.ts'
import { tempDir } from './helpers.ts'

// Thirty days of recording, simulated at speed through the real recorder and a real database
// file: readings every second from a GPU that idles and works in turns, written in the
// recorder's batches, the dashboard's queries every few seconds, and retention purging raw
// readings after 14 days. Memory must stay flat and the file must stop growing once
// retention takes over.

const DAYS = 30
const READING_EVERY_S = Number(process.env.WATTPRINT_SOAK_INTERVAL_S ?? 1)
const RETENTION_DAYS = 14
const T0 = Date.UTC(2026, 9, 1)
const DAY_MS = 86_400_000

class SimulatedReader implements StreamReader {
  readonly kind = 'stream'
  readonly sourceId = 'simulated'
  events: ReaderEvents | null = null
  start(events: ReaderEvents): void {
    this.events = events
    events.onStatus({
      sourceId: this.sourceId,
      state: 'ok',
      message: { code: 'source.reading', params: {} },
      fix: null,
      raw: null,
      sinceMs: T0,
      restarts: 0,
      precision: 'sampled-power',
    } satisfies SourceStatus)
  }
  async stop(): Promise<void> {}
}

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function heapAfterGcMiB(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  const num = xs.reduce((s, x, i) => s + (x - mx) * ((ys[i] ?? 0) - my), 0)
  const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0)
  return num / den
}

describe('a month of recording, simulated', () => {
  it(`${DAYS} days: flat memory, bounded database, every reading accounted for`, async () => {
    const path = join(tempDir('wattprint-soak-'), 'soak.db')
    const db = openDatabase(path)
    const store = new SampleStore(db)
    const reader = new SimulatedReader()
    const mono = { ms: 0 }
    // Written in the recorder's own way; the batch is a minute of simulated time so the month fits in the test's time.
    const recorder = new Recorder({
      readers: [reader],
      sink: store,
      maxGapS: 10,
      flushIntervalMs: 3_600_000,
      monotonicNowMs: () => mono.ms,
      pollIntervalMs: () => 1000,
      wallNowMs: () => T0 + mono.ms,
    })
    recorder.start()
    const device: DeviceInfo = {
      deviceId: 'GPU-50a40000-0000-4000-8000-000000000000',
      index: 0,
      name: 'Soak GPU',
      memTotalB: 24 * 1024 ** 3,
      source: 'simulated',
      domain: 'gpu',
      method: 'sampled-power',
    }
    let pushed = 0
    recorder.onSamples((batch) => (pushed += batch.length))
    const heap: number[] = []
    const sizes: number[] = []
    const days: number[] = []
    let expectedJ = 0
    let previous: Reading | null = null
    const perDay = Math.round(86_400 / READING_EVERY_S)
    for (let day = 0; day < DAYS; day++) {
      for (let i = 0; i < perDay; i++) {
        const tMs = T0 + day * DAY_MS + i * READING_EVERY_S * 1000
        mono.ms = tMs - T0
        // Works for ten minutes in every hour, idles otherwise.
        const powerW = Math.floor((i * READING_EVERY_S) / 600) % 6 === 0 ? 320 + (i % 7) : 22 + (i % 3)
        const sample: Reading = {
          wallMs: tMs,
          deviceId: device.deviceId,
          powerW,
          energyCounterJ: null,
          counterRangeJ: null,
          powerLimitW: 450,
          utilPct: powerW > 100 ? 97 : 0,
          memUtilPct: 10,
          memUsedB: 8e9,
          tempC: 60,
          smClockMhz: 2500,
          pstate: 2,
        }
        reader.events?.onReading(sample, device)
        if (previous) expectedJ += (((previous.powerW ?? 0) + powerW) / 2) * READING_EVERY_S
        previous = sample
        if ((i + 1) % Math.max(1, Math.round(60 / READING_EVERY_S)) === 0) {
          recorder.flush()
          await new Promise((r) => setImmediate(r))
        }
        // The dashboard asks for today's total every 5 minutes of simulated time here.
        if (i % Math.round(300 / READING_EVERY_S) === 0) store.totals(T0 + day * DAY_MS, tMs + 1)
      }
      recorder.flush()
      store.purgeRawBefore(T0 + (day + 1) * DAY_MS - RETENTION_DAYS * DAY_MS)
      heap.push(heapAfterGcMiB())
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
      sizes.push(statSync(path).size / 1024 / 1024)
      days.push(day + 1)
    }
    await recorder.stop()
    const total = store.totals(T0, T0 + DAYS * DAY_MS + 1).energyJ
    expect(quickCheck(db)).toBe('ok')
    db.close()
    // Memory slope over the second half (after warm-up), MiB per simulated day.
    const half = Math.floor(DAYS / 2)
    const heapSlope = slope(days.slice(half), heap.slice(half))
    const sizeSlope = slope(days.slice(RETENTION_DAYS + 1), sizes.slice(RETENTION_DAYS + 1))
    console.log(
      `soak: ${DAYS} days at one reading per ${READING_EVERY_S} s; heap ${heap[0]?.toFixed(1)} → ${heap.at(-1)?.toFixed(1)} MiB ` +
        `(slope ${heapSlope.toFixed(3)} MiB/day over days ${half + 1}-${DAYS}); database ${sizes[RETENTION_DAYS - 1]?.toFixed(1)} MiB at day ${RETENTION_DAYS}, ` +
        `${sizes.at(-1)?.toFixed(1)} MiB at day ${DAYS} (slope ${sizeSlope.toFixed(3)} MiB/day after retention); energy ${(total / 3.6e6).toFixed(3)} kWh vs ${(expectedJ / 3.6e6).toFixed(3)} kWh fed`,
    )
    expect(pushed).toBe(DAYS * perDay)
    // Every joule fed is in the rollups (raw readings past retention were purged, not their energy).
    expect(Math.abs(total - expectedJ) / expectedJ).toBeLessThan(1e-9)
    expect(heapSlope).toBeLessThan(0.5)
    // After retention, the file grows only by the rollups (minute rows are kept 30 days beyond).
    expect(sizes.at(-1) ?? 0).toBeLessThan((sizes[RETENTION_DAYS - 1] ?? 0) * 1.6)
  }, 600_000)
})
