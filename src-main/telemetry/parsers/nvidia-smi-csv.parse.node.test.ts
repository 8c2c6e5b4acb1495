import fc from 'fast-check'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, captureQueryGpuSections, readFixture, sharedFixture } from '../../../test/helpers.ts'
import {
  isMissingToken,
  parseHeader,
  parseNumericCell,
  parseRecord,
  parseTimestampCell,
  splitCells,
  streamColumnMap,
  STREAM_FIELDS,
} from './nvidia-smi-csv.parse.ts'
import { parseNvidiaSmiLog } from './nvidia-smi-log.parse.ts'
import { diagnoseNvidiaSmiOutput } from './nvidia-smi-status.parse.ts'
import { formatText } from '../../contract/messages.ts'

const captures = readdirSync(join(FIXTURES, 'nvidia')).filter((f) => f.endsWith('.txt'))

describe('nvidia-smi --query-gpu CSV on real captures (8 GPUs, Linux and Windows drivers)', () => {
  it.each(captures)('%s: every idle/load row parses with its units', (file) => {
    const sections = captureQueryGpuSections(readFixture('nvidia', file))
    expect(sections.map((s) => s.state)).toEqual(['idle', 'load'])
    for (const { header, row } of sections) {
      const map = parseHeader(header)
      expect(map.ok, header.slice(0, 80)).toBe(true)
      if (!map.ok) continue
      const result = parseRecord(row, map.map)
      expect(result.ok, JSON.stringify(result)).toBe(true)
      if (!result.ok) continue
      const r = result.record
      expect(r.name).toMatch(/NVIDIA|H100|H200|L40S/)
      expect(r.uuid).toMatch(/^GPU-/)
      expect(r.index).toBe(0)
      // Every captured card reports a power draw and a board limit (MIG included).
      expect(r.powerW).toBeGreaterThan(1)
      expect(r.powerW).toBeLessThan(1000)
      expect(r.powerLimitW).toBeGreaterThanOrEqual(r.powerW ?? 0)
      expect(r.memTotalB).toBeGreaterThan(4 * 1024 ** 3)
      expect(r.pstate).toBeGreaterThanOrEqual(0)
    }
  })

  it('reads the RTX 4080 SUPER idle row exactly', () => {
    const [idle] = captureQueryGpuSections(readFixture('nvidia', 'nge-capture__linux-x86_64__nvidia-geforce-rtx-4080-super__595.71.05.txt'))
    const map = parseHeader(idle?.header ?? '')
    if (!map.ok) throw new Error(formatText('en', map.problem))
    const result = parseRecord(idle?.row ?? '', map.map)
    if (!result.ok) throw new Error(result.detail)
    expect(result.record).toMatchObject({
      name: 'NVIDIA GeForce RTX 4080 SUPER',
      time: { year: 2026, month: 6, day: 26, hour: 11, minute: 59, second: 44, millisecond: 226 },
      pstate: 8,
      utilPct: 0,
    })
  })
})

describe('the stream Wattprint starts (noheader, nounits, known columns)', () => {
  const map = streamColumnMap()
  const line = (cells: string[]): string => cells.join(', ')

  it('parses a full line', () => {
    const r = parseRecord(
      line(['2026/04/01 19:23:48.553', '0', 'GPU-1234', 'NVIDIA GeForce RTX 4090', '312.45', '450.00', '98', '41', '19691', '24564', '67', '2520', 'P2']),
      map,
    )
    expect(r.ok && r.record).toMatchObject({
      powerW: 312.45,
      powerLimitW: 450,
      utilPct: 98,
      memUsedB: 19691 * 1024 * 1024,
      tempC: 67,
      smClockMhz: 2520,
      pstate: 2,
    })
  })

  it.each(['[N/A]', '[Not Supported]', '[Unknown Error]', 'ERR!', '', '[Insufficient Permissions]', '[GPU requires reset]'])(
    'reads %j as missing, never zero',
    (token) => {
      expect(isMissingToken(token)).toBe(true)
      const r = parseRecord(line(['2026/04/01 19:23:48.553', '0', 'GPU-1', 'x', token, token, token, token, token, token, token, token, token]), map)
      expect(r.ok && r.record.powerW).toBeNull()
      expect(r.ok && r.record.utilPct).toBeNull()
      expect(r.ok && r.record.pstate).toBeNull()
    },
  )

  it('skips garbage with a reason instead of throwing', () => {
    expect(parseRecord('ERR! , ##garbage## , [Unknown Error], 12', map)).toMatchObject({ ok: false, reason: 'column-count' })
    expect(parseRecord(line(['not a time', ...STREAM_FIELDS.slice(1).map(() => '1')]), map)).toMatchObject({ ok: false, reason: 'bad-timestamp' })
    const cells = ['2026/04/01 19:23:48.553', '0', 'GPU-1', 'x', 'banana', '1', '1', '1', '1', '1', '1', '1', 'P0']
    expect(parseRecord(line(cells), map)).toMatchObject({ ok: false, reason: 'bad-value' })
    cells[4] = '123456'
    expect(parseRecord(line(cells), map)).toMatchObject({ ok: false, reason: 'implausible-power' })
    cells[4] = '-5'
    expect(parseRecord(line(cells), map)).toMatchObject({ ok: false, reason: 'implausible-power' })
  })

  it('reads numbers with or without units', () => {
    expect(parseNumericCell('22.19 W')).toEqual({ ok: true, value: 22.19, unit: 'W' })
    expect(parseNumericCell('60.16')).toEqual({ ok: true, value: 60.16, unit: null })
    expect(parseNumericCell('0 %')).toEqual({ ok: true, value: 0, unit: '%' })
    expect(parseNumericCell('12 cats and dogs').ok).toBe(false)
  })
})

