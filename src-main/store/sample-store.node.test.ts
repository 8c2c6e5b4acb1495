import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import fc from 'fast-check'
import type { Device, Sample } from '../contract/telemetry.ts'
import { DEMO_TRACE, tempDir } from '../../test/helpers.ts'
import { importNvidiaSmiLog } from '../telemetry/importers/nvidia-smi-log.importer.ts'
import { openDatabase, WATTPRINT_APPLICATION_ID } from './database.ts'
import { MIGRATIONS } from './migrations.ts'
import type { IngestRow } from '../recording/sink.ts'
import { SampleStore } from './sample-store.ts'
import { SettingsStore } from './settings-store.ts'
import { defaultSettings } from '../api/services/settings.service.ts'
import { formatText } from '../contract/messages.ts'

const device: Device = { deviceId: 'GPU-test', index: 0, name: 'Test GPU', memTotalB: 24 * 1024 ** 3, source: 'test', domain: 'gpu', method: 'sampled-power' }
const T0 = Date.UTC(2026, 10, 29, 10, 0, 0)

function sample(tMs: number, powerW: number | null): Sample {
  return { tMs, deviceId: device.deviceId, powerW, powerLimitW: 450, utilPct: 50, memUtilPct: 10, memUsedB: 1e9, tempC: 60, smClockMhz: 2000, pstate: 2 }
}

/** One reading a second at `powerW`, integrated as the recorder does. */
function steadyRows(startMs: number, count: number, powerW: number): IngestRow[] {
  return Array.from({ length: count }, (_, i) => ({
    sample: sample(startMs + i * 1000, powerW),
    device,
    energyJ: i === 0 ? null : powerW,
    intervalS: i === 0 ? null : 1,
    gap: false,
    method: i === 0 ? null : 'sampled-power',
  }))
}

function openStore(): { db: DatabaseSync; store: SampleStore; path: string } {
  const path = join(tempDir(), 'wattprint.db')
  const db = openDatabase(path)
  return { db, store: new SampleStore(db), path }
}

