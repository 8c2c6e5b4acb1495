import { z } from 'zod'

/**
 * Finite bounds for every numeric input, generous enough for any real workload and tight enough
 * that no result can overflow to Infinity or lose its meaning (1e308 GPU-hours is refused, by name).
 */
export const BOUNDS = {
  /** 2100-01-01T00:00:00Z: no reading or report is later. */
  epochMs: 4_102_444_800_000,
  /** 100 trillion parameters. */
  paramsB: 100_000,
  /** 10^15 tokens (a thousand times today's largest pre-training sets). */
  tokensB: 1_000_000,
  tokens: 1e16,
  /** Ten billion accelerator-hours (today's largest runs: tens of millions). */
  gpuHours: 1e10,
  /** 10^16 J ≈ 2.8 TWh. */
  energyJ: 1e16,
  /** 10 TWh. */
  energyKWh: 1e10,
} as const

/** An instant, ms since the Unix epoch, up to 2100. */
export const EpochMsSchema = z.number().int().min(0).max(BOUNDS.epochMs)
export const ParamsBSchema = z.number().positive().max(BOUNDS.paramsB)
export const TokensBSchema = z.number().positive().max(BOUNDS.tokensB)
export const TokensSchema = z.number().positive().max(BOUNDS.tokens)
export const GpuHoursSchema = z.number().positive().max(BOUNDS.gpuHours)
export const EnergyJSchema = z.number().positive().max(BOUNDS.energyJ)
export const EnergyKWhSchema = z.number().min(0).max(BOUNDS.energyKWh)
/** An id from the data set (hardware, run, factor). */
export const IdSchema = z.string().min(1).max(80)
