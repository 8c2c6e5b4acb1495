import { app } from 'electron'
// electron-log's Node flavour, as in the CLI and host: electron-log/main would also listen on an IPC
// channel (__ELECTRON_LOG__) for renderer logs, which the sandboxed renderer has no use for.
import log from 'electron-log/node'
import type { AppContext } from '../api/context.ts'
import { configureFileLog, type FileLog } from '../logging/file-log.ts'
import { logDir, logFileOf } from '../logging/log-config.ts'
import type { ImportSummary } from '../contract/history.ts'
import { logContext, logImport, logUncaught, startLine } from '../logging/session.ts'

let file: FileLog | null = null

// Configured on first use, before the context exists, so a database that cannot be opened is logged too.
function appFileLog(): FileLog {
  file ??= configureFileLog(log, { door: 'app' })
  return file
}

/** The desktop app's current log file (app.log in the log folder). */
export function logFilePath(): string {
  return logFileOf('app')
}

/** The log folder (every door's files, WATTPRINT_LOG_DIR honoured), for "Reveal logs". */
export function logFolderPath(): string {
  return logDir()
}

/**
 * Starts the desktop app's log: the start line, the storage notes, each telemetry source's
 * transitions and uncaught errors; the stop line is written when the app quits (or by `stop()`).
 */
export function startAppLog(context: AppContext): { filePath: string; stop(): void } {
  const lines = appFileLog()
  lines.info(startLine({ version: context.info.version, door: 'app', dbPath: context.info.dbPath }))
  const unsubscribe = logContext(lines, context)
  const stopUncaught = logUncaught(lines)
  let stopped = false
  const stop = (): void => {
    if (stopped) return
    stopped = true
    unsubscribe()
    lines.info('stop')
    stopUncaught()
  }
  app.once('will-quit', stop)
  return { filePath: logFilePath(), stop }
}

/** A line for the desktop app's log from outside the context (autostart, window place): scrubbed like every other. */
export function appLog(): FileLog {
  return appFileLog()
}

/** A failure before or outside the context (the database refused at start), at error level. */
export function logAppError(what: string, error: unknown): void {
  appFileLog().error(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
}

/** An import's result through the window (counts and the file's name only), for ipc.ts. */
export function logAppImport(summary: ImportSummary): void {
  logImport(appFileLog(), summary)
}