describe('SampleStore on a real SQLite file', () => {
  it('uses WAL and the current schema version', () => {
    const { db } = openStore()
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal')
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(MIGRATIONS.length)
  })

  it('stores samples and keeps minute, hour and day rollups equal to the raw sums', () => {
    const { db, store } = openStore()
    // Two hours at 200 W, one reading a second.
    const rows = steadyRows(T0, 7200, 200)
    expect(store.ingest(rows)).toEqual({ inserted: 7200, duplicates: 0 })
    const raw = { e: store.rawTotals(T0, T0 + 7200_000).reduce((sum, d) => sum + d.energyJ, 0) }
    // Raw readings are grouped per device and minute: 120 blocks.
    expect(db.prepare('SELECT count(*) AS n, sum(n) AS readings FROM readings').get() as { n: number; readings: number }).toEqual({ n: 120, readings: 7200 })
    for (const table of ['rollup_minute', 'rollup_hour', 'rollup_day']) {
      const r = db.prepare(`SELECT sum(energy_j) AS e, sum(samples) AS n, max(max_power_w) AS p FROM ${table}`).get() as { e: number; n: number; p: number }
      expect(r.e).toBeCloseTo(raw.e, 6)
      expect(r.n).toBe(7200)
      expect(r.p).toBe(200)
    }
    expect((db.prepare('SELECT count(*) AS n FROM rollup_minute').get() as { n: number }).n).toBe(120)
    expect((db.prepare('SELECT count(*) AS n FROM rollup_hour').get() as { n: number }).n).toBe(2)
    const totals = store.totals(T0, T0 + 7200_000)
    expect(totals.energyJ).toBe(200 * 7199)
    expect(totals.devices[0]).toMatchObject({ deviceId: 'GPU-test', name: 'Test GPU', maxPowerW: 200, integratedS: 7199 })
  })

  it("splits a range's energy by local hour of day, summing to the total", () => {
    const { store } = openStore()
    store.ingest(steadyRows(T0, 7200, 200))
    const totals = store.totals(T0 + 30_500, T0 + 7_000_250, { byLocalHour: true })
    const byHour = totals.energyKWhByLocalHour ?? []
    expect(store.totals(T0, T0 + 1000).energyKWhByLocalHour).toBeNull()
    expect(byHour).toHaveLength(24)
    expect(byHour.reduce((a, b) => a + b, 0) * 3.6e6).toBeCloseTo(totals.energyJ, 3)
    expect(byHour.filter((kWh) => kWh > 0)).toHaveLength(2)
  })

  it('answers history buckets from the hour and day rollups, never from raw samples', () => {
    const { store, db } = openStore()
    store.ingest(steadyRows(T0, 7200, 200))
    db.exec('DELETE FROM readings') // buckets must not need them
    const hours = store.buckets('hour', T0, T0 + 7200_000)
    expect(hours.map((h) => h.startMs)).toEqual([T0, T0 + 3600_000])
    expect(hours.reduce((s, h) => s + h.energyJ, 0)).toBe(200 * 7199)
    const days = store.buckets('day', T0 - 86_400_000, T0 + 86_400_000)
    expect(days.reduce((s, d) => s + d.energyJ, 0)).toBe(200 * 7199)
    expect(days.every((d) => d.name === 'Test GPU')).toBe(true)
  })

  it('is additive over ranges: [a,c) = [a,b) + [b,c)', () => {
    const { store } = openStore()
    store.ingest(steadyRows(T0, 600, 123.4))
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600_000 }), (offset) => {
        const b = T0 + offset
        const whole = store.totals(T0, T0 + 600_000).energyJ
        expect(store.totals(T0, b).energyJ + store.totals(b, T0 + 600_000).energyJ).toBeCloseTo(whole, 6)
      }),
      { numRuns: 50 },
    )
  })

  it('skips rows already stored and does not count their energy twice', () => {
    const { store } = openStore()
    const rows = steadyRows(T0, 100, 300)
    store.ingest(rows)
    expect(store.ingest(rows)).toEqual({ inserted: 0, duplicates: 100 })
    expect(store.totals(T0, T0 + 100_000).energyJ).toBe(300 * 99)
  })

  it('counts gaps and keeps missing power unknown', () => {
    const { store } = openStore()
    store.ingest([
      { sample: sample(T0, 100), device, energyJ: null, intervalS: null, gap: false, method: null },
      { sample: sample(T0 + 60_000, 100), device, energyJ: null, intervalS: null, gap: true, method: null },
      { sample: sample(T0 + 61_000, null), device, energyJ: null, intervalS: null, gap: false, method: null },
    ])
    const totals = store.totals(T0, T0 + 120_000)
    expect(totals).toMatchObject({ energyJ: 0, samples: 3, gaps: 1 })
    expect(store.samplesSince(T0).map((s) => s.powerW)).toEqual([100, 100, null])
  })

  it('purges raw samples past retention while the hour rollups still answer for that time', () => {
    const { store, db } = openStore()
    store.ingest(steadyRows(T0, 7200, 100))
    const before = store.totals(T0, T0 + 7200_000).energyJ
    expect(store.purgeRawBefore(T0 + 3600_000 + 1234)).toBe(3600)
    expect(store.rawHorizonMs()).toBe(T0 + 3600_000)
    expect((db.prepare('SELECT sum(n) AS n FROM readings').get() as { n: number }).n).toBe(3600)
    expect(store.samplesSince(0)).toHaveLength(3600)
    expect(store.totals(T0, T0 + 7200_000).energyJ).toBeCloseTo(before, 6)
  })

  it('keeps everything stored when the disk is full, and says so', () => {
    const { db, store } = openStore()
    store.ingest(steadyRows(T0, 100, 50))
    const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count
    // A full disk, as SQLite sees it: no page may be added.
    db.exec(`PRAGMA max_page_count = ${pages}`)
    expect(() => store.ingest(steadyRows(T0 + 200_000, 20_000, 50))).toThrow(/full/)
    expect(store.totals(T0, T0 + 100_000).energyJ).toBe(50 * 99)
    expect(store.samplesSince(0)).toHaveLength(100)
  })
})

