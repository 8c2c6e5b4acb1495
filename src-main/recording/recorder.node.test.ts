import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { SourceStatus } from '../contract/telemetry.ts'
import { tempDir } from '../../test/helpers.ts'
import { openDatabase } from '../store/database.ts'
import { SampleStore } from '../store/sample-store.ts'
import { emptyReading, type DeviceInfo, type Reading } from '../telemetry/reading.ts'
import type { PollReader, ReaderEvents, StreamReader } from '../telemetry/source.ts'
import { Recorder } from './recorder.ts'
import { formatText } from '../contract/messages.ts'

/** A stream reader the test drives by hand. */
class ManualReader implements StreamReader {
  readonly kind = 'stream'
  readonly sourceId = 'manual'
  events: ReaderEvents | null = null
  start(events: ReaderEvents): void {
    this.events = events
    const status: SourceStatus = {
      sourceId: this.sourceId,
      state: 'ok',
      message: { code: 'source.reading', params: {} },
      fix: null,
      raw: null,
      sinceMs: 0,
      restarts: 0,
      precision: 'sampled-power',
    }
    events.onStatus(status)
  }
  async stop(): Promise<void> {}
}

const device: DeviceInfo = { deviceId: 'GPU-a', index: 0, name: 'GPU A', memTotalB: null, source: 'manual', domain: 'gpu', method: 'sampled-power' }
const reading = (tMs: number, powerW: number | null, energyCounterJ: number | null = null, counterRangeJ: number | null = null): Reading => ({
  ...emptyReading('GPU-a', tMs),
  powerW,
  energyCounterJ,
  counterRangeJ,
})

const T0 = Date.UTC(2026, 10, 29, 12)

function setup(): { recorder: Recorder; reader: ManualReader; store: SampleStore; clock: { ms: number }; db: ReturnType<typeof openDatabase> } {
  const db = openDatabase(join(tempDir(), 's.db'))
  const store = new SampleStore(db)
  const reader = new ManualReader()
  const clock = { ms: 0 }
  const recorder = new Recorder({
    readers: [reader],
    sink: store,
    maxGapS: 10,
    flushIntervalMs: 60_000,
    monotonicNowMs: () => clock.ms,
    pollIntervalMs: () => 1000,
    wallNowMs: () => T0 + clock.ms,
  })
  recorder.start()
  return { recorder, reader, store, clock, db }
}

