import type { LocalDateTimeParts } from '../../core/time.ts'
import { bytesFromMiB } from '../../core/units.ts'

/** The --query-gpu fields Wattprint understands. */
export type NvidiaField =
  | 'timestamp'
  | 'index'
  | 'uuid'
  | 'name'
  | 'power.draw'
  | 'power.limit'
  | 'utilization.gpu'
  | 'utilization.memory'
  | 'memory.used'
  | 'memory.total'
  | 'temperature.gpu'
  | 'clocks.sm'
  | 'pstate'

/** What the live stream asks for, in this order (`--format=csv,noheader,nounits`). */
export const STREAM_FIELDS: readonly NvidiaField[] = [
  'timestamp',
  'index',
  'uuid',
  'name',
  'power.draw',
  'power.limit',
  'utilization.gpu',
  'utilization.memory',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'clocks.sm',
  'pstate',
]

/**
 * Header names nvidia-smi prints (it may rename what was asked: `clocks.sm` is printed as
 * `clocks.current.sm`). Exact names only: `power.draw.average` must not match `power.draw`.
 */
const HEADER_ALIASES: Readonly<Record<string, NvidiaField>> = {
  timestamp: 'timestamp',
  index: 'index',
  uuid: 'uuid',
  gpu_uuid: 'uuid',
  name: 'name',
  gpu_name: 'name',
  'power.draw': 'power.draw',
  'power.limit': 'power.limit',
  'enforced.power.limit': 'power.limit',
  'utilization.gpu': 'utilization.gpu',
  'utilization.memory': 'utilization.memory',
  'memory.used': 'memory.used',
  'memory.total': 'memory.total',
  'temperature.gpu': 'temperature.gpu',
  'clocks.sm': 'clocks.sm',
  'clocks.current.sm': 'clocks.sm',
  pstate: 'pstate',
}

export interface ColumnMap {
  /** Per column: the field it holds, or null for a column we ignore. */
  fields: readonly (NvidiaField | null)[]
  /** Per column: the unit named in the header (`W`, `MiB`, `%`), or null. */
  units: readonly (string | null)[]
}

/** One GPU at one instant, as nvidia-smi reported it. Unknown values are null, never 0. */
export interface NvidiaRecord {
  time: LocalDateTimeParts
  index: number | null
  uuid: string | null
  name: string | null
  powerW: number | null
  powerLimitW: number | null
  utilPct: number | null
  memUtilPct: number | null
  memUsedB: number | null
  memTotalB: number | null
  tempC: number | null
  smClockMhz: number | null
  pstate: number | null
}

export type SkipReason =
  | 'column-count'
  | 'bad-timestamp'
  | 'bad-value'
  | 'implausible-power'

export type RecordResult =
  | { ok: true; record: NvidiaRecord }
  | { ok: false; reason: SkipReason; detail: string }

/** Highest believable board power, W: above any single GPU made so far (B200 ≈ 1,000-1,200 W). */
export const MAX_PLAUSIBLE_POWER_W = 3000

/** nvidia-smi separates cells with ", " and never quotes them. */
export function splitCells(line: string): string[] {
  return line.split(',').map((cell) => cell.trim())
}

/** The column map of the stream we start ourselves (no header, no units). */
export function streamColumnMap(fields: readonly NvidiaField[] = STREAM_FIELDS): ColumnMap {
  return { fields, units: fields.map(() => null) }
}

/** Reads a header line such as `timestamp, power.draw [W], memory.used [MiB]`. */
export function parseHeader(line: string): { ok: true; map: ColumnMap } | { ok: false; message: string } {
  const cells = splitCells(line.replace(/^\uFEFF/, ''))
  const fields: (NvidiaField | null)[] = []
  const units: (string | null)[] = []
  for (const cell of cells) {
    const m = /^([A-Za-z0-9_.]+)\s*(?:\[([^\]]*)\])?$/.exec(cell)
    const key = m?.[1]?.toLowerCase()
    fields.push(key ? (HEADER_ALIASES[key] ?? null) : null)
    units.push(m?.[2] ?? null)
  }
  if (!fields.includes('timestamp') || !fields.includes('power.draw')) {
    const missing = ['timestamp', 'power.draw'].filter((f) => !fields.includes(f as NvidiaField))
    return {
      ok: false,
      message:
        `header line has no ${missing.join(' or ')} column (got: "${line.slice(0, 120)}"); the log must ` +
        'come from nvidia-smi --query-gpu=timestamp,...,power.draw,... --format=csv (without noheader)',
    }
  }
  return { ok: true, map: { fields, units } }
}

