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
