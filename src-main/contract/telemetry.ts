import { z } from 'zod'
import { MessageSchema } from './messages.ts'

/** One reading of one device. Unknown values are null, never 0. */
export const SampleSchema = z.object({
  /** Wall-clock time of the reading, ms since the Unix epoch (UTC). */
  tMs: z.number(),
  /** Stable device key: the GPU UUID when the source gives one. */
  deviceId: z.string(),
  powerW: z.number().nullable(),
  powerLimitW: z.number().nullable(),
  utilPct: z.number().nullable(),
  memUtilPct: z.number().nullable(),
  memUsedB: z.number().nullable(),
  tempC: z.number().nullable(),
  smClockMhz: z.number().nullable(),
  /** Performance state, 0 (P0, fastest) to 15 (P15). */
  pstate: z.number().int().nullable(),
})
export type Sample = z.infer<typeof SampleSchema>

/** What does not change between samples of a device. */
export const DeviceSchema = z.object({
  deviceId: z.string(),
  index: z.number().int().nullable(),
  name: z.string(),
  memTotalB: z.number().nullable(),
  source: z.string(),
})
export type Device = z.infer<typeof DeviceSchema>

export const SourceStateSchema = z.enum(['starting', 'ok', 'not-installed', 'no-device', 'driver-error', 'permission', 'other', 'stopped'])
export type SourceState = z.infer<typeof SourceStateSchema>

/** Health of a telemetry source: what happened and how to fix it as sentences (codes), the tool's own words beside. */
export const SourceStatusSchema = z.object({
  sourceId: z.string(),
  state: SourceStateSchema,
  /** What we saw, as a sentence. */
  message: MessageSchema,
  /** How to fix it, when we know. */
  fix: MessageSchema.nullable(),
  /** What the tool printed, verbatim (not translated). */
  raw: z.string().nullable(),
  sinceMs: z.number(),
  restarts: z.number().int(),
})
export type SourceStatus = z.infer<typeof SourceStatusSchema>

/** Whether readings reach the database, and what waits in memory when they cannot. */
export const StorageHealthSchema = z.object({
  ok: z.boolean(),
  message: MessageSchema,
  /** Readings held in memory, not yet written. */
  pendingReadings: z.number().int().min(0),
  /** Readings dropped because memory held too many while the database could not be written. */
  droppedReadings: z.number().int().min(0),
  /** What SQLite said when writing failed (verbatim), else null. */
  error: z.string().nullable(),
})
export type StorageHealth = z.infer<typeof StorageHealthSchema>

export const TelemetryStatusSchema = z.object({
  source: SourceStatusSchema,
  /** True while the demo replay runs: its numbers are not the user's. */
  demo: z.boolean(),
  devices: z.array(DeviceSchema),
  /** Latest sample per device (first paint without waiting a tick). */
  latest: z.array(SampleSchema),
  storage: StorageHealthSchema,
})
export type TelemetryStatus = z.infer<typeof TelemetryStatusSchema>
