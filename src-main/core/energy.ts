import type { EnergyMethod } from '../contract/telemetry.ts'
import { intervalEnergy } from './integration.ts'

/** What the recorder keeps of a device's previous reading. */
export interface EnergyPoint {
  wallMs: number
  /** Monotonic clock, ms: intervals are timed by it, so a wall-clock step is not energy. */
  monoMs: number
  powerW: number | null
  energyCounterJ: number | null
  counterRangeJ: number | null
}

export type IntervalResult =
  /** Energy of the interval ending at `next`, and how it is known. */
  | { kind: 'energy'; energyJ: number; durationS: number; method: EnergyMethod }
  /** Longer than maxGapS (sleep, suspend, a crash), or a wall-clock step: not bridged. */
  | { kind: 'gap'; durationS: number }
  /** Not known: no counter, and a power reading missing at one end. */
  | { kind: 'unknown'; durationS: number }
  /** The same instant again, or earlier while no real time passed: drop it. */
  | { kind: 'repeat' }

/** A counter that went down from above this share of its range wrapped; from below, it was reset. */
const WRAP_SLACK = 0.5
/** A counter step implying more than this mean power is not energy (a glitch or a re-based counter). */
const MAX_PLAUSIBLE_COUNTER_W = 20_000

/**
 * The energy between two readings of one device. A hardware energy counter is preferred: its
 * difference is the energy, whatever the power did between readings. A counter that went down has
 * either wrapped (RAPL: back to 0 after `counterRangeJ`) — the range is added — or been reset (a
 * driver reload zeroes NVML's): that interval falls back to the trapezoid of sampled power. Without
 * a counter, power is integrated by the trapezoid rule. Gaps longer than `maxGapS`, and wall-clock
 * steps (wall and monotonic time disagree), are not bridged.
 */
export function energyBetween(prev: EnergyPoint, next: EnergyPoint, maxGapS: number): IntervalResult {
  const wallMs = next.wallMs - prev.wallMs
  const monoMs = next.monoMs - prev.monoMs
  if (wallMs <= 0 && monoMs < 100) return { kind: 'repeat' }
  const durationS = monoMs / 1000
  // The wall clock stepped (NTP, a manual change, DST bugs): start afresh from here.
  if (wallMs <= 0 || Math.abs(wallMs - monoMs) > Math.max(5000, monoMs / 2)) return { kind: 'gap', durationS }
  if (durationS > maxGapS) return { kind: 'gap', durationS }
  if (prev.energyCounterJ !== null && next.energyCounterJ !== null) {
    let delta = next.energyCounterJ - prev.energyCounterJ
    const range = next.counterRangeJ ?? prev.counterRangeJ
    if (delta < 0 && range !== null && prev.energyCounterJ > range * WRAP_SLACK) delta += range
    // Still negative, or implausibly large: the counter restarted (driver reload); use power for this interval.
    if (delta >= 0 && Number.isFinite(delta) && delta <= MAX_PLAUSIBLE_COUNTER_W * Math.max(durationS, 0.001)) {
      return { kind: 'energy', energyJ: delta, durationS, method: 'counter' }
    }
  }
  const trapezoid = intervalEnergy({ tMs: 0, powerW: prev.powerW }, { tMs: monoMs, powerW: next.powerW }, maxGapS)
  if (trapezoid.kind === 'energy') return { kind: 'energy', energyJ: trapezoid.energyJ, durationS, method: 'sampled-power' }
  return { kind: 'unknown', durationS }
}