describe('nvidia-smi logs over time', () => {
  it('picks power.draw, not power.draw.average or power.draw.instant (RTX A5000 log, nounits)', () => {
    const parsed = parseNvidiaSmiLog(readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__A5000_TR_gpudata.csv'))
    if (!parsed.ok) throw new Error(formatText('en', parsed.problem))
    expect(parsed.log.records).toHaveLength(2383)
    // First data row: "..., 77.82, 77.82, 77.79" → power.draw is the first of the three.
    expect(parsed.log.records[0]?.record.powerW).toBe(77.82)
    expect(parsed.log.skipped).toEqual({})
  })

  it('maps clocks.current.sm (as nvidia-smi prints clocks.sm) and keeps [Unknown Error] as missing (MLPerf log)', () => {
    const parsed = parseNvidiaSmiLog(readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__MLPerf_data.csv'))
    if (!parsed.ok) throw new Error(formatText('en', parsed.problem))
    expect(parsed.log.records).toHaveLength(12792)
    expect(parsed.log.records.every((r) => r.record.smClockMhz === null)).toBe(true)
    expect(parsed.log.records[0]?.record.powerW).toBe(46.19)
  })

  it('reads the K40m log (nounits, pstate, clocks)', () => {
    const parsed = parseNvidiaSmiLog(readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__K40m_TR_gpudata.csv'))
    if (!parsed.ok) throw new Error(formatText('en', parsed.problem))
    expect(parsed.log.records[0]?.record).toMatchObject({ powerW: 60.16, pstate: 0, smClockMhz: 745, tempC: 34 })
  })

  it('refuses a log without a header line, saying why (plato log, written with noheader)', () => {
    const parsed = parseNvidiaSmiLog(readFixture('nvidia-logs', 'beam11221__plato__gpu_log.csv'))
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? '' : formatText('en', parsed.problem)).toMatch(/noheader/)
  })

  it('refuses a header without power.draw, naming the column', () => {
    const parsed = parseNvidiaSmiLog('timestamp, utilization.gpu [%]\n2026/01/01 00:00:00.000, 5 %\n')
    expect(parsed.ok ? '' : formatText('en', parsed.problem)).toMatch(/power\.draw/)
  })

  it('reads the Tesla P100 netdata capture (no timestamp column is refused; the rest of the header is understood)', (ctx) => {
    const text = sharedFixture('nvidia', 'netdata-csv__tesla-p100.csv')
    if (text === null) return ctx.skip('../shared/fixtures is absent: the GPL-licensed netdata capture is not copied into the repo')
    const header = parseHeader(text.split('\n')[0] ?? '')
    expect(header.ok ? '' : formatText('en', header.problem)).toMatch(/timestamp/)
  })

  it.for([
    'eobo0530__vlm_optimization__gpu_log.csv',
    'PranavDani__Flame__fluidsGL-smi.csv',
    'nazminarisbekovanazmi-ai__MDDAir__gpu_telemetry.csv',
    'ignasipc__GPU-Power-Consumption-For-AI__gpu_log_19_12_2025.csv',
  ])('parses every row of the unlicensed shared log %s (read from ../shared)', (file, ctx) => {
    const text = sharedFixture('nvidia-logs', file)
    if (text === null) return ctx.skip('../shared/fixtures is absent; this log has no licence, so it is not copied')
    const parsed = parseNvidiaSmiLog(text)
    if (!parsed.ok) throw new Error(formatText('en', parsed.problem))
    const rows = text.trim().split('\n').length - 1
    expect(parsed.log.records).toHaveLength(rows)
    expect(parsed.log.records.every((r) => r.record.powerW !== null && r.record.powerW > 0)).toBe(true)
  })
})

describe('what nvidia-smi says when it fails', () => {
  it.each([
    ['No devices were found', 'no-device'],
    [
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
      'driver-error',
    ],
    ['Failed to initialize NVML: Driver/library version mismatch', 'driver-error'],
    ['Failed to initialize NVML: Insufficient Permissions', 'permission'],
    ['Segmentation fault', 'other'],
  ])('%s → %s', (text, state) => {
    const d = diagnoseNvidiaSmiOutput(text)
    expect(d.state).toBe(state)
    if (state !== 'other') expect(formatText('en', d.fix ?? { code: '', params: {} }).length).toBeGreaterThan(20)
  })
})

describe('reading a timestamp fast, the same as by the pattern', () => {
  /** The documented shape, as a pattern: what the digit-by-digit reader must agree with. */
  function byPattern(cell: string): unknown {
    const m = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(cell)
    if (!m) return null
    const [, y, mo, d, h, mi, s, ms] = m
    return {
      year: Number(y),
      month: Number(mo),
      day: Number(d),
      hour: Number(h),
      minute: Number(mi),
      second: Number(s),
      millisecond: ms ? Number(ms.padEnd(3, '0')) : 0,
    }
  }

  it('agrees on every 23-character cell made of digits and separators, well-formed or not', () => {
    const char = fc.constantFrom(...'0123456789/-: T.x٣'.split(''))
    const nearly = fc.array(fc.nat({ max: 22 }), { maxLength: 3 }).chain((holes) =>
      fc.array(char, { minLength: holes.length, maxLength: holes.length }).map((cs) => {
        const good = [...'2026/11/30 12:34:56.789']
        holes.forEach((h, i) => (good[h] = cs[i] ?? '0'))
        return good.join('')
      }),
    )
    fc.assert(
      fc.property(
        fc.oneof(
          nearly,
          fc.array(char, { minLength: 23, maxLength: 23 }).map((cs) => cs.join('')),
        ),
        (cell) => {
          expect(parseTimestampCell(cell)).toEqual(byPattern(cell))
        },
      ),
      { numRuns: 3000 },
    )
    expect(parseTimestampCell('2026-11-30T12:34:56.789')).toEqual(byPattern('2026-11-30T12:34:56.789'))
  })

  it('splitCells cuts at every comma and trims each cell as String.prototype.trim does (one pass, same result)', () => {
    const piece = fc.constantFrom(',', ', ', ' ', '\t', '\r', '\u00a0', '\ufeff', '\u2003', '\u3000', 'a', 'W', '12.5', '[N/A]', 'é', '\u200b')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const line = pieces.join('')
        expect(splitCells(line)).toEqual(line.split(',').map((cell) => cell.trim()))
      }),
      { numRuns: 3000 },
    )
  })

  it('parseNumericCell reads exactly what its pattern /^(-?\\d{1,12}(?:\\.\\d{1,12})?) ?([A-Za-z%]{0,8})$/ allows', () => {
    const byPattern = (cell: string): unknown => {
      if (isMissingToken(cell)) return { ok: true, value: null, unit: null }
      const m = /^(-?\d{1,12}(?:\.\d{1,12})?) ?([A-Za-z%]{0,8})$/.exec(cell)
      return m ? { ok: true, value: Number(m[1]), unit: m[2] ? m[2] : null } : { ok: false }
    }
    const piece = fc.constantFrom(
      '-',
      '0',
      '7',
      '12',
      '123456789012',
      '1234567890123',
      '.',
      '.5',
      ' ',
      '  ',
      'W',
      'MiB',
      'MHz',
      '%',
      'kW',
      'ABCDEFGHI',
      'é',
      '٣',
      ',',
      'e5',
      '[N/A]',
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 7 }), (pieces) => {
        const cell = pieces.join('')
        expect(parseNumericCell(cell)).toEqual(byPattern(cell))
      }),
      { numRuns: 5000 },
    )
    for (const cell of ['22.19 W', '0 %', '19691 MiB', '60.16', '-3', '1.', '.5', '5  W', '5W', '1234567890123', '5 ABCDEFGHI'])
      expect(parseNumericCell(cell), cell).toEqual(byPattern(cell))
  })
})
