import type { LocalDateTimeParts } from '../../core/time.ts'
import { bytesFromMiB } from '../../contract/units.ts'
import { withoutControls } from '../../core/text.ts'
import { message, type Message } from '../../contract/messages.ts'

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
  'column-count' | 'bad-timestamp' | 'bad-value' | 'bad-unit' | 'bad-uuid' | 'implausible-power' | 'implausible-value' | 'implausible-time'

export type RecordResult = { ok: true; record: NvidiaRecord } | { ok: false; reason: SkipReason; detail: string }

/** Highest believable board power, W: above any single GPU made so far (B200 ≈ 1,000-1,200 W). */
export const MAX_PLAUSIBLE_POWER_W = 3000
/** nvidia-smi's --query-gpu dates from 2011; a log claiming an earlier or far later year is wrong. */
export const PLAUSIBLE_YEARS = { min: 2010, max: 2100 } as const

type NumericField = Exclude<NvidiaField, 'timestamp' | 'uuid' | 'name' | 'pstate'>

interface FieldSpec {
  /** Units this field may carry and their factor to the unit stored (W, %, B, °C, MHz). */
  units: Readonly<Record<string, number>>
  /** The unit of a bare number (nounits logs, the live stream). */
  bare: string
  min: number
  max: number
  integer?: boolean
}

const POWER_UNITS = { W: 1, kW: 1000, mW: 0.001 }
const MEMORY_UNITS = { B: 1, KiB: 1024, MiB: bytesFromMiB(1), GiB: 1024 ** 3 }

/** What each numeric column may hold: its units and the range a real GPU can report. */
const FIELD_SPECS: Readonly<Record<NumericField, FieldSpec>> = {
  index: { units: { '': 1 }, bare: '', min: 0, max: 255, integer: true },
  'power.draw': { units: POWER_UNITS, bare: 'W', min: 0, max: MAX_PLAUSIBLE_POWER_W },
  'power.limit': { units: POWER_UNITS, bare: 'W', min: 0, max: MAX_PLAUSIBLE_POWER_W },
  'utilization.gpu': { units: { '%': 1 }, bare: '%', min: 0, max: 100 },
  'utilization.memory': { units: { '%': 1 }, bare: '%', min: 0, max: 100 },
  // nvidia-smi always reports MiB; 4 TiB is far above any board's memory.
  'memory.used': { units: MEMORY_UNITS, bare: 'MiB', min: 0, max: 4 * 1024 ** 4 },
  'memory.total': { units: MEMORY_UNITS, bare: 'MiB', min: 0, max: 4 * 1024 ** 4 },
  // nvidia-smi prints degrees Celsius without a unit; a GPU die below 0 °C or above 150 °C is a bad reading.
  'temperature.gpu': { units: { '': 1, C: 1 }, bare: '', min: 0, max: 150 },
  'clocks.sm': { units: { MHz: 1, GHz: 1000 }, bare: 'MHz', min: 0, max: 10_000 },
}

/** A GPU or MIG instance UUID as nvidia-smi prints it (`GPU-xxxxxxxx-…`, `MIG-…`). */
const UUID_PATTERN = /^(GPU|MIG)-[0-9A-Za-z/_-]{1,96}$/
const MAX_NAME_CHARS = 96

/**
 * A device name safe to print anywhere: control characters (terminal escapes included) and
 * bidirectional overrides removed, whitespace collapsed, at most 96 characters. Null when nothing is left.
 */
export function sanitizeName(text: string): string | null {
  const clean = withoutControls(text).replace(/\s+/g, ' ').trim()
  return clean === '' ? null : clean.slice(0, MAX_NAME_CHARS)
}

/** nvidia-smi separates cells with ", " and never quotes them. */
export function splitCells(line: string): string[] {
  // One pass, trimming as it goes (every line of a log comes through here).
  const cells: string[] = []
  let from = 0
  for (;;) {
    const comma = line.indexOf(',', from)
    const end = comma < 0 ? line.length : comma
    let a = from
    let b = end
    while (a < b && isSpace(line.charCodeAt(a))) a++
    while (b > a && isSpace(line.charCodeAt(b - 1))) b--
    cells.push(line.slice(a, b))
    if (comma < 0) return cells
    from = comma + 1
  }
}

/** What String.prototype.trim removes, for the characters a log holds (space, tab, CR, LF, NBSP, BOM). */
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0xfeff ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  )
}

/** The column map of the stream we start ourselves (no header, no units). */
export function streamColumnMap(fields: readonly NvidiaField[] = STREAM_FIELDS): ColumnMap {
  return { fields, units: fields.map(() => null) }
}

