import { describe, expect, it } from 'vitest'
import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { openDatabase, quickCheck } from '../src-main/store/database.ts'
import { importNvidiaSmiLog } from '../src-main/telemetry/importers/nvidia-smi-log.importer.ts'
import { WattprintError } from '../src-main/contract/errors.ts'
import { formatText } from '../src-main/contract/messages.ts'
import { SampleStore } from '../src-main/store/sample-store.ts'
import { parseHeader, parseRecord, streamColumnMap, type NvidiaRecord, type RecordResult } from '../src-main/telemetry/parsers/nvidia-smi-csv.parse.ts'
import { isPrintable } from '../src-main/core/text.ts'
import { parseNvidiaSmiLog } from '../src-main/telemetry/parsers/nvidia-smi-log.parse.ts'
import { diagnoseNvidiaSmiOutput } from '../src-main/telemetry/parsers/nvidia-smi-status.parse.ts'
import { captureQueryGpuSections, DEMO_TRACE, readFixture, tempDir } from './helpers.ts'

// Telemetry garbage, generated: real lines from real captures, mutated the ways logs get
// damaged (truncation, stray units, junk, escape codes, impossible values and dates), plus pure
// noise. Every parser and the importer must refuse what is wrong with a reason, never throw, and
// never let a value outside what a GPU can report reach the database.

const NOW = Date.UTC(2026, 10, 30, 12)
const STREAM = streamColumnMap()
const STREAM_LINE =
  '2026/04/01 19:23:48.553, 0, GPU-5eed0000-0000-4000-8000-000000000000, NVIDIA GeForce RTX 4090, 312.45, 450.00, 98, 41, 19691, 24564, 67, 2520, P2'
const DEMO = readFileSync(DEMO_TRACE, 'utf8').trim().split('\n')
const A100 = readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv').trim().split('\n')
const CAPTURE = captureQueryGpuSections(readFixture('nvidia', 'nge-capture__linux-x86_64__nvidia-geforce-rtx-4080-super__595.71.05.txt'))

/** Sources of real lines, each with its header (null: the stream format Wattprint starts itself). */
const SOURCES: { header: string | null; lines: string[] }[] = [
  { header: null, lines: [STREAM_LINE] },
  { header: DEMO[0] ?? '', lines: DEMO.slice(1, 200) },
  { header: A100[0] ?? '', lines: A100.slice(1, 200) },
  ...CAPTURE.map((c) => ({ header: c.header, lines: [c.row] })),
]

const JUNK = [
  'WW',
  ' %xxx',
  ' J',
  ' kWh',
  ' MiB',
  'e5',
  '\u001b[2J',
  '\u001b]0;pwned\u0007',
  '\u202e',
  '\u0000',
  ';',
  '"',
  '\\',
  '∞',
  'NaN',
  '-Infinity',
  '1e309',
  '[N/A]',
  'ERR!',
  ' ',
  ',',
  ', ,',
]

const cellMutation = fc.oneof(
  fc.constantFrom(...JUNK).map((j) => (cell: string) => cell + j),
  fc.constantFrom(...JUNK).map((j) => () => j),
  fc.constantFrom('-1', '-0.5', '101', '1e3', '99999999', '3001', '-273', '151', '0.0000001', '18446744073709551616', '007', '1.2.3').map((n) => () => n),
  fc.constant((cell: string) => cell.slice(0, Math.floor(cell.length / 2))),
  fc.constant((cell: string) => cell.toUpperCase()),
  fc.constant((cell: string) => `GPU-1${'x'.repeat(100_000)}${cell}`),
  fc.string({ maxLength: 12 }).map((s) => () => s),
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => (cell: string) => cell + s),
)

const timeMutation = fc
  .constantFrom('0000', '1970', '1999', '2009', '2027', '2100', '2101', '9999', '20266')
  .map((year) => (line: string) => line.replace(/^\d{4}/, year))

/** A real line with 1-3 damages. */
const mutatedLine = (lines: string[]): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...lines),
      fc.array(fc.tuple(fc.nat(), cellMutation), { minLength: 1, maxLength: 3 }),
      fc.option(timeMutation, { nil: null }),
      fc.nat(3),
    )
    .map(([line, damages, time, structural]) => {
      let cells = line.split(', ')
      for (const [at, damage] of damages) {
        const i = at % cells.length
        cells[i] = damage(cells[i] ?? '')
      }
      if (structural === 1) cells = cells.slice(0, -1)
      if (structural === 2) cells = [...cells, cells[0] ?? '']
      const text = cells.join(', ')
      return time ? time(text) : text
    })

const noise = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }))

