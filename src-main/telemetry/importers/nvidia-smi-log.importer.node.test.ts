import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DEMO_TRACE, readFixture, sharedFixture, tempDir } from '../../../test/helpers.ts'
import { readFileSync } from 'node:fs'
import { integrateSeries } from '../../core/integration.ts'
import { epochMsFromLocalParts } from '../../core/time.ts'
import { parseNvidiaSmiLog } from '../parsers/nvidia-smi-log.parse.ts'
import { parseTimestampCell } from '../parsers/nvidia-smi-csv.parse.ts'
import { openDatabase } from '../../store/database.ts'
import { importNvidiaSmiLog } from './nvidia-smi-log.importer.ts'
import { WattprintError } from '../../contract/errors.ts'
import { formatText } from '../../contract/messages.ts'
import { SampleStore } from '../../store/sample-store.ts'

/** A fixed "now": the logs are all from before it, and the tests must not read the wall clock. */
const NOW = Date.UTC(2026, 10, 30, 12)

function freshStore(): SampleStore {
  return new SampleStore(openDatabase(join(tempDir(), 'import.db')))
}

/** The reference: the log's own readings integrated directly, independent of the store. */
function referenceEnergyJ(text: string, maxGapS: number): number {
  const parsed = parseNvidiaSmiLog(text)
  if (!parsed.ok) throw new Error(formatText('en', parsed.problem))
  const points = parsed.log.records.map(({ record }) => ({ tMs: epochMsFromLocalParts(record.time, 'UTC') ?? 0, powerW: record.powerW }))
  return integrateSeries(points, maxGapS).energyJ
}