/** Reads a header line such as `timestamp, power.draw [W], memory.used [MiB]`. */
export function parseHeader(line: string): { ok: true; map: ColumnMap } | { ok: false; problem: Message } {
  const cells = splitCells(line.replace(/^\uFEFF/, ''))
  const fields: (NvidiaField | null)[] = []
  const units: (string | null)[] = []
  for (const cell of cells) {
    const m = /^([A-Za-z0-9_.]+)\s*(?:\[([^\]]*)\])?$/.exec(cell)
    const key = m?.[1]?.toLowerCase()
    fields.push(key ? (HEADER_ALIASES[key] ?? null) : null)
    units.push(m?.[2] ?? null)
  }
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]
    const unit = units[i]
    if (!field || unit === null || unit === undefined || !isNumericField(field)) continue
    const spec = FIELD_SPECS[field]
    if (!Object.hasOwn(spec.units, unit)) {
      return {
        ok: false,
        problem: message('import.bad-header-unit', { field, unit: printable(unit, 20), units: Object.keys(spec.units).filter(Boolean).join(', ') || '—' }),
      }
    }
  }
  if (!fields.includes('timestamp') || !fields.includes('power.draw')) {
    const missing = ['timestamp', 'power.draw'].filter((f) => !fields.includes(f as NvidiaField))
    return { ok: false, problem: message('import.no-header', { missing: missing.join(' / '), got: printable(line, 120) }) }
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
  // By hand, the shape of /^(-?\d{1,12}(?:\.\d{1,12})?) ?([A-Za-z%]{0,8})$/ (a property test holds them equal):
  // every numeric cell of a log comes through here.
  let i = cell.charCodeAt(0) === 45 ? 1 : 0
  const intFrom = i
  while (i < cell.length && isDigit(cell.charCodeAt(i))) i++
  if (i - intFrom < 1 || i - intFrom > 12) return { ok: false }
  if (cell.charCodeAt(i) === 46) {
    const fracFrom = ++i
    while (i < cell.length && isDigit(cell.charCodeAt(i))) i++
    if (i - fracFrom < 1 || i - fracFrom > 12) return { ok: false }
  }
  const numberEnd = i
  if (cell.charCodeAt(i) === 32) i++
  const unitFrom = i
  while (i < cell.length && isUnitChar(cell.charCodeAt(i))) i++
  if (i !== cell.length || i - unitFrom > 8) return { ok: false }
  return { ok: true, value: Number(cell.slice(0, numberEnd)), unit: i > unitFrom ? cell.slice(unitFrom) : null }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

/** A-Z, a-z or %. */
function isUnitChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 37
}

function isNumericField(field: NvidiaField): field is NumericField {
  return Object.hasOwn(FIELD_SPECS, field)
}

/** `2026/04/01 19:23:48.553` (nvidia-smi's format; also accepts `-` between date parts). */
export function parseTimestampCell(cell: string): LocalDateTimeParts | null {
  // nvidia-smi's own shape, `yyyy/MM/dd HH:mm:ss.SSS`, read digit by digit (every line of a log has one).
  if (cell.length === 23) {
    const fast = fixedTimestamp(cell)
    if (fast) return fast
  }
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

/** `yyyy/MM/dd HH:mm:ss.SSS` (or `-` between date parts, `T` before the time) without a regex; null for any other shape. */
function fixedTimestamp(cell: string): LocalDateTimeParts | null {
  const c4 = cell[4]
  const c7 = cell[7]
  const c10 = cell[10]
  if ((c4 !== '/' && c4 !== '-') || (c7 !== '/' && c7 !== '-') || (c10 !== ' ' && c10 !== 'T')) return null
  if (cell[13] !== ':' || cell[16] !== ':' || cell[19] !== '.') return null
  const year = digitsAt(cell, 0, 4)
  const month = digitsAt(cell, 5, 2)
  const day = digitsAt(cell, 8, 2)
  const hour = digitsAt(cell, 11, 2)
  const minute = digitsAt(cell, 14, 2)
  const second = digitsAt(cell, 17, 2)
  const millisecond = digitsAt(cell, 20, 3)
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || millisecond < 0) return null
  return { year, month, day, hour, minute, second, millisecond }
}

