import { z } from 'zod'
import { EpochMsSchema } from './bounds.ts'
import { cliMeta } from './cli-meta.ts'
import { RangeSchema, ReportSchema } from './footprint.ts'

/** A period [sinceMs, untilMs): typed on the command line as ISO 8601 dates or times. */
export const PeriodFields = {
  sinceMs: EpochMsSchema.meta(
    cliMeta({ flag: 'since', value: 'ISO', parse: 'instant', description: 'start: an ISO 8601 date or time; a date alone is local midnight' }),
  ),
  untilMs: EpochMsSchema.meta(
    cliMeta({ flag: 'until', value: 'ISO', parse: 'instant', description: 'end (excluded): an ISO 8601 date or time; a date alone is local midnight' }),
  ),
}

export const HistoryRequestSchema = z
  .strictObject({
    ...PeriodFields,
    /** Hours for a day or a week, calendar days for a month or a year: always from the rollups. */
    bucket: z.enum(['hour', 'day']).meta(cliMeta({ description: 'hour buckets (UTC hours) or calendar days (local)' })),
    /** Also total the period just before, of the same length. */
    withPrevious: z
      .boolean()
      .default(false)
      .meta(cliMeta({ flag: 'with-previous', description: 'also total the period just before' })),
  })
  .refine((r) => r.untilMs > r.sinceMs, { message: 'request.until-before-since', path: ['untilMs'] })
  .refine((r) => r.untilMs - r.sinceMs <= 400 * 86_400_000, { message: 'request.range-too-long', path: ['untilMs'] })

const DeviceBucketSchema = z.object({
  deviceId: z.string(),
  energyJ: z.number(),
  energyRangeKWh: RangeSchema,
  meanPowerW: z.number().nullable(),
  maxPowerW: z.number().nullable(),
})

export const HistoryBucketSchema = z.object({
  startMs: z.number(),
  energyJ: z.number(),
  /** Each device's measurement range applied to its share. */
  energyRangeKWh: RangeSchema,
  co2eKg: z.number().nullable(),
  co2eRangeKg: RangeSchema.nullable(),
  cost: z.number().nullable(),
  costRange: RangeSchema.nullable(),
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

/** A log to add to the history (today: an nvidia-smi --query-gpu CSV log with its header line). */
export const HistoryImportRequestSchema = z.strictObject({
  format: z.literal('nvidia-smi-csv'),
  /** The log's text. */
  text: z.string().max(64 * 1024 * 1024),
  /** Its file name, for messages only (never used to identify a GPU). */
  fileName: z.string().max(500),
  /** IANA zone the log's times are read in; default the system zone. */
  zone: z
    .string()
    .max(64)
    .optional()
    .meta(cliMeta({ flag: 'tz', value: 'ZONE', description: "IANA time zone the log was written in (default: this system's)" })),
})

const SkipTallySchema = z.object({ count: z.number().int(), firstLine: z.number().int(), example: z.string() })

export const ImportSummarySchema = z.object({
  file: z.string(),
  zone: z.string(),
  rows: z.number().int(),
  imported: z.number().int(),
  /** Readings the database already accounted for (the same log imported before, or recorded live). */
  alreadyStored: z.number().int(),
  skipped: z.record(z.string(), SkipTallySchema),
  devices: z.array(z.object({ deviceId: z.string(), name: z.string(), rows: z.number().int(), energyJ: z.number() })),
  /** Energy this import added, J (what was already stored is not counted again). */
  energyJ: z.number(),
  gaps: z.number().int(),
  firstMs: z.number().nullable(),
  lastMs: z.number().nullable(),
  warnings: z.array(z.string()),
})
export type ImportSummary = z.infer<typeof ImportSummarySchema>