describe('importing real nvidia-smi logs', () => {
  it.each([
    ['JimZeyuYang__GPU_Power_Benchmark__K40m_TR_gpudata.csv', 2110],
    ['JimZeyuYang__GPU_Power_Benchmark__A5000_TR_gpudata.csv', 2383],
    ['JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv', 965],
  ])('%s: every row imported, energy equal to the log integrated directly', (file, rows) => {
    const text = readFixture('nvidia-logs', file)
    const store = freshStore()
    const summary = importNvidiaSmiLog(store, text, { file, zone: 'UTC', maxGapS: 10, nowMs: NOW })
    expect(summary.imported).toBe(rows)
    expect(summary.skipped).toEqual({})
    expect(summary.energyJ).toBeCloseTo(referenceEnergyJ(text, 10), 6)
    expect(store.totals(0, Date.UTC(2100, 0)).energyJ).toBeCloseTo(summary.energyJ, 6)
  })

  it('the Qwen3-ASR demo trace holds about 6.4 kJ over its 65 s (idle, 320 W burst, idle)', () => {
    const text = readFileSync(DEMO_TRACE, 'utf8')
    const summary = importNvidiaSmiLog(freshStore(), text, { file: 'demo.csv', zone: 'UTC', maxGapS: 10, nowMs: NOW })
    expect(summary.imported).toBe(652)
    expect((summary.lastMs ?? 0) - (summary.firstMs ?? 0)).toBeGreaterThan(64_000)
    expect(summary.energyJ).toBeCloseTo(referenceEnergyJ(text, 10), 6)
    expect(summary.energyJ).toBeGreaterThan(5_000)
    expect(summary.energyJ).toBeLessThan(8_000)
  })

  it('imports the RTX 4080 SUPER log to the ~0.16 kWh its steady 315-322 W implies (shared, unlicensed)', (ctx) => {
    const text = sharedFixture('nvidia-logs', 'ignasipc__GPU-Power-Consumption-For-AI__gpu_log_19_12_2025.csv')
    if (text === null) return ctx.skip('../shared/fixtures is absent (this log has no licence, so it is not in the repo)')
    const summary = importNvidiaSmiLog(freshStore(), text, { file: 'rtx4080s.csv', zone: 'Europe/Madrid', maxGapS: 10, nowMs: NOW })
    expect(summary.energyJ / 3.6e6).toBeCloseTo(0.1598, 3)
  })

  it('flags the MLPerf log whose power is frozen at 46.19 W for 12,792 readings', () => {
    const summary = importNvidiaSmiLog(freshStore(), readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__MLPerf_data.csv'), {
      file: 'mlperf.csv',
      zone: 'UTC',
      maxGapS: 10,
      nowMs: NOW,
    })
    expect(summary.warnings.join()).toMatch(/46\.19 W for all 12792 readings.*stuck/)
  })

  it('warns that two GPUs logged without an index column cannot be told apart (shared, unlicensed)', (ctx) => {
    const text = sharedFixture('nvidia', 'mscdiss-csv-nounits__2gpu-11GB-interleaved.csv')
    if (text === null) return ctx.skip('../shared/fixtures is absent (this log has no licence, so it is not in the repo)')
    const summary = importNvidiaSmiLog(freshStore(), text, { file: 'mscdiss.csv', zone: 'UTC', maxGapS: 10, nowMs: NOW })
    expect(summary.warnings.join()).toMatch(/several GPUs/)
  })

  it('is idempotent: importing twice stores each reading once', () => {
    const text = readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv')
    const store = freshStore()
    const first = importNvidiaSmiLog(store, text, { file: 'a100.csv', zone: 'UTC', maxGapS: 10, nowMs: NOW })
    const second = importNvidiaSmiLog(store, text, { file: 'a100.csv', zone: 'UTC', maxGapS: 10, nowMs: NOW })
    expect(second).toMatchObject({ imported: 0, alreadyStored: first.imported })
    expect(store.totals(0, Date.UTC(2100, 0)).energyJ).toBeCloseTo(first.energyJ, 6)
  })

  it('reads times in the zone given: the same log in Tokyo is 9 h before UTC', () => {
    const text = readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv')
    const utc = importNvidiaSmiLog(freshStore(), text, { file: 'a.csv', zone: 'UTC', maxGapS: 10, nowMs: NOW })
    const tokyo = importNvidiaSmiLog(freshStore(), text, { file: 'a.csv', zone: 'Asia/Tokyo', maxGapS: 10, nowMs: NOW })
    expect((utc.firstMs ?? 0) - (tokyo.firstMs ?? 0)).toBe(9 * 3600_000)
  })

  it('counts bad lines by reason, with the first line number, and imports the rest', () => {
    const text = [
      'timestamp, power.draw [W], utilization.gpu [%]',
      '2026/01/01 10:00:00.000, 100.00 W, 50 %',
      '2026/01/01 10:00:01.000, banana W, 50 %',
      '2026/01/01 10:00:02.000, 100.00 W',
      'timestamp, power.draw [W], utilization.gpu [%]',
      '2026/13/45 10:00:03.000, 100.00 W, 50 %',
      '2026/01/01 10:00:04.000, [N/A], 50 %',
      '2026/01/01 10:00:05.000, 99999.00 W, 50 %',
      '2026/01/01 10:00:06.000, 100.00 W, 50 %',
    ].join('\n')
    const summary = importNvidiaSmiLog(freshStore(), text, { file: 'bad.csv', zone: 'UTC', maxGapS: 10, nowMs: NOW })
    expect(summary.imported).toBe(3)
    expect(summary.skipped).toMatchObject({
      'bad-value': { count: 1, firstLine: 3 },
      'column-count': { count: 1, firstLine: 4 },
      'repeated-header': { count: 1, firstLine: 5 },
      'bad-timestamp': { count: 1 },
      'implausible-power': { count: 1, firstLine: 8 },
    })
  })

  it('refuses a file with no header, importing nothing', () => {
    const store = freshStore()
    expect(() =>
      importNvidiaSmiLog(store, readFixture('nvidia-logs', 'beam11221__plato__gpu_log.csv'), { file: 'plato.csv', maxGapS: 10, nowMs: NOW }),
    ).toThrow(WattprintError)
    expect(store.totals(0, Date.UTC(2100, 0)).samples).toBe(0)
  })
})

