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

/**
 * Parses a log written by `nvidia-smi --query-gpu=... --format=csv[,nounits] -l N` (header line
 * required; columns in any order; units in the header or in the values). Bad lines are counted
 * by reason, never fatal; a missing or unusable header is.
 */
export function parseNvidiaSmiLog(text: string): { ok: true; log: ParsedLog } | { ok: false; problem: Message } {
  const lines = text.split(/\r?\n/)
  const headerIndex = lines.findIndex((l) => l.trim() !== '')
  if (headerIndex < 0) return { ok: false, problem: message('import.empty') }
  const headerLine = lines[headerIndex] ?? ''
  const header = parseHeader(headerLine)
  if (!header.ok) {
    const looksLikeData = /^\d{4}[/-]\d{2}[/-]\d{2}/.test(headerLine.trim())
    return { ok: false, problem: looksLikeData ? message('import.noheader-log') : header.problem }
  }
  const log: ParsedLog = { map: header.map, records: [], skipped: {} }
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line.trim() === '') continue
    // nvidia-smi repeats the header when a logging run is restarted into the same file.
    if (line === headerLine) {
      tally(log, 'repeated-header', i + 1, line)
      continue
    }
    const result = parseRecord(line, header.map)
    if (result.ok) log.records.push({ line: i + 1, record: result.record })
    else tally(log, result.reason, i + 1, result.detail)
  }
  return { ok: true, log }
}

function tally(log: ParsedLog, reason: SkipReason | 'repeated-header', line: number, example: string): void {
  const entry = log.skipped[reason]
  if (entry) entry.count++
  else log.skipped[reason] = { count: 1, firstLine: line, example }
}
