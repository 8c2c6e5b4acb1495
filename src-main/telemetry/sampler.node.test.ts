import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Device, Sample, SourceStatus } from '../contract/telemetry.ts'
import { tempDir } from '../../test/helpers.ts'
import { openDatabase } from '../store/database.ts'
import { SampleStore } from '../store/sample-store.ts'
import type { ReaderEvents, TelemetryReader } from './reader.ts'
import { Sampler } from './sampler.ts'
import { formatText } from '../contract/messages.ts'

/** A reader the test drives by hand. */
class ManualReader implements TelemetryReader {
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
    }
    events.onStatus(status)
  }
  async stop(): Promise<void> {}
}

const device: Device = { deviceId: 'GPU-a', index: 0, name: 'GPU A', memTotalB: null, source: 'manual' }
const reading = (tMs: number, powerW: number | null): Sample => ({
  tMs,
  deviceId: 'GPU-a',
  powerW,
  powerLimitW: null,
  utilPct: null,
  memUtilPct: null,
  memUsedB: null,
  tempC: null,
  smClockMhz: null,
  pstate: null,
})

function setup(): { sampler: Sampler; reader: ManualReader; store: SampleStore; clock: { ms: number }; db: ReturnType<typeof openDatabase> } {
  const db = openDatabase(join(tempDir(), 's.db'))
  const store = new SampleStore(db)
  const reader = new ManualReader()
  const clock = { ms: 0 }
  const sampler = new Sampler({ reader, store, maxGapS: 10, flushIntervalMs: 60_000, monotonicNowMs: () => clock.ms })
  sampler.start()
  return { sampler, reader, store, clock, db }
}

const T0 = Date.UTC(2026, 10, 29, 12)

describe('Sampler', () => {
  it('integrates each reading against the previous one and writes batches', async () => {
    const { sampler, reader, store, clock } = setup()
    for (let i = 0; i <= 10; i++) {
      clock.ms = i * 1000
      reader.events?.onSample(reading(T0 + i * 1000, 250), device)
    }
    sampler.flush()
    expect(store.totals(T0, T0 + 11_000).energyJ).toBe(2500)
    await sampler.stop()
  })

  it('drops a repeated instant', async () => {
    const { sampler, reader } = setup()
    reader.events?.onSample(reading(T0, 300), device)
    reader.events?.onSample(reading(T0, 300), device)
    expect(sampler.counts.duplicates).toBe(1)
    await sampler.stop()
  })

  it('turns a wall-clock jump into a gap, not into energy', async () => {
    const { sampler, reader, store, clock } = setup()
    reader.events?.onSample(reading(T0, 300), device)
    clock.ms = 1000
    // The system clock stepped back 1 h (NTP, manual change) while 1 s really passed.
    reader.events?.onSample(reading(T0 - 3600_000 + 1000, 300), device)
    clock.ms = 2000
    reader.events?.onSample(reading(T0 - 3600_000 + 2000, 300), device)
    sampler.flush()
    expect(sampler.counts.clockJumps).toBe(1)
    // Readings after the step are integrated again (one second at 300 W), not dropped.
    expect(store.totals(0, T0 + 400_000).energyJ).toBe(300)
    clock.ms = 3000
    // The clock jumps forward 5 minutes while 1 s passed: a gap, not 5 minutes of 300 W.
    reader.events?.onSample(reading(T0 + 300_000, 300), device)
    sampler.flush()
    expect(sampler.counts.clockJumps).toBe(2)
    expect(store.totals(0, T0 + 400_000).energyJ).toBe(300)
    await sampler.stop()
  })

  it('keeps readings in memory while the database cannot be written, then writes them', async () => {
    const { sampler, reader, store, clock, db } = setup()
    reader.events?.onSample(reading(T0, 100), device)
    sampler.flush()
    const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count
    db.exec(`PRAGMA max_page_count = ${pages}`) // the disk is full
    for (let i = 1; i <= 3000; i++) {
      clock.ms = i * 1000
      reader.events?.onSample(reading(T0 + i * 1000, 100), device)
    }
    sampler.flush()
    const status = sampler.status()
    expect(status.storage.ok).toBe(false)
    expect(status.storage.error).toMatch(/full/)
    expect(status.storage.message.code).toBe('storage.failing')
    expect(formatText('en', status.storage.message)).toMatch(/3000 readings are kept in memory/)
    expect(sampler.recent(T0).length).toBe(3001)
    db.exec('PRAGMA max_page_count = 1073741823') // space again
    sampler.flush()
    expect(sampler.status().storage.ok).toBe(true)
    expect(store.totals(T0, T0 + 4000_000).energyJ).toBe(300_000)
    await sampler.stop()
  })
})