describe('an import never counts energy twice', () => {
  const A100 = readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv')
  const opts = (file: string): { file: string; zone: string; maxGapS: number; nowMs: number } => ({ file, zone: 'UTC', maxGapS: 10, nowMs: NOW })
  const total = (store: SampleStore): number => store.totals(0, Date.UTC(2100, 0)).energyJ

  it('a renamed copy of a log without a uuid column is the same GPU (keyed by name, index and content, not file name)', () => {
    const store = freshStore()
    const first = importNvidiaSmiLog(store, A100, opts('a100.csv'))
    const again = importNvidiaSmiLog(store, A100, opts('copy of a100 (2).csv'))
    expect(again.imported).toBe(0)
    expect(again.energyJ).toBe(0)
    expect(total(store)).toBeCloseTo(first.energyJ, 6)
    expect(store.devices()).toHaveLength(1)
    expect(store.devices()[0]?.deviceId).not.toMatch(/a100/)
  })

  it('the same log grown longer adds only its new part', () => {
    const lines = A100.trim().split('\n')
    const store = freshStore()
    const half = importNvidiaSmiLog(store, lines.slice(0, 400).join('\n'), opts('log.csv'))
    const whole = importNvidiaSmiLog(store, A100, opts('log.csv'))
    expect(whole.imported).toBe(lines.length - 400)
    expect(total(store)).toBeCloseTo(referenceEnergyJ(A100, 10), -1)
    expect(total(store)).toBeLessThanOrEqual(referenceEnergyJ(A100, 10) + 1e-6)
    expect(half.energyJ + whole.energyJ).toBeCloseTo(total(store), 6)
  })

  /** The demo trace with a uuid column, its instants shifted by `shiftMs` on every `every`-th line. */
  function withUuid(shiftMs: number, every: number): string {
    const [header, ...rows] = readFileSync(DEMO_TRACE, 'utf8').trim().split('\n')
    return [
      `${header}, uuid`,
      ...rows.map((row, i) => {
        const cells = row.split(', ')
        const time = parseTimestampCell(cells[0] ?? '')
        if (shiftMs && i % every === 0 && time) {
          const t = (epochMsFromLocalParts(time, 'UTC') ?? 0) + shiftMs
          cells[0] = new Date(t).toISOString().replace('T', ' ').replace('Z', '').replace(/-/g, '/')
        }
        return `${cells.join(', ')}, GPU-5eed0000-0000-4000-8000-00000000abcd`
      }),
    ].join('\n')
  }

  it.each([1, 3, 7])('re-importing a log with every %i-th instant shifted by 1 ms adds nothing', (every) => {
    const store = freshStore()
    const first = importNvidiaSmiLog(store, withUuid(0, 1), opts('trace.csv'))
    const shifted = importNvidiaSmiLog(store, withUuid(1, every), opts('trace-shifted.csv'))
    expect(shifted.energyJ).toBe(0)
    expect(total(store)).toBeCloseTo(first.energyJ, 6)
  })

  it('a log overlapping a live recording of the same GPU adds only the time the recording missed', () => {
    const store = freshStore()
    const log = withUuid(0, 1)
    const full = importNvidiaSmiLog(freshStore(), log, opts('all.csv')).energyJ
    // "Live": the first half of the trace recorded by the app (same uuid).
    const lines = log.split('\n')
    const firstHalf = importNvidiaSmiLog(store, lines.slice(0, 327).join('\n'), opts('live.csv'))
    const rest = importNvidiaSmiLog(store, log, opts('nvidia-smi.log'))
    expect(rest.alreadyStored).toBe(326)
    // Together: the whole trace but the one seam interval between the two parts.
    expect(firstHalf.energyJ + rest.energyJ).toBeLessThanOrEqual(full + 1e-6)
    expect(firstHalf.energyJ + rest.energyJ).toBeGreaterThan(full * 0.99)
  })

  it('an hour that only rollups remember (raw readings purged) is not filled again', () => {
    const store = freshStore()
    const first = importNvidiaSmiLog(store, A100, opts('a100.csv'))
    store.purgeRawBefore(Date.UTC(2024, 0, 1))
    const again = importNvidiaSmiLog(store, A100, opts('a100.csv'))
    expect(again.energyJ).toBe(0)
    expect(total(store)).toBeCloseTo(first.energyJ, 6)
  })
})