/** What a GPU can report: anything outside this must never be accepted. */
function expectPlausible(record: NvidiaRecord, where: string): void {
  const within = (v: number | null, lo: number, hi: number, name: string): void => {
    if (v === null) return
    expect(Number.isFinite(v), `${name} ${v} ${where}`).toBe(true)
    expect(v >= lo && v <= hi, `${name} ${v} outside ${lo}–${hi} ${where}`).toBe(true)
  }
  within(record.powerW, 0, 3000, 'powerW')
  within(record.powerLimitW, 0, 3000, 'powerLimitW')
  within(record.utilPct, 0, 100, 'utilPct')
  within(record.memUtilPct, 0, 100, 'memUtilPct')
  within(record.tempC, 0, 150, 'tempC')
  within(record.smClockMhz, 0, 10_000, 'smClockMhz')
  within(record.memUsedB, 0, 4 * 1024 ** 4, 'memUsedB')
  within(record.memTotalB, 0, 4 * 1024 ** 4, 'memTotalB')
  within(record.pstate, 0, 15, 'pstate')
  within(record.index, 0, 255, 'index')
  expect(record.time.year >= 2010 && record.time.year <= 2100, `year ${record.time.year} ${where}`).toBe(true)
  if (record.index !== null) expect(Number.isInteger(record.index)).toBe(true)
  if (record.uuid !== null) expect(record.uuid, where).toMatch(/^(GPU|MIG)-[0-9A-Za-z/_-]{1,96}$/)
  if (record.name !== null) expect(isPrintable(record.name), `name ${JSON.stringify(record.name)}`).toBe(true)
  if (record.name !== null) expect(record.name.length).toBeLessThanOrEqual(96)
}

function parseWith(header: string | null, line: string): RecordResult | null {
  if (header === null) return parseRecord(line, STREAM)
  const map = parseHeader(header)
  return map.ok ? parseRecord(line, map.map) : null
}

const tally = { lines: 0, accepted: 0, refused: 0, wronglyAccepted: 0 }