describe('raw readings kept compact, per device and minute', () => {
  it('a real 10 Hz nvidia-smi trace costs under 10 bytes a reading, and every reading comes back', () => {
    const { db, store } = openStore()
    const text = readFileSync(DEMO_TRACE, 'utf8')
    const summary = importNvidiaSmiLog(store, text, { file: 'qwen3.csv', zone: 'UTC', maxGapS: 10, nowMs: Date.UTC(2027, 0, 1) })
    const r = db.prepare('SELECT sum(length(data)) AS bytes, sum(n) AS n FROM readings').get() as { bytes: number; n: number }
    expect(r.n).toBe(summary.imported)
    expect(r.bytes / r.n).toBeLessThan(10)
    // Power to the milliwatt, as nvidia-smi printed it (two decimals).
    const first = text.split('\n')[1]?.split(', ')[1]
    expect(store.samplesSince(0)[0]?.powerW).toBe(Number.parseFloat(first ?? ''))
  })

  it('moves the readings of a schema-4 file into blocks: same energy, same readings, rollups untouched', () => {
    const path = join(tempDir(), 'v4.db')
    const old = new DatabaseSync(path)
    for (const sql of MIGRATIONS.slice(0, 4)) old.exec(sql as string)
    old.exec('PRAGMA user_version = 4')
    old.exec(`PRAGMA application_id = ${WATTPRINT_APPLICATION_ID}`)
    old
      .prepare("INSERT INTO devices (id, device_key, idx, name, source, first_seen_ms, last_seen_ms) VALUES (1, 'GPU-old', 0, 'Old GPU', 'nvidia-smi', ?, ?)")
      .run(T0, T0)
    const insert = old.prepare('INSERT INTO samples (device_id, t_ms, power_w, energy_j, interval_s, gap, util_pct, method) VALUES (1, ?, ?, ?, ?, 0, ?, ?)')
    for (let i = 0; i < 150; i++) insert.run(T0 + i * 1000, 100 + i, i === 0 ? null : 100 + i - 0.5, i === 0 ? null : 1, i % 100, i === 0 ? null : 0)
    old.prepare('INSERT INTO rollup_minute (device_id, bucket_ms, energy_j, integrated_s, samples, gaps) VALUES (1, ?, 1, 1, 1, 0)').run(T0)
    old.close()
    const db = openDatabase(path)
    const store = new SampleStore(db)
    const readings = store.readings('GPU-old', 0, Date.UTC(2100, 0))
    expect(readings).toHaveLength(150)
    expect(readings[149]).toMatchObject({ tMs: T0 + 149_000, powerW: 249, energyJ: 248.5, intervalS: 1, utilPct: 49, method: 'sampled-power' })
    expect(readings[0]).toMatchObject({ energyJ: null, method: null })
    expect(store.rawTotals(0, Date.UTC(2100, 0))[0]?.energyJ).toBeCloseTo(
      Array.from({ length: 149 }, (_, i) => 100 + i + 1 - 0.5).reduce((a, b) => a + b, 0),
      6,
    )
    expect((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'samples'").get() as { n: number }).n).toBe(0)
    expect((db.prepare('SELECT count(*) AS n FROM rollup_minute').get() as { n: number }).n).toBe(1)
  })

  it('never loses what another process added to the minute it is appending to', () => {
    const { store, path } = openStore()
    store.ingest(steadyRows(T0, 10, 100))
    // Another process (an import) adds readings to the same minute.
    const other = new SampleStore(openDatabase(path))
    other.ingest(steadyRows(T0 + 10_500, 5, 300).map((r) => ({ ...r, energyJ: 300, intervalS: 1 })))
    store.ingest(steadyRows(T0 + 20_000, 5, 100).map((r) => ({ ...r, energyJ: 100, intervalS: 1 })))
    expect(store.readings(device.deviceId, T0, T0 + 60_000)).toHaveLength(20)
    expect(store.totals(T0, T0 + 60_000).samples).toBe(20)
  })

  it('appends the recorder’s readings one flush at a time into the same bytes as one batch', () => {
    const a = openStore()
    const b = openStore()
    const rows = steadyRows(T0 + 500, 300, 150).map((r, i) => ({ ...r, sample: { ...r.sample, powerW: 150 + (i % 7) } }))
    for (const r of rows) a.store.ingest([r])
    b.store.ingest(rows)
    const blocks = (db: DatabaseSync) => db.prepare('SELECT minute_ms, n, hex(data) AS data FROM readings ORDER BY minute_ms').all()
    expect(blocks(a.db)).toEqual(blocks(b.db))
    expect(a.store.totals(T0, T0 + 400_000)).toEqual(b.store.totals(T0, T0 + 400_000))
  })
})

describe('SettingsStore', () => {
  it('round-trips settings and rejects unknown keys and bad values, naming the field', () => {
    const { db } = openStore()
    const settings = new SettingsStore(db, defaultSettings('fr-FR'))
    expect(settings.load().settings.countryIso3).toBe('FRA')
    expect(settings.update({ pricePerKWh: 0.2516, currency: 'EUR' }).pricePerKWh).toBe(0.2516)
    expect(settings.load().settings.pricePerKWh).toBe(0.2516)
    expect(() => settings.update({ pricePerKWh: -1 })).toThrow(/pricePerKWh/)
    expect(() => settings.update({ colour: 'blue' } as never)).toThrow(/colour/)
  })

  it('reports a corrupt stored value by name, uses the default, and keeps the stored row', () => {
    const { db } = openStore()
    const settings = new SettingsStore(db, defaultSettings('de-DE'))
    settings.update({ pricePerKWh: 0.4 })
    db.prepare("INSERT INTO settings (key, value) VALUES ('maxGapS', '\"ten\"'), ('sampleIntervalMs', '{oops'), ('legacyThing', '1')").run()
    const loaded = settings.load()
    expect(loaded.settings.maxGapS).toBe(10)
    expect(loaded.settings.pricePerKWh).toBe(0.4)
    const problems = loaded.problems.map((p) => formatText('en', p)).join('\n')
    expect(problems).toMatch(/"maxGapS" is invalid/)
    expect(problems).toMatch(/"sampleIntervalMs" is not valid JSON/)
    expect(problems).toMatch(/unknown setting "legacyThing"/)
    expect((db.prepare("SELECT value FROM settings WHERE key = 'maxGapS'").get() as { value: string }).value).toBe('"ten"')
  })
})
