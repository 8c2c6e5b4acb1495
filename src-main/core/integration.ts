/** A power reading at a point in time; null power means the reading was missing. */
export interface PowerPoint {
  tMs: number
  powerW: number | null
}

export type IntervalOutcome =
  | { kind: 'energy'; energyJ: number; durationS: number }
  /** Longer than maxGapS (sleep, suspend, crash): not bridged. */
  | { kind: 'gap'; durationS: number }
  /** One end has no power reading: the interval is unknown, not zero. */
  | { kind: 'missing'; durationS: number }
  /** Time did not move forward (duplicate or out-of-order reading). */
  | { kind: 'non-increasing'; durationS: number }

/**
 * Energy of the interval between two readings by the trapezoid rule, J.
 * The trapezoid is exact for power that changes linearly between readings and makes energy
 * additive: integrating [a,c] equals integrating [a,b] plus [b,c] at any reading b.
 */
export function intervalEnergy(prev: PowerPoint, next: PowerPoint, maxGapS: number): IntervalOutcome {
  const durationS = (next.tMs - prev.tMs) / 1000
  if (!(durationS > 0)) return { kind: 'non-increasing', durationS }
  if (durationS > maxGapS) return { kind: 'gap', durationS }
  if (prev.powerW === null || next.powerW === null) return { kind: 'missing', durationS }
  return { kind: 'energy', energyJ: ((prev.powerW + next.powerW) / 2) * durationS, durationS }
}

export interface IntegrationTotals {
  energyJ: number
  /** Seconds covered by intervals that produced energy. */
  integratedS: number
  gaps: number
  missingIntervals: number
  nonIncreasing: number
}

/** Integrates a time-ordered series of readings of one device. */
export function integrateSeries(points: readonly PowerPoint[], maxGapS: number): IntegrationTotals {
  const totals: IntegrationTotals = { energyJ: 0, integratedS: 0, gaps: 0, missingIntervals: 0, nonIncreasing: 0 }
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]
    const next = points[i]
    if (!prev || !next) continue
    const outcome = intervalEnergy(prev, next, maxGapS)
    switch (outcome.kind) {
      case 'energy':
        totals.energyJ += outcome.energyJ
        totals.integratedS += outcome.durationS
        break
      case 'gap':
        totals.gaps++
        break
      case 'missing':
        totals.missingIntervals++
        break
      case 'non-increasing':
        totals.nonIncreasing++
        break
    }
  }
  return totals
}
