/** Wall-clock time, injected so that tests and end-to-end specs can pin "now". */
export interface Clock {
  /** ms since the Unix epoch (UTC). */
  nowMs(): number
}

export const systemClock: Clock = { nowMs: () => Date.now() }

/** A clock that reads `startMs` when the real clock reads `realStartMs`, and runs at real speed from there. */
export function shiftedClock(startMs: number, realStartMs: number, real: Clock = systemClock): Clock {
  const offsetMs = startMs - realStartMs
  return { nowMs: () => real.nowMs() + offsetMs }
}
