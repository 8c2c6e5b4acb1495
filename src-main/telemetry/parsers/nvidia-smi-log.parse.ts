import { message, type Message } from '../../contract/messages.ts'
import { parseHeader, parseRecord, type ColumnMap, type NvidiaRecord, type SkipReason } from './nvidia-smi-csv.parse.ts'

export interface SkipTally {
  count: number
  /** 1-based line number of the first such line, and why. */
  firstLine: number
  example: string
}

export interface ParsedLog {
  map: ColumnMap
  records: { line: number; record: NvidiaRecord }[]
  skipped: Partial<Record<SkipReason | 'repeated-header', SkipTally>>
}

/** A log read record by record: what was skipped and the column map; the records went to the caller. */
export type StreamedLog = Omit<ParsedLog, 'records'> & { records: number }

/**
 * Parses a log written by `nvidia-smi --query-gpu=... --format=csv[,nounits] -l N` (header line
 * required; columns in any order; units in the header or in the values). Bad lines are counted
 * by reason, never fatal; a missing or unusable header is.
 */
export function parseNvidiaSmiLog(text: string): { ok: true; log: ParsedLog } | { ok: false; problem: Message } {
  const records: ParsedLog['records'] = []
  const streamed = streamNvidiaSmiLog(text, (record, line) => records.push({ line, record }))
  return streamed.ok ? { ok: true, log: { ...streamed.log, records } } : streamed
}

/**
 * The same, each record handed to `onRecord` as it is read and not kept: an import of millions
 * of lines holds neither the lines nor the records (a 57 MB log took 560 MB when it held both).
 */
export function streamNvidiaSmiLog(
  text: string,
  onRecord: (record: NvidiaRecord, line: number) => void,
): { ok: true; log: StreamedLog } | { ok: false; problem: Message } {
  const lines = lineReader(text)
  const nextLine = (): string | null => lines.next()
  let headerLine: string | null = null
  for (let line = nextLine(); line !== null; line = nextLine()) {
    if (!isBlank(line)) {
      headerLine = line
      break
    }
  }
  if (headerLine === null) return { ok: false, problem: message('import.empty') }
  const header = parseHeader(headerLine)
  if (!header.ok) {
    const looksLikeData = /^\d{4}[/-]\d{2}[/-]\d{2}/.test(headerLine.trim())
    return { ok: false, problem: looksLikeData ? message('import.noheader-log') : header.problem }
  }
  const log: StreamedLog = { map: header.map, records: 0, skipped: {} }
  for (let line = nextLine(); line !== null; line = nextLine()) {
    if (isBlank(line)) continue
    // nvidia-smi repeats the header when a logging run is restarted into the same file.
    if (line === headerLine) {
      tally(log, 'repeated-header', lines.lineNo, line)
      continue
    }
    const result = parseRecord(line, header.map)
    if (result.ok) {
      log.records++
      onRecord(result.record, lines.lineNo)
    } else tally(log, result.reason, lines.lineNo, result.detail)
  }
  return { ok: true, log }
}

/**
 * A text line by line without splitting it (a log of millions of lines is not copied into an
 * array): `next()` gives the next line without its \n or \r\n, null at the end, as
 * `text.split(/\r?\n/)` would (a last empty line after a final newline aside); `lineNo` is the
 * 1-based number of the line it gave last.
 */
export function lineReader(text: string): { next(): string | null; readonly lineNo: number } {
  let from = 0
  let lineNo = 0
  return {
    get lineNo() {
      return lineNo
    },
    next() {
      if (from > text.length || (from === text.length && lineNo > 0 && text.endsWith('\n'))) return null
      const end = text.indexOf('\n', from)
      const stop = end < 0 ? text.length : end
      const line = text.slice(from, stop > from && text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop)
      from = end < 0 ? text.length + 1 : end + 1
      lineNo++
      return line
    },
  }
}

/** Only spaces, tabs or nothing (without the copy that trim() makes of every line). */
export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12 && c !== 0xa0 && c !== 0xfeff) return line.trim() === ''
  }
  return true
}

function tally(log: StreamedLog, reason: SkipReason | 'repeated-header', line: number, example: string): void {
  const entry = log.skipped[reason]
  if (entry) entry.count++
  else log.skipped[reason] = { count: 1, firstLine: line, example }
}
