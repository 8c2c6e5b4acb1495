import type { ValueRange } from '../contract/models.ts'
import type { Factor } from '../contract/provenance.ts'
import { rangeOf } from './footprint.ts'

/** J → Wh. */
const WH_PER_J = 1 / 3600

/** One interval's energy on the monotonic clock (the recorder's `onInterval`). */
export interface TimedInterval {
  deviceId: string
  endMonoMs: number
  durationS: number
  energyJ: number
}

/**
 * The energy of a window [fromMs, toMs) on the monotonic clock: every interval that overlaps it,
 * pro rata of the overlap (power taken as even within an interval, so a window edge inside an
 * interval takes its share). `devices` limits which devices count.
 */
export function energyInWindow(intervals: readonly TimedInterval[], fromMs: number, toMs: number, devices?: ReadonlySet<string>): number {
  return measuredInWindow(intervals, fromMs, toMs, devices).energyJ
}

/**
 * The energy of a window and how many seconds of it readings cover (summed over devices): idle
 * is subtracted only for covered time, so a window whose tail has no reading yet is not charged
 * idle power it never measured.
 */
export function measuredInWindow(
  intervals: readonly TimedInterval[],
  fromMs: number,
  toMs: number,
  devices?: ReadonlySet<string>,
): { energyJ: number; coveredS: number } {
  let energyJ = 0
  let coveredMs = 0
  for (const iv of intervals) {
    if (devices && !devices.has(iv.deviceId)) continue
    const startMs = iv.endMonoMs - iv.durationS * 1000
    const overlapMs = Math.min(iv.endMonoMs, toMs) - Math.max(startMs, fromMs)
    if (overlapMs <= 0 || iv.durationS <= 0) continue
    energyJ += iv.energyJ * (overlapMs / (iv.durationS * 1000))
    coveredMs += overlapMs
  }
  return { energyJ, coveredS: coveredMs / 1000 }
}

/** Whether readings already cover the window up to `toMs` on every device (so its energy is complete). */
export function windowCovered(intervals: readonly TimedInterval[], toMs: number, devices: ReadonlySet<string>): boolean {
  return [...devices].every((d) => intervals.some((iv) => iv.deviceId === d && iv.endMonoMs >= toMs))
}

/** One response as measured. */
export interface ResponseEnergy {
  promptTokens: number | null
  outputTokens: number | null
  durationS: number
  promptMs: number | null
  generationMs: number | null
  energyJ: number
}

export interface MeasureSummary {
  responses: number
  promptTokens: number
  outputTokens: number
  energyJ: number
  energyAboveIdleJ: number
  perResponseAboveIdleJ: number[]
  whPer1kTokens: ValueRange
  whPerResponse: ValueRange
  tokensPerS: number | null
  split: { promptJ: number; generationJ: number; whPer1kPromptTokens: number | null; whPer1kOutputTokensGenerationOnly: number | null } | null
}

/**
 * Energy per response and per 1,000 output tokens from measured responses: each response's
 * energy above idle is its window's energy minus the idle power × its duration (never below 0).
 * The value is total above-idle energy ÷ total output tokens; the range takes the lowest and the
 * highest response, widened by the measurement factor's own range (end to end, like every range
 * in Wattprint). Where the server gives prompt and generation times, the above-idle energy is
 * split between them in proportion to time (power taken as even over each response).
 */
export function summarise(responses: readonly ResponseEnergy[], idleW: number, measurement: Factor): MeasureSummary {
  const [lowF, highF] = rangeOf(measurement)
  const above = responses.map((r) => Math.max(0, r.energyJ - idleW * r.durationS))
  const outputTokens = responses.reduce((s, r) => s + (r.outputTokens ?? 0), 0)
  const promptTokens = responses.reduce((s, r) => s + (r.promptTokens ?? 0), 0)
  const aboveJ = above.reduce((a, b) => a + b, 0)
  const perKTokens = responses.flatMap((r, i) => (r.outputTokens ? [((above[i] ?? 0) / r.outputTokens) * 1000 * WH_PER_J] : []))
  const whPer1k = outputTokens > 0 ? (aboveJ / outputTokens) * 1000 * WH_PER_J : 0
  const perResponseWh = above.map((j) => j * WH_PER_J)
  const spread = (values: number[], central: number): ValueRange =>
    values.length
      ? { value: central, low: Math.min(...values) * lowF, high: Math.max(...values) * highF }
      : { value: central, low: central * lowF, high: central * highF }
  const timed = responses.every((r) => r.promptMs !== null && r.generationMs !== null && r.promptMs + r.generationMs > 0)
  let split: MeasureSummary['split'] = null
  if (timed && responses.length) {
    let promptJ = 0
    responses.forEach((r, i) => {
      const share = (r.promptMs ?? 0) / ((r.promptMs ?? 0) + (r.generationMs ?? 0))
      promptJ += (above[i] ?? 0) * share
    })
    const generationJ = aboveJ - promptJ
    split = {
      promptJ,
      generationJ,
      whPer1kPromptTokens: promptTokens > 0 ? (promptJ / promptTokens) * 1000 * WH_PER_J : null,
      whPer1kOutputTokensGenerationOnly: outputTokens > 0 ? (generationJ / outputTokens) * 1000 * WH_PER_J : null,
    }
  }
  const generationS = responses.reduce((s, r) => s + (r.generationMs ?? 0) / 1000, 0)
  return {
    responses: responses.length,
    promptTokens,
    outputTokens,
    energyJ: responses.reduce((s, r) => s + r.energyJ, 0),
    energyAboveIdleJ: aboveJ,
    perResponseAboveIdleJ: above,
    whPer1kTokens: spread(perKTokens, whPer1k),
    whPerResponse: spread(perResponseWh, responses.length ? (aboveJ * WH_PER_J) / responses.length : 0),
    tokensPerS: generationS > 0 ? outputTokens / generationS : null,
    split,
  }
}
