import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { badInput } from '../../contract/errors.ts'
import { archiveName } from '../../logging/archive.ts'
import { KEPT_ARCHIVES, LOG_DOORS, logDir, logFileOf, type LogDoor } from '../../logging/log-config.ts'
import type { CliIo } from './local.ts'

/** Bytes read from a file's end for `--tail` (a file holds at most about 1 MB). */
const TAIL_BYTES = 2 * 1024 * 1024

const sizeOf = (path: string): number | null => {
  try {
    return statSync(path).size
  } catch {
    return null
  }
}

/** The last `count` lines of a file (none when it does not exist). */
export function tailLines(path: string, count: number): string[] {
  const size = sizeOf(path)
  if (!size || count <= 0) return []
  const length = Math.min(size, TAIL_BYTES)
  const buffer = Buffer.alloc(length)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, buffer, 0, length, size - length)
  } finally {
    closeSync(fd)
  }
  const lines = buffer.toString('utf8').split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines.slice(-count)
}

/**
 * `wattprint logs`: the log folder and each door's current file (and its archives); with
 * `--tail N`, the last N lines of each file that exists (or of `--door`'s only). Writes nothing.
 */
export function runLogs(values: { tail?: string | undefined; door?: LogDoor | undefined; json?: boolean | undefined }, io: CliIo): number {
  const tail = values.tail === undefined ? null : Number(values.tail)
  if (tail !== null && !(Number.isInteger(tail) && tail > 0))
    throw badInput('cli.bad-arguments', { detail: `--tail: "${values.tail ?? ''}" is not a number of lines (1 or more)` })
  const doors = values.door ? [values.door] : LOG_DOORS
  const files = doors.map((door) => {
    const path = logFileOf(door)
    const archives = Array.from({ length: KEPT_ARCHIVES }, (_, i) => archiveName(path, i + 1)).filter((a) => sizeOf(a) !== null)
    return { door, path, bytes: sizeOf(path), archives, ...(tail !== null ? { tail: tailLines(path, tail) } : {}) }
  })
  if (values.json) {
    io.out(JSON.stringify({ dir: logDir(), files }, null, 2))
    return 0
  }
  const text = [`log folder: ${logDir()}`]
  for (const f of files) {
    const state = f.bytes === null ? 'not written yet' : `${f.bytes} bytes${f.archives.length ? `, ${f.archives.length} archive(s)` : ''}`
    text.push(`${f.door}: ${f.path} (${state})`)
  }
  for (const f of files) if (f.tail?.length) text.push('', `==> ${f.path} <==`, ...f.tail)
  io.out(text.join('\n'))
  return 0
}