describe('units and plausibility in imported logs', () => {
  const opts = { file: 'u.csv', zone: 'UTC', maxGapS: 10, nowMs: NOW }
  it('reads power in kW and mW, converted to W', () => {
    const kw = importNvidiaSmiLog(freshStore(), 'timestamp, power.draw [kW]\n2026/01/01 10:00:00.000, 0.3\n2026/01/01 10:00:01.000, 0.3\n', opts)
    expect(kw.energyJ).toBeCloseTo(300, 9)
    const mw = importNvidiaSmiLog(freshStore(), 'timestamp, power.draw\n2026/01/01 10:00:00.000, 300000 mW\n2026/01/01 10:00:01.000, 300000 mW\n', opts)
    expect(mw.energyJ).toBeCloseTo(300, 9)
  })

  it('refuses a header whose power is not in watts, naming the column and unit', () => {
    expect(() => importNvidiaSmiLog(freshStore(), 'timestamp, power.draw [J]\n2026/01/01 10:00:00.000, 5\n', opts)).toThrow(/power\.draw is in "J"/)
  })

  it.each([
    ['33.1WW', 'bad-unit'],
    ['33.1 J', 'bad-unit'],
    ['33.1 MiB', 'bad-unit'],
    ['78 %xxx', 'bad-unit'],
    ['78%%', 'bad-unit'],
    ['3e2 W', 'bad-value'],
    ['3300 W', 'implausible-power'],
  ])('refuses power %j as %s, with the line', (cell, reason) => {
    const summary = importNvidiaSmiLog(freshStore(), `timestamp, power.draw\n2026/01/01 10:00:00.000, 100 W\n2026/01/01 10:00:01.000, ${cell}\n`, opts)
    expect(summary.imported).toBe(1)
    expect(summary.skipped[reason]).toMatchObject({ count: 1, firstLine: 3 })
  })

  it.each([
    ['0000/01/01 10:00:00.000', 'implausible-time'],
    ['1970/01/01 00:00:00.000', 'implausible-time'],
    ['2027/12/01 10:00:00.000', 'implausible-time'],
    ['9999/12/31 23:59:59.999', 'implausible-time'],
  ])('refuses the time %s as %s', (time, reason) => {
    const summary = importNvidiaSmiLog(freshStore(), `timestamp, power.draw [W]\n${time}, 100\n`, opts)
    expect(summary.imported).toBe(0)
    expect(summary.skipped[reason]?.count).toBe(1)
  })

  it('refuses utilisation above 100 %, a negative temperature, and a junk uuid, naming the field', () => {
    const text = [
      'timestamp, power.draw [W], utilization.gpu [%], temperature.gpu, uuid',
      '2026/01/01 10:00:00.000, 100, 101, 50, GPU-1',
      '2026/01/01 10:00:01.000, 100, 50, -4, GPU-1',
      `2026/01/01 10:00:02.000, 100, 50, 50, GPU-1${'x'.repeat(100_000)}`,
      '2026/01/01 10:00:03.000, 100, 50, 50, GPU-1',
    ].join('\n')
    const summary = importNvidiaSmiLog(freshStore(), text, opts)
    expect(summary.imported).toBe(1)
    expect(summary.skipped['implausible-value']).toMatchObject({ count: 2, firstLine: 2, example: expect.stringMatching(/utilization\.gpu 101/) })
    expect(summary.skipped['bad-uuid']).toMatchObject({ count: 1, firstLine: 4 })
    expect(summary.devices).toHaveLength(1)
  })

  it('removes terminal escape codes from names before anything prints them', () => {
    const summary = importNvidiaSmiLog(
      freshStore(),
      'timestamp, power.draw [W], name\n2026/01/01 10:00:00.000, 100, \u001b[31mEvil\u001b]0;pwned\u0007 GPU\u202e\n',
      opts,
    )
    expect(summary.devices[0]?.name).toBe('[31mEvil]0;pwned GPU')
    expect(JSON.stringify(summary)).not.toMatch(/\\u001b|\\u0007/)
  })
})
