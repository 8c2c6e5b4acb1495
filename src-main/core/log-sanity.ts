/** A power reading that never moves while the GPU clearly works is a stuck sensor, not a flat load. */
export interface FrozenPowerFinding {
  powerW: number
  readings: number
  durationS: number
}

const MIN_READINGS = 100
const MIN_DURATION_S = 60

/**
 * Flags a log whose power.draw has one single value over at least 100 readings and a minute
 * while the temperature or utilisation changes (seen in a real 12,792-row log frozen at 46.19 W).
 */
export function detectFrozenPower(
  readings: readonly { tMs: number; powerW: number | null; tempC: number | null; utilPct: number | null }[],
): FrozenPowerFinding | null {
  const powered = readings.filter((r) => r.powerW !== null)
  const first = powered[0]
  const last = powered[powered.length - 1]
  if (!first || !last || powered.length < MIN_READINGS) return null
  const durationS = (last.tMs - first.tMs) / 1000
  if (durationS < MIN_DURATION_S || powered.some((r) => r.powerW !== first.powerW)) return null
  const varies = (values: (number | null)[]): boolean => new Set(values.filter((v) => v !== null)).size > 1
  if (!varies(powered.map((r) => r.tempC)) && !varies(powered.map((r) => r.utilPct))) return null
  return { powerW: first.powerW ?? 0, readings: powered.length, durationS }
}

/**
 * Rows of several GPUs logged without an index or uuid column come in bursts a few ms apart
 * (one row per GPU), then the logging interval. Integrating them as one GPU is wrong, so say so.
 * True when over 30% of the intervals are under 1/20 of the 90th-percentile interval.
 */
export function looksInterleaved(timesMs: readonly number[]): boolean {
  if (timesMs.length < 4) return false
  const intervals = timesMs
    .slice(1)
    .map((t, i) => t - (timesMs[i] ?? t))
    .sort((a, b) => a - b)
  const p90 = intervals[Math.floor(intervals.length * 0.9)] ?? 0
  if (p90 <= 0) return false
  const tiny = intervals.filter((d) => d < p90 / 20).length
  return tiny / intervals.length > 0.3
}
