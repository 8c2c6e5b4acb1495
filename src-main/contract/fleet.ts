import { z } from 'zod'
import { cliMeta } from './cli-meta.ts'
import { ReportSchema } from './footprint.ts'
import { PeriodFields } from './history.ts'

export const FleetRequestSchema = z
  .strictObject({
    ...PeriodFields,
    /** The Prometheus server (http[s]://host:9090); default: the one in Settings. */
    prometheus: z
      .string()
      .max(2000)
      .optional()
      .meta(cliMeta({ value: 'URL', description: 'the Prometheus server, e.g. http://127.0.0.1:9090 (default: the one in Settings)' })),
    /** Seconds between points; default: 15 s, or coarser so a period has at most 10,000. */
    stepS: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .optional()
      .meta(cliMeta({ flag: 'step', value: 'S', description: 'seconds between points (default 15, coarser for long periods)' })),
  })
  .refine((r) => r.untilMs > r.sinceMs, { message: 'request.until-before-since', path: ['untilMs'] })
  .refine((r) => r.untilMs - r.sinceMs <= 400 * 86_400_000, { message: 'request.range-too-long', path: ['untilMs'] })

export const FleetDeviceSchema = z.object({
  machine: z.string(),
  device: z.string(),
  name: z.string(),
  /** Which series it was read from: Wattprint's own metrics, DCGM's energy counter or power, nvidia_gpu_exporter's power. */
  family: z.enum(['wattprint', 'dcgm-energy', 'dcgm-power', 'nvidia-gpu-exporter']),
  /** A counter's increase (resets counted, no extrapolation), or mean power per step × the step. */
  method: z.enum(['counter-increase', 'power-integration']),
  source: z.string(),
  energyJ: z.number(),
  coveredS: z.number(),
  maxPowerW: z.number().nullable(),
  points: z.number().int(),
  resets: z.number().int(),
  firstMs: z.number().nullable(),
  lastMs: z.number().nullable(),
})
export type FleetDeviceEntry = z.infer<typeof FleetDeviceSchema>

/** A fleet's energy from a Prometheus server, per machine and device, with the same footprint as local data. */
export const FleetReportSchema = z.object({
  prometheus: z.string(),
  sinceMs: z.number(),
  untilMs: z.number(),
  stepS: z.number(),
  machines: z.array(z.object({ machine: z.string(), energyJ: z.number(), devices: z.array(FleetDeviceSchema) })),
  /** The PromQL queries run, as they were sent. */
  queries: z.array(z.string()),
  /** What Prometheus warned about. */
  warnings: z.array(z.string()),
  /** The fleet's energy under this PC's settings (grid, price): footprint, ranges and sources as for local data. */
  report: ReportSchema,
})
export type FleetReport = z.infer<typeof FleetReportSchema>
