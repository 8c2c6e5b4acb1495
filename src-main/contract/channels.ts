import { z } from 'zod'
import { MessageSchema } from './messages.ts'
import {
  ComparisonSchema,
  FinetuneEstimateRequestSchema,
  FinetuneEstimateSchema,
  InferenceEstimateRequestSchema,
  InferenceEstimateSchema,
  TrainingEstimateRequestSchema,
  TrainingEstimateSchema,
} from './estimates.ts'
import { FleetReportSchema, FleetRequestSchema } from './fleet.ts'
import { ReportSchema } from './footprint.ts'
import { HistoryImportRequestSchema, HistoryRequestSchema, HistorySchema, ImportSummarySchema, PeriodFields } from './history.ts'
import { cliMeta } from './cli-meta.ts'
import { DataPackSchema, InferenceFigureSchema } from './reference.ts'
import { ScenarioResultSchema, ScenarioSchema } from './scenario.ts'
import { CountrySchema, SettingsPatchSchema, SettingsSchema } from './settings.ts'
import { IdleBaselineSchema, SampleSchema, TelemetryStatusSchema } from './telemetry.ts'
import { InferenceTallySchema, MeasureModelRequestSchema, ModelMeasurementSchema, ServerKindSchema, ServerSeenSchema } from './models.ts'

const Empty = z.strictObject({})
/** Longest data pack text accepted, characters. */
export const DATA_PACK_MAX_CHARS = 4_000_000

/** The reference data in use, and every pack ever imported (newest first; reverted ones marked). */
export const DataPackStatusSchema = z.object({
  version: z.string(),
  date: z.string(),
  origin: z.enum(['bundled', 'imported']),
  history: z.array(z.object({ version: z.string(), date: z.string(), importedMs: z.number(), revertedMs: z.number().nullable() })),
})
export type DataPackStatus = z.infer<typeof DataPackStatusSchema>
const Ok = z.object({ ok: z.literal(true) })

export const AppInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'headless', 'cli']),
  dbPath: z.string(),
  platform: z.string(),
  /** What the user must know from start-up (a damaged database moved aside, a corrupt setting replaced by its default). */
  warnings: z.array(MessageSchema),
  /** The cited data set in use, shown in the app. */
  dataPack: z.object({ version: z.string(), date: z.string() }),
})
export type AppInfo = z.infer<typeof AppInfoSchema>

/** Version, data pack, the data sets with their licences, and the software shipped (the About view). */
export const AboutSchema = z.object({
  version: z.string(),
  licence: z.string(),
  host: z.enum(['electron', 'headless', 'cli']),
  platform: z.string(),
  arch: z.string(),
  /** Runtime versions: Node always; Electron and Chromium in the desktop app. */
  runtime: z.object({ node: z.string(), electron: z.string().nullable(), chrome: z.string().nullable() }),
  dataPack: z.object({ version: z.string(), date: z.string(), origin: z.enum(['bundled', 'imported']) }),
  dataSets: z.array(z.object({ name: z.string(), publisher: z.string(), url: z.string(), licence: z.string(), usedFor: z.string() })),
  software: z.array(z.object({ name: z.string(), version: z.string(), licence: z.string() })),
})
export type About = z.infer<typeof AboutSchema>

/** The app's views, which the desktop menus and tray can open. */
export const APP_ROUTES = ['/', '/history', '/comparisons', '/what-if', '/models', '/devices', '/settings', '/about'] as const
export type AppRoute = (typeof APP_ROUTES)[number]

/**
 * Every request/response channel, named `domain:verb`. Requests are validated on the main side
 * before a handler runs; adding a channel means one entry here and one handler in `api/`.
 */
