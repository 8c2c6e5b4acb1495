import { shiftedClock, systemClock, type Clock } from '../core/clock.ts'

/**
 * The clock of the headless host, the CLI and the fake nvidia-smi: the system's, unless
 * `WATTPRINT_NOW` (an ISO 8601 instant) pins it for a test. `WATTPRINT_NOW_AT` (epoch ms) says
 * when, in real time, that instant was "now", so that several processes share one shifted clock;
 * without it, the pinned instant is when the process started. Time runs on at real speed.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env, startedMs = Date.now()): Clock {
  const pinned = env.WATTPRINT_NOW
  if (!pinned) return systemClock
  const startMs = Date.parse(pinned)
  if (Number.isNaN(startMs)) throw new Error(`WATTPRINT_NOW: "${pinned}" is not an ISO 8601 instant`)
  const at = env.WATTPRINT_NOW_AT === undefined ? startedMs : Number(env.WATTPRINT_NOW_AT)
  if (!Number.isFinite(at)) throw new Error(`WATTPRINT_NOW_AT: "${env.WATTPRINT_NOW_AT}" is not epoch milliseconds`)
  return shiftedClock(startMs, at)
}
