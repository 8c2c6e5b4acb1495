import { DateTime } from 'luxon'

/** A wall-clock reading without a zone, as tools like nvidia-smi print it. */
export interface LocalDateTimeParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  millisecond: number
}

/**
 * Epoch ms of a zone-less wall-clock time read in `zone` (IANA name, e.g. "Europe/Paris"), or in
 * the system zone when `zone` is undefined. Null for an invalid date or an unknown zone.
 * In the hour repeated when clocks go back, the earlier instant is taken.
 */
export function epochMsFromLocalParts(parts: LocalDateTimeParts, zone?: string): number | null {
  // A zone's offset never changes inside a minute: a log's readings of one minute ask luxon once.
  const { second, millisecond } = parts
  if (Number.isInteger(second) && second >= 0 && second <= 59 && Number.isInteger(millisecond) && millisecond >= 0 && millisecond <= 999) {
    const key = `${zone ?? ''}|${parts.year}|${parts.month}|${parts.day}|${parts.hour}|${parts.minute}`
    if (key !== lastMinute.key) lastMinute = { key, startMs: minuteStartMs(parts, zone) }
    return lastMinute.startMs === null ? null : lastMinute.startMs + second * 1000 + millisecond
  }
  const dt = DateTime.fromObject(parts, zone === undefined ? {} : { zone })
  return dt.isValid ? dt.toMillis() : null
}

let lastMinute: { key: string; startMs: number | null } = { key: '', startMs: null }

function minuteStartMs(parts: LocalDateTimeParts, zone: string | undefined): number | null {
  const dt = DateTime.fromObject({ ...parts, second: 0, millisecond: 0 }, zone === undefined ? {} : { zone })
  return dt.isValid ? dt.toMillis() : null
}

/** True when `zone` is an IANA zone name this runtime knows. */
export function isKnownZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid
}

/** Local midnight that starts the day containing `tMs`, in the system zone. */
export function startOfLocalDayMs(tMs: number): number {
  return DateTime.fromMillis(tMs).startOf('day').toMillis()
}

/** Local midnight that ends the day containing `tMs` (23 or 25 hours after its start on the days clocks change). */
export function endOfLocalDayMs(tMs: number): number {
  return DateTime.fromMillis(tMs).startOf('day').plus({ days: 1 }).toMillis()
}

/** Local calendar date of `tMs` as YYYY-MM-DD, in the system zone. */
export function localDateKey(tMs: number): string {
  // Zone offsets are whole minutes: a minute lies in one local day. The recorder asks for every
  // reading, so the last minute's answer is kept (per TZ, which tests and users may change).
  const minute = Math.floor(tMs / 60_000)
  const tz = globalThis.process?.env?.TZ
  if (minute === lastDateKey.minute && tz === lastDateKey.tz) return lastDateKey.key
  const key = DateTime.fromMillis(tMs).toFormat('yyyy-MM-dd')
  lastDateKey = { minute, tz, key }
  return key
}

let lastDateKey: { minute: number; tz: string | undefined; key: string } = { minute: Number.NaN, tz: undefined, key: '' }

/** Local midnight of a YYYY-MM-DD date, in the system zone. */
export function startOfLocalDateMs(date: string): number {
  // A year of day buckets asks for the same few hundred dates again and again: remembered per TZ.
  const key = `${globalThis.process?.env?.TZ ?? ''}|${date}`
  let ms = dayStarts.get(key)
  if (ms === undefined) {
    ms = DateTime.fromISO(date).startOf('day').toMillis()
    if (dayStarts.size >= 4096) dayStarts.clear()
    dayStarts.set(key, ms)
  }
  return ms
}

const dayStarts = new Map<string, number>()

/**
 * The one reading of a date or time typed by a person, for every door (CLI flags, scenario files,
 * API requests): ISO 8601; a date alone (2026-11-01) is local midnight, a time without an offset
 * is local time, a time with `Z` or an offset is that instant. Null when it is not ISO 8601.
 */
export function parseInstant(text: string): number | null {
  const dt = DateTime.fromISO(text.trim())
  return dt.isValid ? dt.toMillis() : null
}