export const invokeChannels = {
  'app:info': { request: Empty, response: AppInfoSchema },
  'app:about': { request: Empty, response: AboutSchema },
  'telemetry:status': { request: Empty, response: TelemetryStatusSchema },
  /** Looks for sources again (a GPU plugged in or woken, a permission granted) and restarts recording. */
  'telemetry:reprobe': { request: Empty, response: TelemetryStatusSchema },
  /** Stops recording until resumed (the paused time is a gap in the history, not zero). */
  'recording:pause': { request: Empty, response: TelemetryStatusSchema },
  'recording:resume': { request: Empty, response: TelemetryStatusSchema },
  'telemetry:recent': {
    request: z.strictObject({
      /** How far back, s (at most one hour: longer ranges come from the history rollups). */
      windowS: z.number().int().min(1).max(3600),
    }),
    response: z.object({ samples: z.array(SampleSchema), demo: z.boolean() }),
  },
  'demo:start': { request: Empty, response: Ok },
  'demo:stop': { request: Empty, response: Ok },
  'summary:today': { request: Empty, response: ReportSchema },
  'report:range': {
    request: z
      .strictObject({
        ...PeriodFields,
        /** Another country's grid than the settings' (ISO 3166-1 alpha-3, or WORLD). */
        countryIso3: z
          .string()
          .max(8)
          .optional()
          .meta(cliMeta({ flag: 'country', value: 'ISO3', parse: 'upper', description: "another country's grid average than the one in Settings" })),
      })
      .refine((r) => r.untilMs > r.sinceMs, { message: 'request.until-before-since', path: ['untilMs'] }),
    response: ReportSchema,
  },
  'history:query': { request: HistoryRequestSchema, response: HistorySchema },
  'history:import': { request: HistoryImportRequestSchema, response: ImportSummarySchema },
  'settings:get': { request: Empty, response: SettingsSchema },
  'settings:update': { request: SettingsPatchSchema, response: SettingsSchema },
  /** Works out the rest of the PC from a wall-meter reading taken now: wall × PSU efficiency − what the sources measure. */
  'settings:calibrate': {
    request: z.strictObject({
      wallW: z
        .number()
        .min(1)
        .max(5000)
        .meta(cliMeta({ flag: 'wall-w', value: 'W', description: 'what the meter at the wall socket reads now, W' })),
      psuEfficiency: z
        .number()
        .min(0.5)
        .max(0.99)
        .optional()
        .meta(cliMeta({ flag: 'psu-efficiency', value: 'E', description: "your power supply's efficiency, 0.5-0.99 (default: Settings, else 80 PLUS 0.9)" })),
    }),
    response: SettingsSchema,
  },
  'factors:countries': { request: Empty, response: z.object({ countries: z.array(CountrySchema) }) },
  'reference:list': { request: Empty, response: DataPackSchema },
  'estimate:training': { request: TrainingEstimateRequestSchema, response: TrainingEstimateSchema },
  'estimate:finetune': { request: FinetuneEstimateRequestSchema, response: FinetuneEstimateSchema },
  'estimate:inference': { request: InferenceEstimateRequestSchema, response: InferenceEstimateSchema },
  'compare:period': {
    request: z
      .strictObject({
        ...PeriodFields,
        /** Queries a training run is shared over, for the per-query share. */
        queries: z
          .number()
          .int()
          .positive()
          .max(1e15)
          .default(1_000_000_000)
          .meta(cliMeta({ value: 'N', parse: 'count', description: 'queries a training run is shared over (default 1B)' })),
        /** This PC's history, or the fleet on the Prometheus server set in Settings. */
        scope: z
          .enum(['local', 'fleet'])
          .default('local')
          .meta(cliMeta({ description: "local (this PC's history, default) or fleet (the Prometheus server in Settings)" })),
      })
      .refine((r) => r.untilMs > r.sinceMs, { message: 'request.until-before-since', path: ['untilMs'] }),
    response: ComparisonSchema,
  },
  'scenario:run': { request: ScenarioSchema, response: ScenarioResultSchema },
  'data:status': { request: Empty, response: DataPackStatusSchema },
  /** A newer reference data pack, as the JSON text of the file (the bundled one is ~90 KB). */
  'data:import': { request: z.strictObject({ json: z.string().max(DATA_PACK_MAX_CHARS) }), response: DataPackStatusSchema },
  'data:revert': { request: Empty, response: DataPackStatusSchema },
  /** "Measure my model": the fixed prompt set against a local model, energy above idle per response and per 1,000 tokens (stored). */
  'models:measure': { request: MeasureModelRequestSchema, response: ModelMeasurementSchema },
  /** Every stored measurement, newest first. */
  'models:list': {
    request: Empty,
    /** With the published per-prompt figures of the data set, each with its scope, to set beside them. */
    response: z.object({ measurements: z.array(ModelMeasurementSchema), published: z.array(InferenceFigureSchema) }),
  },
  /** The models a local server offers (to pick one to measure). */
  'models:available': {
    request: z.strictObject({ server: ServerKindSchema, url: z.string().max(2000), allowRemote: z.boolean().default(false) }),
    response: z.object({
      models: z.array(z.object({ name: z.string(), family: z.string().nullable(), parameterSize: z.string().nullable(), quantization: z.string().nullable() })),
    }),
  },
  /** Local servers seen passively, and the tokens their counters reported with the energy above idle drawn meanwhile. */
  'models:local': {
    request: z.strictObject({ ...PeriodFields }).refine((r) => r.untilMs > r.sinceMs, { message: 'request.until-before-since', path: ['untilMs'] }),
    response: z.object({ servers: z.array(ServerSeenSchema), tally: z.array(InferenceTallySchema) }),
  },
  /** A fleet's energy, per machine and device, read from a Prometheus server (Wattprint's metrics, DCGM, nvidia_gpu_exporter). */
  'fleet:report': { request: FleetRequestSchema, response: FleetReportSchema },
  /** Learns every device's idle baseline again from its recent readings at rest. */
  'idle:learn': { request: Empty, response: z.object({ idle: z.array(IdleBaselineSchema) }) },
} as const

