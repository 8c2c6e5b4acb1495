import { z } from 'zod'

export const Iso3Schema = z.string().regex(/^([A-Z]{3}|WORLD)$/, 'field.iso3')
export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'field.currency')

/** Flat price (pricePerKWh), or peak/off-peak prices by local hour of day. */
export const TariffSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('flat') }),
  z.strictObject({
    kind: z.literal('time-of-use'),
    peakPricePerKWh: z.number().min(0).max(100),
    offPeakPricePerKWh: z.number().min(0).max(100),
    /** Peak hours [start, end) in local time; end may be below start (overnight peak). */
    peakStartHour: z.number().int().min(0).max(23),
    peakEndHour: z.number().int().min(0).max(24),
  }),
])
export type Tariff = z.infer<typeof TariffSchema>

/** Where the rest-of-system figure comes from: the user's number, or a wall-meter reading minus what Wattprint measured. */
export const RestOfSystemFromSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('entered') }),
  z.strictObject({
    kind: z.literal('wall-meter'),
    /** What the meter at the wall socket read, W. */
    wallW: z.number().min(1).max(5000),
    /** What Wattprint's sources measured at that moment, W (parts' side). */
    measuredW: z.number().min(0).max(5000),
    /** Efficiency used to bring the wall reading to the parts' side. */
    psuEfficiency: z.number().min(0.5).max(0.99),
    atMs: z.number(),
  }),
])
export type RestOfSystemFrom = z.infer<typeof RestOfSystemFromSchema>

/** A spending limit on a calendar period (local time): energy in kWh, CO2e in kg, cost in the settings' currency. */
export const BudgetSchema = z.strictObject({
  period: z.enum(['day', 'week', 'month']),
  metric: z.enum(['energy', 'co2e', 'cost']),
  limit: z.number().positive().max(1e9),
})
export type Budget = z.infer<typeof BudgetSchema>

/** User settings. Unknown keys are rejected so a typo never silently does nothing. */
export const SettingsSchema = z.strictObject({
  /** Country whose grid average is used (ISO 3166-1 alpha-3). */
  countryIso3: Iso3Schema,
  /** A grid intensity the user knows better than the country average, g CO2e/kWh. */
  gridOverrideGPerKWh: z.number().min(0).max(2000).nullable(),
  /** Share of the electricity covered by a renewable contract, %: set, CO2e is market-based. */
  renewableSharePct: z.number().min(0).max(100).nullable(),
  /** Water consumed generating a kWh of the user's electricity, L/kWh (no verified default is bundled). */
  electricityWaterLPerKWh: z.number().min(0).max(100).nullable(),
  /** Electricity price per kWh in `currency`; null until set. */
  pricePerKWh: z.number().min(0).max(100).nullable(),
  currency: CurrencySchema,
  tariff: TariffSchema,
  /** How often the GPU is read, ms. */
  sampleIntervalMs: z.number().int().min(100).max(60_000),
  /** Intervals longer than this are gaps (sleep, crash) and are not bridged, s. */
  maxGapS: z.number().min(1).max(3600),
  /** How long raw samples are kept before only rollups remain, days. */
  rawRetentionDays: z.number().int().min(1).max(3650),
  /** Interface language; 'system' follows the OS/browser. */
  language: z.enum(['system', 'en', 'fr']),
  theme: z.enum(['system', 'light', 'dark']),
  /** Energy on screen: the unit that reads best (Wh…GWh), or always kWh. Stored values stay SI. */
  energyUnit: z.enum(['auto', 'kWh']),
  /** CO2e on screen: g/kg/t, or oz/lb/US tons. */
  massUnit: z.enum(['metric', 'imperial']),
  /** Desktop app: start with the session (hidden in the tray). */
  startAtLogin: z.boolean(),
  /** Desktop app: closing the window keeps recording in the tray; false quits. */
  closeToTray: z.boolean(),
  /** Idle power subtracted to report "above idle" energy, W; null: not reported. */
  idleBaselineW: z.number().min(0).max(2000).nullable(),
  /**
   * The rest of the PC that no source measures (motherboard, memory outside RAPL, disks, fans), as a
   * steady figure on the parts' side of the power supply, W; null: the whole-PC figure is not shown.
   */
  restOfSystemW: z.number().min(0).max(2000).nullable(),
  /** How restOfSystemW was obtained: typed in, or worked out from a wall-meter reading. */
  restOfSystemFrom: RestOfSystemFromSchema,
  /** Power supply efficiency (0.5-0.99); null: the data set's 80 PLUS figure. */
  psuEfficiency: z.number().min(0.5).max(0.99).nullable(),
  /** Years a GPU's manufacturing carbon is spread over; null: the data set's (4, Boavizta's default). */
  embodiedLifetimeYears: z.number().min(1).max(20).nullable(),
  /** Your GPU's own cradle-to-gate figure, kg CO2e (a manufacturer's PCF); null: the data set's LCA or proxy. */
  gpuEmbodiedKg: z.number().min(1).max(10_000).nullable(),
  /** Look for local inference servers (Ollama, llama.cpp, vLLM on their usual loopback ports) and count their tokens, passively. */
  watchLocalServers: z.boolean(),
  /** Desktop app: a notification when a period's use crosses one of these (once per crossing); none by default. */
  budgets: z.array(BudgetSchema).max(9),
  /** Desktop app: last week's totals as a notification on the first day of a week. */
  weeklySummary: z.boolean(),
  /** A Prometheus server holding a fleet's metrics (History and Comparisons show its machines); null: none. */
  fleetPrometheusUrl: z
    .string()
    .max(2000)
    .regex(/^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/, 'field.prometheus-url')
    .nullable(),
  /** Desktop app: serve Prometheus metrics at http://127.0.0.1:PORT/metrics (loopback only); null: off. */
  metricsPort: z.number().int().min(1024).max(65535).nullable(),
  /** Desktop app: warn when a GPU draws more than this, W, at 0 % use for 10 minutes; null: off. */
  stuckGpuAlertW: z.number().min(5).max(2000).nullable(),
})
export type Settings = z.infer<typeof SettingsSchema>

export const SettingsPatchSchema = SettingsSchema.partial()
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>

export const CountrySchema = z.object({
  iso3: z.string(),
  /** ISO 3166-1 alpha-2, so the interface can name the country in its own language; null for WORLD. */
  iso2: z.string().nullable(),
  name: z.string(),
  gCo2ePerKWh: z.number(),
})
export type Country = z.infer<typeof CountrySchema>
