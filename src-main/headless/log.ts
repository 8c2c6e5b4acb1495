import log from 'electron-log/node'
import { configureFileLog, type FileLog, type LogLines } from '../logging/file-log.ts'
import { logUncaught, startLine } from '../logging/session.ts'

let current: (FileLog & { stopUncaught: () => void }) | null = null

/**
 * Starts this process's log (once; `serve` writes host.log, the other commands cli.log) with its
 * start line. Nothing reaches stdout or stderr but one warning if the file cannot be written.
 */
export function startNodeLog(facts: { door: 'host' | 'cli'; version: string; command: string; dbPath: string | null }, env = process.env): FileLog {
  if (current) return current
  const file = configureFileLog(log, { door: facts.door, env })
  file.info(startLine(facts))
  current = { ...file, stopUncaught: logUncaught(file) }
  return current
}

/** The lines of this process's log; before `startNodeLog` they go nowhere. */
export function nodeLog(): LogLines {
  return current ?? NO_LOG
}

/** A secret no line may carry (the host's token), replaced by `…` wherever it appears. */
export function addLogSecret(secret: string): void {
  current?.scrubber.addSecret(secret)
}

/** The stop line, with the exit code. */
export function stopNodeLog(exitCode: number): void {
  if (!current) return
  current.info(`stop (exit code ${exitCode})`)
  current.stopUncaught()
  current = null
}

const NO_LOG: LogLines = { info: () => undefined, warn: () => undefined, error: () => undefined }