describe('fuzzed telemetry through every parser', () => {
  it('≥ 10,000 mutated real lines: refused with a reason or accepted within what a GPU can report', () => {
    fc.assert(
      fc.property(
        fc
          .nat(SOURCES.length - 1)
          .chain((s) => fc.tuple(fc.constant(s), fc.oneof({ weight: 9, arbitrary: mutatedLine(SOURCES[s]?.lines ?? []) }, { weight: 1, arbitrary: noise }))),
        ([s, line]) => {
          const source = SOURCES[s]
          const result = parseWith(source?.header ?? null, line)
          if (!result) return
          tally.lines++
          if (result.ok) {
            tally.accepted++
            expectPlausible(result.record, JSON.stringify(line.slice(0, 160)))
          } else {
            tally.refused++
            expect(result.detail.length).toBeLessThan(300)
            // eslint-disable-next-line no-control-regex
            expect(/[\u001b\u0007\u0000]/.test(result.detail), result.detail).toBe(false)
          }
        },
      ),
      { numRuns: 12_000 },
    )
    expect(tally.lines).toBeGreaterThanOrEqual(10_000)
  })

  it('lines that must be refused are refused (each kind of damage seen in real logs and fuzzing)', () => {
    const base = STREAM_LINE.split(', ')
    const withCell = (i: number, value: string): string => base.map((c, j) => (j === i ? value : c)).join(', ')
    const mustRefuse = [
      withCell(4, '33.1WW'),
      withCell(4, '33.1 J'),
      withCell(4, '3001'),
      withCell(4, '-5'),
      withCell(4, '1e3'),
      withCell(4, 'NaN'),
      withCell(4, 'Infinity'),
      withCell(6, '101'),
      withCell(6, '78 %xxx'),
      withCell(10, '-4'),
      withCell(10, '151'),
      withCell(8, '-1'),
      withCell(12, 'P16'),
      withCell(1, '1.5'),
      withCell(2, `GPU-1${'x'.repeat(100_000)}`),
      withCell(2, 'not-a-uuid'),
      withCell(2, 'GPU-\u001b[2J'),
      ...['0000', '1970', '2009', '2101', '9999'].map((y) => STREAM_LINE.replace('2026', y)),
    ]
    for (const line of mustRefuse) {
      const result = parseRecord(line, STREAM)
      tally.lines++
      if (result.ok) tally.wronglyAccepted++
      expect(result.ok, line.slice(0, 120)).toBe(false)
    }
    expect(tally.wronglyAccepted).toBe(0)
  })

  it("headers: garbage is refused with a reason, units outside a column's set are named", () => {
    fc.assert(
      fc.property(fc.oneof(noise, mutatedLine(SOURCES.filter((s) => s.header !== null).map((s) => s.header ?? ''))), (header) => {
        const result = parseHeader(header)
        if (!result.ok) {
          const text = formatText('en', result.problem)
          expect(text.length).toBeGreaterThan(10)
          // eslint-disable-next-line no-control-regex
          expect(/[\u001b\u0007\u0000]/.test(text), text).toBe(false)
        }
      }),
      { numRuns: 2000 },
    )
    const junk = parseHeader('timestamp, power.draw [W]\u001b[2J')
    expect(junk).toMatchObject({ ok: false })
    // eslint-disable-next-line no-control-regex
    expect(junk.ok ? '' : formatText('en', junk.problem)).not.toMatch(/\u001b/)
    const mib = parseHeader('timestamp, power.draw [MiB]')
    expect(mib.ok ? '' : formatText('en', mib.problem)).toMatch(/power\.draw is in "MiB"/)
  })

  it('whole files: a header and lines of noise are parsed line by line, never thrown on', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SOURCES.slice(1).map((s) => s.header ?? '')),
        fc.array(fc.oneof(noise, mutatedLine(SOURCES[1]?.lines ?? [])), { maxLength: 50 }),
        (header, lines) => {
          const text = [header, ...lines].join('\n')
          const parsed = parseNvidiaSmiLog(text)
          if (parsed.ok) {
            // Each line after the header is a record, a counted refusal, or blank: nothing else.
            const skipped = Object.values(parsed.log.skipped).reduce((n, t) => n + (t?.count ?? 0), 0)
            const dataLines = text
              .split(/\r?\n/)
              .slice(1)
              .filter((l) => l.trim() !== '').length
            expect(parsed.log.records.length + skipped).toBe(dataLines)
            for (const { record } of parsed.log.records) expectPlausible(record, 'whole file')
          }
        },
      ),
      { numRuns: 500 },
    )
  })

  it("nvidia-smi's own words (the status parser) never throw on noise", () => {
    fc.assert(
      fc.property(noise, (text) => {
        const d = diagnoseNvidiaSmiOutput(text)
        expect(['no-device', 'driver-error', 'permission', 'not-installed', 'other']).toContain(d.state)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('fuzzed logs through the importer, into a real database', () => {
  it('never stores an implausible value, never double counts on re-import, and leaves a healthy file', () => {
    const dir = tempDir()
    let files = 0
    fc.assert(
      fc.property(
        fc.constantFrom(...SOURCES.slice(1)),
        fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.nat() }), { minLength: 5, maxLength: 120 }),
        fc.array(fc.tuple(fc.nat(), cellMutation), { maxLength: 3 }),
        (source, picks, damages) => {
          // A log: real lines in order, some of them damaged.
          const lines = picks.map((pick, i) => {
            const line = source.lines[i % source.lines.length] ?? ''
            if (pick === null) return line
            const cells = line.split(', ')
            for (const [at, damage] of damages) cells[at % cells.length] = damage(cells[at % cells.length] ?? '')
            return cells.join(', ')
          })
          const text = [source.header ?? '', ...lines].join('\n')
          const path = join(dir, `fuzz-${files++}.db`)
          const store = new SampleStore(openDatabase(path))
          let first
          try {
            first = importNvidiaSmiLog(store, text, { file: 'fuzz.csv', zone: 'UTC', maxGapS: 10, nowMs: NOW })
          } catch (error) {
            expect(error).toBeInstanceOf(WattprintError)
            return
          }
          expect(Number.isFinite(first.energyJ) && first.energyJ >= 0).toBe(true)
          const span = ((first.lastMs ?? 0) - (first.firstMs ?? 0)) / 1000
          expect(first.energyJ).toBeLessThanOrEqual(3000 * span + 1e-6)
          const again = importNvidiaSmiLog(store, text, { file: 'renamed.csv', zone: 'UTC', maxGapS: 10, nowMs: NOW })
          expect(again.energyJ).toBe(0)
          const db = new DatabaseSync(path, { readOnly: true })
          const bad = {
            n: new SampleStore(db)
              .samplesSince(0)
              .filter(
                (r) =>
                  (r.powerW !== null && (r.powerW < 0 || r.powerW > 3000)) ||
                  (r.utilPct !== null && (r.utilPct < 0 || r.utilPct > 100)) ||
                  (r.tempC !== null && (r.tempC < 0 || r.tempC > 150)) ||
                  r.tMs < Date.UTC(2010, 0, 1) ||
                  r.tMs > NOW + 86_400_000,
              ).length,
          }
          expect(bad.n).toBe(0)
          expect(quickCheck(db)).toBe('ok')
          db.close()
        },
      ),
      { numRuns: 150 },
    )
    console.log(`fuzzed lines: ${JSON.stringify(tally)}`)
  })
})