/** The number written by `count` decimal digits at `from`, or -1 when one is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value
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
      detail: `expected ${map.fields.length} cells, got ${cells.length}`,
    }
  }
  const timeCell = cells[map.fields.indexOf('timestamp')] ?? ''
  const time = parseTimestampCell(timeCell)
  if (!time) return { ok: false, reason: 'bad-timestamp', detail: `timestamp "${printable(timeCell, 40)}"` }
  if (time.year < PLAUSIBLE_YEARS.min || time.year > PLAUSIBLE_YEARS.max) {
    return { ok: false, reason: 'implausible-time', detail: `timestamp year ${time.year} (a log must be from ${PLAUSIBLE_YEARS.min} or later)` }
  }
  const record = emptyRecord(time)

  // A log repeats most cells line after line (uuid, name, limit, memory total, P-state): a cell
  // equal to the same column's last accepted one has the same value.
  let memo = lastAccepted.get(map)
  if (!memo) {
    memo = map.fields.map(() => ({ cell: null, value: null }))
    lastAccepted.set(map, memo)
  }
  for (let i = 0; i < cells.length; i++) {
    const field = map.fields[i]
    const cell = cells[i] ?? ''
    if (!field || field === 'timestamp') continue
    const seen = memo[i]
    if (seen && seen.cell === cell) {
      setField(record, field, seen.value)
      continue
    }
    let value: string | number | null
    if (field === 'uuid') {
      if (isMissingToken(cell)) continue
      if (!UUID_PATTERN.test(cell)) return { ok: false, reason: 'bad-uuid', detail: `uuid "${printable(cell, 40)}" is not a GPU-… or MIG-… identifier` }
      value = cell
    } else if (field === 'name') {
      value = isMissingToken(cell) ? null : sanitizeName(cell)
    } else if (field === 'pstate') {
      const m = /^P(\d{1,2})$/.exec(cell)
      if (!m || Number(m[1]) > 15) {
        if (isMissingToken(cell)) continue
        return { ok: false, reason: 'bad-value', detail: `pstate "${printable(cell, 20)}"` }
      }
      value = Number(m[1])
    } else {
      const parsed = parseNumericCell(cell)
      if (!parsed.ok) return { ok: false, reason: 'bad-value', detail: `${field} "${printable(cell, 40)}"` }
      if (parsed.value === null) continue
      const spec = FIELD_SPECS[field]
      const headerUnit = map.units[i] ?? null
      if (parsed.unit !== null && headerUnit !== null && parsed.unit !== headerUnit) {
        return { ok: false, reason: 'bad-unit', detail: `${field} "${printable(cell, 40)}" is in ${parsed.unit}, the header says ${headerUnit}` }
      }
      const unit = parsed.unit ?? headerUnit ?? spec.bare
      const factor = spec.units[unit]
      if (factor === undefined) {
        return {
          ok: false,
          reason: 'bad-unit',
          detail: `${field} "${printable(cell, 40)}": unit "${unit}" is not one of ${Object.keys(spec.units).filter(Boolean).join(', ') || 'none'}`,
        }
      }
      value = parsed.value * factor
      if (value < spec.min || value > spec.max || (spec.integer === true && !Number.isInteger(value))) {
        return {
          ok: false,
          reason: field === 'power.draw' ? 'implausible-power' : 'implausible-value',
          detail: `${field} ${parsed.value}${unit && unit !== spec.bare ? ` ${unit}` : ''} is outside ${spec.min}–${spec.max}${spec.bare ? ` ${spec.bare}` : ''}`,
        }
      }
    }
    setField(record, field, value)
    if (seen) {
      seen.cell = cell
      seen.value = value
    }
  }
  return { ok: true, record }
}

/** Per column map, each column's last accepted cell and the value it gave. */
const lastAccepted = new WeakMap<ColumnMap, { cell: string | null; value: string | number | null }[]>()

/** Sets a parsed value on the record: a string for uuid and name, a number for the rest. */
function setField(record: NvidiaRecord, field: NvidiaField, value: string | number | null): void {
  switch (field) {
    case 'uuid':
      record.uuid = typeof value === 'string' ? value : null
      break
    case 'name':
      record.name = typeof value === 'string' ? value : null
      break
    case 'pstate':
      record.pstate = typeof value === 'number' ? value : null
      break
    case 'timestamp':
      break
    default:
      if (typeof value === 'number') assign(record, field, value)
  }
}

function assign(record: NvidiaRecord, field: NumericField, value: number): void {
  switch (field) {
    case 'index':
      record.index = value
      break
    case 'power.draw':
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
      record.memUsedB = value
      break
    case 'memory.total':
      record.memTotalB = value
      break
    case 'temperature.gpu':
      record.tempC = value
      break
    case 'clocks.sm':
      record.smClockMhz = value
      break
  }
}

/** A cell quoted in a message: printable characters only, bounded. */
function printable(cell: string, max: number): string {
  return (sanitizeName(cell) ?? '').slice(0, max)
}