describe('Recorder', () => {
  it('integrates sampled power against the previous reading and writes batches', async () => {
    const { recorder, reader, store, clock } = setup()
    for (let i = 0; i <= 10; i++) {
      clock.ms = i * 1000
      reader.events?.onReading(reading(T0 + i * 1000, 250), device)
    }
    recorder.flush()
    expect(store.totals(T0, T0 + 11_000).energyJ).toBe(2500)
    expect(recorder.counts.sampledIntervals).toBe(10)
    await recorder.stop()
  })

  it('takes energy from the counter when there is one, whatever the sampled power says', async () => {
    const { recorder, reader, store, clock } = setup()
    const counted: DeviceInfo = { ...device, method: 'counter' }
    // Power sampled at the instants says 100 W, but the counter saw bursts: 1000 J in 10 s.
    for (let i = 0; i <= 10; i++) {
      clock.ms = i * 1000
      reader.events?.onReading(reading(T0 + i * 1000, 100, 5000 + i * 100), counted)
    }
    recorder.flush()
    const totals = store.totals(T0, T0 + 11_000)
    expect(totals.energyJ).toBe(1000)
    expect(recorder.counts.counterIntervals).toBe(10)
    expect(totals.devices[0]?.method).toBe('counter')
    expect(totals.devices[0]?.counterEnergyJ).toBe(1000)
    await recorder.stop()
  })

  it('adds the range when a RAPL counter wraps, and falls back to power when a counter resets', async () => {
    const { recorder, reader, store, clock } = setup()
    const rapl: DeviceInfo = { ...device, deviceId: 'GPU-a', domain: 'cpu-package', method: 'counter' }
    const range = 262_143.32885
    reader.events?.onReading(reading(T0, 40, range - 20), rapl)
    clock.ms = 1000
    reader.events?.onReading(reading(T0 + 1000, 40, 25, range), rapl) // wrapped: 20 + 25 J
    clock.ms = 2000
    reader.events?.onReading(reading(T0 + 2000, 40, 3, range), rapl) // reset (driver reload) from low: power, 40 J
    recorder.flush()
    expect(store.totals(T0, T0 + 3000).energyJ).toBeCloseTo(85, 6)
    expect(recorder.counts.counterIntervals).toBe(1)
    expect(recorder.counts.sampledIntervals).toBe(1)
    await recorder.stop()
  })

  it('drops a repeated instant', async () => {
    const { recorder, reader } = setup()
    reader.events?.onReading(reading(T0, 300), device)
    reader.events?.onReading(reading(T0, 300), device)
    expect(recorder.counts.duplicates).toBe(1)
    await recorder.stop()
  })

  it('turns a wall-clock jump into a gap, not into energy', async () => {
    const { recorder, reader, store, clock } = setup()
    reader.events?.onReading(reading(T0, 300), device)
    clock.ms = 1000
    // The system clock stepped back 1 h (NTP, manual change) while 1 s really passed.
    reader.events?.onReading(reading(T0 - 3600_000 + 1000, 300), device)
    clock.ms = 2000
    reader.events?.onReading(reading(T0 - 3600_000 + 2000, 300), device)
    recorder.flush()
    expect(recorder.counts.clockJumps).toBe(1)
    // Readings after the step are integrated again (one second at 300 W), not dropped.
    expect(store.totals(0, T0 + 400_000).energyJ).toBe(300)
    clock.ms = 3000
    // The clock jumps forward 5 minutes while 1 s passed: a gap, not 5 minutes of 300 W.
    reader.events?.onReading(reading(T0 + 300_000, 300), device)
    recorder.flush()
    expect(recorder.counts.clockJumps).toBe(2)
    expect(store.totals(0, T0 + 400_000).energyJ).toBe(300)
    await recorder.stop()
  })

  it('keeps readings in memory while the database cannot be written, then writes them', async () => {
    const { recorder, reader, store, clock, db } = setup()
    reader.events?.onReading(reading(T0, 100), device)
    recorder.flush()
    const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count
    db.exec(`PRAGMA max_page_count = ${pages}`) // the disk is full
    for (let i = 1; i <= 3000; i++) {
      clock.ms = i * 1000
      reader.events?.onReading(reading(T0 + i * 1000, 100), device)
    }
    recorder.flush()
    const status = recorder.status()
    expect(status.storage.ok).toBe(false)
    expect(status.storage.error).toMatch(/full/)
    expect(status.storage.message.code).toBe('storage.failing')
    expect(formatText('en', status.storage.message)).toMatch(/3000 readings are kept in memory/)
    expect(recorder.recent(T0).length).toBe(3001)
    db.exec('PRAGMA max_page_count = 1073741823') // space again
    recorder.flush()
    expect(recorder.status().storage.ok).toBe(true)
    expect(store.totals(T0, T0 + 4000_000).energyJ).toBe(300_000)
    await recorder.stop()
  })

  it('polls a poll source on its own clock and reports a failing read without stopping', async () => {
    const db = openDatabase(join(tempDir(), 'p.db'))
    const store = new SampleStore(db)
    let calls = 0
    const poll: PollReader = {
      kind: 'poll',
      sourceId: 'rapl',
      precision: 'counter',
      async read() {
        calls++
        if (calls === 2) throw new Error('EACCES: permission denied')
        return { readings: [{ reading: reading(T0 + calls * 10, 30, calls * 0.3), device: { ...device, method: 'counter' } }], status: null }
      },
      close() {},
    }
    const statuses: SourceStatus[] = []
    const recorder = new Recorder({ readers: [poll], sink: store, maxGapS: 10, flushIntervalMs: 60_000, pollIntervalMs: () => 5, wallNowMs: () => T0 })
    recorder.onStatus((s) => statuses.push(s))
    recorder.start()
    await new Promise((resolve) => setTimeout(resolve, 80))
    await recorder.stop()
    expect(calls).toBeGreaterThan(3)
    const states = statuses.map((s) => s.state)
    expect(states[0]).toBe('starting')
    expect(states).toContain('other')
    expect(statuses.find((s) => s.state === 'other')?.raw).toMatch(/EACCES/)
    // It recovered after the failing read, and says how precisely it measures.
    expect(statuses.at(-1)?.state).toBe('ok')
    expect(statuses.at(-1)?.precision).toBe('counter')
    expect(recorder.counts.samples).toBe(calls - 1)
  })
})
