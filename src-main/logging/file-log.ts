import { formatWithOptions } from 'node:util'
import type ElectronLog from 'electron-log'
import { archiveLog } from './archive.ts'
import { KEPT_ARCHIVES, logFileOf, logLevel, MAX_LOG_BYTES, type LogDoor } from './log-config.ts'
import { Scrubber } from './scrub.ts'

/** The lines a door writes (every one scrubbed). */
export interface LogLines {
  info(text: string): void
  warn(text: string): void
  error(text: string): void
}

/** A door's log: where it writes (null: no file), its lines, and the scrubber (to add the host's token). */
export interface FileLog extends LogLines {
  readonly door: LogDoor
  readonly filePath: string | null
  readonly scrubber: Scrubber
}

export interface FileLogOptions {
  door: LogDoor
  env?: NodeJS.ProcessEnv
  /** Bytes before a file is archived (tests: a few hundred). */
  maxBytes?: number
  keep?: number
  scrubber?: Scrubber
  /** Where the one warning goes when the file cannot be written (default: stderr). */
  warn?: (text: string) => void
}

/** The electron-log logger both doors configure: `electron-log/node`'s or `electron-log/main`'s default one. */
export type ElectronLogger = ElectronLog.NodeLogger

/**
 * Points electron-log's default logger at the door's file with the shared line format
 * (`[ISO time] [level] [pid] text`), size rotation into numbered archives, scrubbing of every line,
 * and nothing on the console. Its own default instance is used because electron-log reports file
 * errors to the console transport of the first logger made; here that transport turns the first
 * error into one warning and stops writing the file: logging degrades, the app goes on.
 */
export function configureFileLog(logger: ElectronLogger, options: FileLogOptions): FileLog {
  const env = options.env ?? process.env
  const level = logLevel(env)
  const filePath = level === false ? null : logFileOf(options.door, env)
  const scrubber = options.scrubber ?? new Scrubber()
  const warn = options.warn ?? ((text: string) => process.stderr.write(`${text}\n`))
  const file = logger.transports.file
  let warned = false

  const onProblem = (data: readonly unknown[]): void => {
    file.level = false
    if (warned) return
    warned = true
    const error = data.find((d): d is NodeJS.ErrnoException => d instanceof Error)
    const detail = error?.code ?? error?.message ?? data.map(String).join(' ')
    try {
      warn(`wattprint: cannot write the log in ${filePath ?? '(none)'} (${detail}); going on without a log file`)
    } catch {
      // stderr gone too: nothing left to tell.
    }
  }
  const consoleTransport = Object.assign((message: ElectronLog.LogMessage) => onProblem(message.data), {
    level: false as const,
    transforms: [],
    writeFn: ({ message }: { message: ElectronLog.LogMessage }) => onProblem(message.data),
  })
  logger.transports.console = consoleTransport as unknown as ElectronLog.ConsoleTransport
  for (const name of ['ipc', 'remote'] as const) {
    const transport = logger.transports[name]
    if (transport) transport.level = false
  }

  file.level = level
  file.maxSize = options.maxBytes ?? MAX_LOG_BYTES
  file.resolvePathFn = () => filePath ?? logFileOf(options.door, env)
  file.format = ({ data, level: lineLevel, message }) => [formatLine(message.date, lineLevel, data)]
  file.archiveLogFn = (old) => {
    if (!archiveLog(old.toString(), options.keep ?? KEPT_ARCHIVES)) old.clear()
  }
  logger.hooks = [
    (message) => {
      try {
        return { ...message, data: message.data.map((d) => scrubber.scrub(asText(d))) }
      } catch {
        return false
      }
    },
  ]

  return {
    door: options.door,
    filePath,
    scrubber,
    info: (text) => logger.info(text),
    warn: (text) => logger.warn(text),
    error: (text) => logger.error(text),
  }
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`
  return formatWithOptions({ depth: 3, breakLength: Infinity }, '%O', value)
}

/** One entry: `[2026-11-02T10:00:00.000Z] [info] [4242] text`, its further lines indented. */
export function formatLine(date: Date, level: string, data: readonly unknown[]): string {
  const when = Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString()
  const text = data.map(String).join(' ').replace(/\r?\n/g, '\n  ')
  return `[${when}] [${level}] [${process.pid}] ${text}`
}
