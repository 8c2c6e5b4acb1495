import { basename } from 'node:path'
import type { AppContext } from '../api/context.ts'
import type { ImportSummary } from '../contract/history.ts'
import { formatText } from '../contract/messages.ts'
import type { LogLines } from './file-log.ts'
import { logTelemetryTransitions } from './telemetry-transitions.ts'

/** Node's, or Electron's and its Node's. */
export function runtimeOf(versions: NodeJS.ProcessVersions = process.versions): string {
  return versions.electron ? `Electron ${versions.electron} (Node ${versions.node})` : `Node ${versions.node}`
}

/** The first line a run writes: what runs, where, on what (the database path is scrubbed like every line). */
export function startLine(facts: { version: string; door: string; command?: string; dbPath: string | null }): string {
  const what = facts.command ? `${facts.door} ${facts.command}` : facts.door
  return `start Wattprint ${facts.version} (${what}) on ${process.platform} ${process.arch}, ${runtimeOf()}, database ${facts.dbPath ?? '(none)'}`
}

/**
 * What a context tells the log: its storage notes (a damaged database moved aside) now, then each
 * telemetry source's transitions. Returns the unsubscribe.
 */
export function logContext(log: LogLines, context: Pick<AppContext, 'storageNotes' | 'bus'>): () => void {
  for (const note of context.storageNotes) log.warn(`storage: ${formatText('en', note)}`)
  return logTelemetryTransitions(context.bus, log)
}

/** An import's result: counts and the file's name only (never its folder). */
export function logImport(log: LogLines, summary: Pick<ImportSummary, 'file' | 'rows' | 'imported' | 'alreadyStored' | 'devices' | 'warnings'>): void {
  const name = basename(summary.file.replace(/\\/g, '/'))
  log.info(
    `import ${name}: ${summary.imported} readings imported, ${summary.alreadyStored} already stored, ${summary.rows} rows, ${summary.devices.length} device(s), ${summary.warnings.length} warning(s)`,
  )
}

/**
 * Uncaught exceptions and unhandled rejections at error level, without changing what the process
 * does with them (a monitor, and the warning Node prints where rejections only warn, as in
 * Electron). Returns the unsubscribe.
 */
export function logUncaught(log: LogLines): () => void {
  const onError = (error: Error, origin: string): void =>
    log.error(`${origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception'}: ${error?.stack ?? String(error)}`)
  const onWarning = (warning: Error): void => {
    if (warning.name === 'UnhandledPromiseRejectionWarning' && !warning.message.startsWith('Unhandled promise rejection.'))
      log.error(`unhandled rejection: ${warning.message}`)
  }
  process.on('uncaughtExceptionMonitor', onError)
  process.on('warning', onWarning)
  return () => {
    process.off('uncaughtExceptionMonitor', onError)
    process.off('warning', onWarning)
  }
}