/** Most bytes of a request body: enough for any request but a data pack, which has its own limit. */
export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024
const MAX_REQUEST_BYTES: Partial<Record<InvokeChannel, number>> = {
  // JSON escaping of the pack's text inside the request can add to its size.
  'data:import': 3 * DATA_PACK_MAX_CHARS,
  // A month of a one-second log for a few GPUs.
  'history:import': 72 * 1024 * 1024,
}

/** The body limit of a channel's requests, bytes (transports refuse larger bodies unread). */
export function maxRequestBytesOf(channel: string): number {
  return Object.hasOwn(MAX_REQUEST_BYTES, channel) ? (MAX_REQUEST_BYTES[channel as InvokeChannel] ?? DEFAULT_MAX_REQUEST_BYTES) : DEFAULT_MAX_REQUEST_BYTES
}

/** Pushes from main to the renderer. */
export const pushChannels = {
  'telemetry:samples': z.object({ samples: z.array(SampleSchema), demo: z.boolean() }),
  'telemetry:status': TelemetryStatusSchema,
  /** The desktop app's menu or tray opens a view. */
  'app:navigate': z.object({ route: z.enum(APP_ROUTES) }),
  /** A running measurement's progress. */
  'models:progress': z.object({ step: z.enum(['warm-up', 'idle', 'prompt', 'done']), done: z.number().int(), total: z.number().int() }),
} as const

export type InvokeChannel = keyof typeof invokeChannels
export type PushChannel = keyof typeof pushChannels
export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>
export type ResponseOf<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['response']>
export type PushOf<C extends PushChannel> = z.infer<(typeof pushChannels)[C]>

export const invokeChannelNames = Object.keys(invokeChannels) as InvokeChannel[]
export const pushChannelNames = Object.keys(pushChannels) as PushChannel[]
