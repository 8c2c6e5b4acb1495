import { z } from 'zod'
import { EpochMsSchema } from './bounds.ts'
import { ReportSchema } from './footprint.ts'

export const HistoryRequestSchema = z
  .strictObject({
    sinceMs: EpochMsSchema,
    untilMs: EpochMsSchema,
    /** Hours for a day or a week, calendar days for a month or a year: always from the rollups. */
    bucket: z.enum(['hour', 'day']),
    /** Also total the period just before, of the same length. */
    withPrevious: z.boolean().default(false),
  })
  .refine((r) => r.untilMs > r.sinceMs, { message: 'untilMs must be after sinceMs', path: ['untilMs'] })
  .refine((r) => r.untilMs - r.sinceMs <= 400 * 86_400_000, { message: 'at most 400 days at a time', path: ['untilMs'] })

const DeviceBucketSchema = z.object({ deviceId: z.string(), energyJ: z.number(), meanPowerW: z.number().nullable(), maxPowerW: z.number().nullable() })

export const HistoryBucketSchema = z.object({
  startMs: z.number(),
  energyJ: z.number(),
  co2eKg: z.number().nullable(),
  cost: z.number().nullable(),
  /** Time-weighted over the integrated time of the bucket. */
  meanPowerW: z.number().nullable(),
  maxPowerW: z.number().nullable(),
  samples: z.number().int(),
  gaps: z.number().int(),
  devices: z.array(DeviceBucketSchema),
})
export type HistoryBucket = z.infer<typeof HistoryBucketSchema>

export const HistorySchema = z.object({
  sinceMs: z.number(),
  untilMs: z.number(),
  bucket: z.enum(['hour', 'day']),
  /** Only buckets that hold readings: a missing bucket is a gap, not zero. */
  buckets: z.array(HistoryBucketSchema),
  devices: z.array(z.object({ deviceId: z.string(), name: z.string() })),
  report: ReportSchema,
  previous: z.object({ sinceMs: z.number(), untilMs: z.number(), energyJ: z.number(), co2eKg: z.number().nullable(), cost: z.number().nullable() }).nullable(),
})
export type History = z.infer<typeof HistorySchema>
