/** How long a GPU must draw power at 0 % use before it is called stuck. */
export const STUCK_HOLD_MS = 10 * 60_000

/** Readings further apart than this break the watch (sleep, a pause, a restart): it starts again. */
export const DEFAULT_MAX_READING_GAP_MS = 60_000

export interface StuckWatch {
  /** Since when the device has drawn more than the threshold at 0 % use; null when it has not. */
  sinceMs: number | null
  lastMs: number | null
  /** Already reported for this stretch (re-armed once the device is used or drops below the threshold). */
  reported: boolean
}

export const IDLE_WATCH: StuckWatch = { sinceMs: null, lastMs: null, reported: false }

/**
 * One reading into a device's watch: "more than `thresholdW` at 0 % use for 10 minutes" (a
 * process holding the GPU awake, a miner, a game left open). Utilisation unknown never counts as
 * 0 %: a source without the figure cannot say the GPU does nothing. `report` is true once per stretch.
 */
export function watchReading(
  watch: StuckWatch,
  reading: { tMs: number; powerW: number | null; utilPct: number | null },
  thresholdW: number,
  holdMs = STUCK_HOLD_MS,
  /** Longer gaps between readings break the watch; the caller scales it with the polling interval. */
  maxGapMs = DEFAULT_MAX_READING_GAP_MS,
): { watch: StuckWatch; report: boolean } {
  const stuckNow = reading.powerW !== null && reading.powerW > thresholdW && reading.utilPct === 0
  const continuous = watch.lastMs !== null && reading.tMs - watch.lastMs <= maxGapMs && reading.tMs >= watch.lastMs
  if (!stuckNow) return { watch: { sinceMs: null, lastMs: reading.tMs, reported: false }, report: false }
  const sinceMs = continuous && watch.sinceMs !== null ? watch.sinceMs : reading.tMs
  const reported = continuous ? watch.reported : false
  const due = !reported && reading.tMs - sinceMs >= holdMs
  return { watch: { sinceMs, lastMs: reading.tMs, reported: reported || due }, report: due }
}