/** nvidia-smi's ways of saying "no value": `[N/A]`, `[Not Supported]`, `[Unknown Error]`, `ERR!`, ``. */
export function isMissingToken(cell: string): boolean {
  return cell === '' || cell === 'N/A' || cell === 'ERR!' || /^\[.*\]$/.test(cell)
}

type Numeric = { ok: true; value: number | null; unit: string | null } | { ok: false }

/** A number with an optional unit after it: `22.19 W`, `0 %`, `19691 MiB`, `60.16`. */
export function parseNumericCell(cell: string): Numeric {
  if (isMissingToken(cell)) return { ok: true, value: null, unit: null }
  const m = /^(-?\d+(?:\.\d+)?)\s*([A-Za-z%]*)$/.exec(cell)
  if (!m) return { ok: false }
  return { ok: true, value: Number(m[1]), unit: m[2] ? m[2] : null }
}

/** `2026/04/01 19:23:48.553` (nvidia-smi's format; also accepts `-` between date parts). */
export function parseTimestampCell(cell: string): LocalDateTimeParts | null {
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

const MEMORY_FACTORS: Readonly<Record<string, number>> = {
  B: 1,
  KiB: 1024,
  MiB: bytesFromMiB(1),
  GiB: 1024 ** 3,
}

function emptyRecord(time: LocalDateTimeParts): NvidiaRecord {
  return {
    time,
    index: null,
    uuid: null,
    name: null,
    powerW: null,
    powerLimitW: null,
    utilPct: null,
    memUtilPct: null,
    memUsedB: null,
    memTotalB: null,
    tempC: null,
    smClockMhz: null,
    pstate: null,
  }
}

/** Parses one data line against a column map. Never throws: a bad line says why it was skipped. */
export function parseRecord(line: string, map: ColumnMap): RecordResult {
  const cells = splitCells(line)
  if (cells.length !== map.fields.length) {
    return {
      ok: false,
      reason: 'column-count',
      detail: `expected ${map.fields.length} cells, got ${cells.length}: "${line.slice(0, 80)}"`,
    }
  }
  const timeCell = cells[map.fields.indexOf('timestamp')] ?? ''
  const time = parseTimestampCell(timeCell)
  if (!time) return { ok: false, reason: 'bad-timestamp', detail: `timestamp "${timeCell.slice(0, 40)}"` }
  const record = emptyRecord(time)

  for (let i = 0; i < cells.length; i++) {
    const field = map.fields[i]
    const cell = cells[i] ?? ''
    if (!field || field === 'timestamp') continue
    if (field === 'uuid' || field === 'name') {
      record[field] = isMissingToken(cell) ? null : cell
      continue
    }
    if (field === 'pstate') {
      const m = /^P(\d{1,2})$/.exec(cell)
      if (m) record.pstate = Number(m[1])
      else if (!isMissingToken(cell)) return { ok: false, reason: 'bad-value', detail: `pstate "${cell}"` }
      continue
    }
    const parsed = parseNumericCell(cell)
    if (!parsed.ok) return { ok: false, reason: 'bad-value', detail: `${field} "${cell.slice(0, 40)}"` }
    const value = parsed.value
    if (value === null) continue
    const unit = parsed.unit ?? map.units[i] ?? null
    switch (field) {
      case 'index':
        record.index = value
        break
      case 'power.draw':
        if (value < 0 || value > MAX_PLAUSIBLE_POWER_W) {
          return { ok: false, reason: 'implausible-power', detail: `power.draw ${value} W` }
        }
        record.powerW = value
        break
      case 'power.limit':
        record.powerLimitW = value
        break
      case 'utilization.gpu':
        record.utilPct = value
        break
      case 'utilization.memory':
        record.memUtilPct = value
        break
      case 'memory.used':
      case 'memory.total': {
        // nvidia-smi always reports MiB; a bare number (nounits, no header unit) is MiB too.
        const factor = MEMORY_FACTORS[unit ?? 'MiB']
        if (factor === undefined) return { ok: false, reason: 'bad-value', detail: `${field} unit "${unit}"` }
        record[field === 'memory.used' ? 'memUsedB' : 'memTotalB'] = value * factor
        break
      }
      case 'temperature.gpu':
        record.tempC = value
        break
      case 'clocks.sm':
        record.smClockMhz = value
        break
    }
  }
  return { ok: true, record }
}
