import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DEMO_TRACE, readFixture, sharedFixture, tempDir } from '../../test/helpers.ts'
import { readFileSync } from 'node:fs'
import { integrateSeries } from '../core/integration.ts'
import { epochMsFromLocalParts } from '../core/time.ts'
import { parseNvidiaSmiLog } from '../telemetry/parsers/nvidia-smi-log.parse.ts'
import { openDatabase } from './database.ts'
import { ImportError, importNvidiaSmiLog } from './import-nvidia-log.ts'
import { SampleStore } from './sample-store.ts'

function freshStore(): SampleStore {
  return new SampleStore(openDatabase(join(tempDir(), 'import.db')))
}

/** The reference: the log's own readings integrated directly, independent of the store. */
function referenceEnergyJ(text: string, maxGapS: number): number {
  const parsed = parseNvidiaSmiLog(text)
  if (!parsed.ok) throw new Error(parsed.message)
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
    const summary = importNvidiaSmiLog(store, text, { file, zone: 'UTC', maxGapS: 10 })
    expect(summary.imported).toBe(rows)
    expect(summary.skipped).toEqual({})
    expect(summary.energyJ).toBeCloseTo(referenceEnergyJ(text, 10), 6)
    expect(store.totals(0, Date.UTC(2100, 0)).energyJ).toBeCloseTo(summary.energyJ, 6)
  })

  it('the Qwen3-ASR demo trace holds about 6.4 kJ over its 65 s (idle, 320 W burst, idle)', () => {
    const text = readFileSync(DEMO_TRACE, 'utf8')
    const summary = importNvidiaSmiLog(freshStore(), text, { file: 'demo.csv', zone: 'UTC', maxGapS: 10 })
    expect(summary.imported).toBe(652)
    expect((summary.lastMs ?? 0) - (summary.firstMs ?? 0)).toBeGreaterThan(64_000)
    expect(summary.energyJ).toBeCloseTo(referenceEnergyJ(text, 10), 6)
    expect(summary.energyJ).toBeGreaterThan(5_000)
    expect(summary.energyJ).toBeLessThan(8_000)
  })

  it('imports the RTX 4080 SUPER log to the ~0.16 kWh its steady 315-322 W implies (shared, unlicensed)', (ctx) => {
    const text = sharedFixture('nvidia-logs', 'ignasipc__GPU-Power-Consumption-For-AI__gpu_log_19_12_2025.csv')
    if (text === null) return ctx.skip('../shared/fixtures is absent (this log has no licence, so it is not in the repo)')
    const summary = importNvidiaSmiLog(freshStore(), text, { file: 'rtx4080s.csv', zone: 'Europe/Madrid', maxGapS: 10 })
    expect(summary.energyJ / 3.6e6).toBeCloseTo(0.1598, 3)
  })

  it('flags the MLPerf log whose power is frozen at 46.19 W for 12,792 readings', () => {
    const summary = importNvidiaSmiLog(freshStore(), readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__MLPerf_data.csv'), {
      file: 'mlperf.csv',
      zone: 'UTC',
      maxGapS: 10,
    })
    expect(summary.warnings.join()).toMatch(/46\.19 W for all 12792 readings.*stuck/)
  })

  it('warns that two GPUs logged without an index column cannot be told apart (shared, unlicensed)', (ctx) => {
    const text = sharedFixture('nvidia', 'mscdiss-csv-nounits__2gpu-11GB-interleaved.csv')
    if (text === null) return ctx.skip('../shared/fixtures is absent (this log has no licence, so it is not in the repo)')
    const summary = importNvidiaSmiLog(freshStore(), text, { file: 'mscdiss.csv', zone: 'UTC', maxGapS: 10 })
    expect(summary.warnings.join()).toMatch(/several GPUs/)
  })

  it('is idempotent: importing twice stores each reading once', () => {
    const text = readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv')
    const store = freshStore()
    const first = importNvidiaSmiLog(store, text, { file: 'a100.csv', zone: 'UTC', maxGapS: 10 })
    const second = importNvidiaSmiLog(store, text, { file: 'a100.csv', zone: 'UTC', maxGapS: 10 })
    expect(second).toMatchObject({ imported: 0, alreadyStored: first.imported })
    expect(store.totals(0, Date.UTC(2100, 0)).energyJ).toBeCloseTo(first.energyJ, 6)
  })

  it('reads times in the zone given: the same log in Tokyo is 9 h before UTC', () => {
    const text = readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv')
    const utc = importNvidiaSmiLog(freshStore(), text, { file: 'a.csv', zone: 'UTC', maxGapS: 10 })
    const tokyo = importNvidiaSmiLog(freshStore(), text, { file: 'a.csv', zone: 'Asia/Tokyo', maxGapS: 10 })
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
    const summary = importNvidiaSmiLog(freshStore(), text, { file: 'bad.csv', zone: 'UTC', maxGapS: 10 })
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
    expect(() => importNvidiaSmiLog(store, readFixture('nvidia-logs', 'beam11221__plato__gpu_log.csv'), { file: 'plato.csv', maxGapS: 10 })).toThrow(ImportError)
    expect(store.totals(0, Date.UTC(2100, 0)).samples).toBe(0)
  })
})
