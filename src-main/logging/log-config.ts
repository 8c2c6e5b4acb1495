import { join } from 'node:path'
import { userDataDir } from '../store/paths.ts'

/** Who writes a log: the desktop app, the headless host (`serve`) or the other CLI commands. */
export type LogDoor = 'app' | 'host' | 'cli'
export const LOG_DOORS: readonly LogDoor[] = ['app', 'host', 'cli']

/**
 * One file per door: the app and `serve` run for days beside short CLI runs, and two processes
 * rotating one file race (one renames it while the other still counts its size and appends to it).
 * CLI runs share cli.log; they are short, and a lost race there only shifts an archive early.
 */
export const LOG_FILE_OF: Readonly<Record<LogDoor, string>> = { app: 'app.log', host: 'host.log', cli: 'cli.log' }

/** A log file is archived when it passes this size, bytes. */
export const MAX_LOG_BYTES = 1024 * 1024
/** Archives kept per door (`cli.1.log` newest … `cli.3.log` oldest). */
export const KEPT_ARCHIVES = 3

export const LOG_LEVELS = ['error', 'warn', 'info', 'verbose', 'debug', 'silly'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The log folder: `WATTPRINT_LOG_DIR` when set (tests), else `logs/` in the per-user data folder. */
export function logDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.WATTPRINT_LOG_DIR || join(userDataDir(env), 'logs')
}

/** A door's current log file. */
export function logFileOf(door: LogDoor, env: NodeJS.ProcessEnv = process.env): string {
  return join(logDir(env), LOG_FILE_OF[door])
}

/** `WATTPRINT_LOG_LEVEL`: one of LOG_LEVELS, or `off` for no file; anything else is `info`. */
export function logLevel(env: NodeJS.ProcessEnv = process.env): LogLevel | false {
  const wanted = env.WATTPRINT_LOG_LEVEL?.trim().toLowerCase()
  if (wanted === 'off' || wanted === 'false' || wanted === 'none') return false
  return LOG_LEVELS.find((l) => l === wanted) ?? 'info'
}
