import { existsSync, readFileSync } from 'node:fs'
import { DateTime } from 'luxon'
import type { Clock } from '../core/clock.ts'
import { clockFromEnv } from './env-clock.ts'
import type { z } from 'zod'
import { defaultSettings } from '../api/service.ts'
import { runScenarioWith } from '../api/scenario-runner.ts'
import { describeIssues } from '../api/handler.ts'
import { FinetuneEstimateRequestSchema, InferenceEstimateRequestSchema, TrainingEstimateRequestSchema, type TrainingEstimateResult } from '../contract/estimates.ts'
import { ScenarioSchema } from '../contract/scenario.ts'
import { asFactor, bundledDataPack, referenceFactor } from '../core/data-pack.ts'
import { comparePeriod, estimateFinetune, estimateInference, estimateTraining, EstimateError } from '../core/estimate-report.ts'
import { rangeOf } from '../core/footprint.ts'
import { SAMPLED_POWER_MEASUREMENT_ID } from '../core/report.ts'
import { reportOf } from '../api/report-of.ts'
import { LeverError } from '../core/scenarios.ts'
import { openDatabase } from '../store/database.ts'
import { defaultDbPath } from '../store/paths.ts'
import { SampleStore } from '../store/sample-store.ts'
import { SettingsStore } from '../store/settings-store.ts'
import { DataPackError, DataPackStore } from '../store/data-pack-store.ts'
import type { DataPack } from '../contract/reference.ts'

/** Bad input from the user: printed as one line, exit code 2, nothing written. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError'
}

type Values = Record<string, string | boolean | undefined>

let cliClock: Clock | null = null
/** The CLI's "now": the system clock, or the instant WATTPRINT_NOW pins for a test. */
export function cliNow(): number {
  try {
    cliClock ??= clockFromEnv()
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error))
  }
  return cliClock.nowMs()
}

const SUFFIX: Readonly<Record<string, number>> = { K: 1e3, M: 1e6, B: 1e9, G: 1e9, T: 1e12 }

/** "175B", "15T", "7e9", "100M" → a count. */
export function parseCount(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([KMBGT]?)$/i.exec(text.trim())
  if (!m) throw new CliUsageError(`${flag}: "${text}" is not a count (e.g. 175B, 15T, 7e9)`)
  return Number(m[1]) * (SUFFIX[(m[2] ?? '').toUpperCase()] ?? 1)
}

function num(values: Values, key: string, flag: string): number | undefined {
  const v = values[key]
  if (v === undefined) return undefined
  const n = Number(String(v).replace(/%$/, ''))
  if (!Number.isFinite(n)) throw new CliUsageError(`${flag}: "${String(v)}" is not a number`)
  return String(v).endsWith('%') ? n / 100 : n
}

function billions(values: Values, key: string, flag: string): number | undefined {
  const v = values[key]
  return v === undefined ? undefined : parseCount(String(v), flag) / 1e9
}

const FLAG_OF: Readonly<Record<string, string>> = {
  gpuHours: '--gpu-hours', paramsB: '--params', tokensB: '--tokens', mfu: '--mfu', hardwareId: '--hardware', powerW: '--power-w',
  hostOverhead: '--host-overhead', pue: '--pue', gridGCo2ePerKWh: '--grid', countryIso3: '--country', pretrainTokensB: '--pretrain-tokens',
  method: '--method', energyJ: '--energy-j', tokens: '--tokens', bitsPerWeight: '--bits',
}

/** Validates with the API's own schema, naming the flag instead of the field. */
function validate<S extends z.ZodType>(schema: S, request: unknown): z.output<S> {
  const parsed = schema.safeParse(request)
  if (parsed.success) return parsed.data
  throw new CliUsageError(flagNames(describeIssues(parsed.error)))
}

/** Speaks the CLI's language: field names in a message become the flags that set them. */
function flagNames(message: string): string {
  return message
    .replace(/field "([^"]+)"/g, (_, f: string) => FLAG_OF[f] ?? f)
    .replace(/\b(gpuHours|paramsB|tokensB|hardwareId|energyJ|bitsPerWeight|countryIso3|gridGCo2ePerKWh)\b/g, (f: string) => FLAG_OF[f] ?? f)
}

const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

function gridFlags(values: Values): { gridGCo2ePerKWh?: number; countryIso3?: string } {
  if (values.grid !== undefined && values.country !== undefined) throw new CliUsageError('give --grid or --country, not both')
  return strip({ gridGCo2ePerKWh: num(values, 'grid', '--grid'), countryIso3: typeof values.country === 'string' ? values.country.toUpperCase() : undefined })
}

/** The training estimate as the CLI prints it: the promised fields at the top level, assumptions by name. */
function flattenTraining(e: TrainingEstimateResult): Record<string, unknown> {
  return {
    energyMWh: e.energyMWh,
    energyRangeMWh: e.energyRangeMWh,
    co2eT: e.carbon.co2eT,
    co2eRangeT: e.carbon.co2eRangeT,
    gpuHours: e.gpuHours,
    gpuHoursRange: e.gpuHoursRange,
    hardware: e.hardware,
    formula: e.formula,
    grid: e.carbon.grid,
    defaultsApplied: e.assumptions.filter((a) => a.isDefault).map((a) => a.name),
    assumptions: Object.fromEntries(e.assumptions.map((a) => [a.name, { value: a.value, low: a.low, high: a.high, unit: a.unit, isDefault: a.isDefault, why: a.why, source: a.source }])),
  }
}

const fmt = (n: number, digits = 3): string => n.toLocaleString('en', { maximumSignificantDigits: digits })

/** The data pack in use for this database: an imported one if any, else the bundled one. */
export function packFor(values: Values): DataPack {
  const dbPath = (values.db as string | undefined) ?? defaultDbPath()
  if (!existsSync(dbPath)) return bundledDataPack()
  const db = openExisting(dbPath)
  db.close()
  return db.pack
}

export function runData(action: string | undefined, file: string | undefined, values: Values): string {
  const dbPath = (values.db as string | undefined) ?? defaultDbPath()
  let text = ''
  if (action === 'import') {
    if (!file) throw new CliUsageError('data import needs a FILE')
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      throw new CliUsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  } else if (action !== 'status' && action !== 'revert') {
    throw new CliUsageError(`data needs an action: status, import FILE or revert (got "${action ?? ''}")`)
  }
  // Status only reads (a read-only file is fine); import and revert write.
  const db = action === 'status' && !existsSync(dbPath) ? openDatabase(':memory:') : openDatabase(dbPath, { mode: action === 'status' ? 'read' : 'write' })
  try {
    const store = new DataPackStore(db, bundledDataPack())
    try {
      if (action === 'import') store.import(text)
      if (action === 'revert') store.revert()
    } catch (error) {
      if (error instanceof DataPackError) throw new CliUsageError(`${file ?? 'data'}: ${error.message}`)
      throw error
    }
    const status = store.status()
    return values.json ? JSON.stringify(status, null, 2) : `reference data ${status.version} (${status.date}), ${status.origin}; ${status.history.length} imported pack(s) on record`
  } finally {
    db.close()
  }
}

export function runEstimate(kind: string | undefined, values: Values): string {
  const pack = packFor(values)
  try {
    if (kind === 'training') {
      const req = validate(TrainingEstimateRequestSchema, strip({
        gpuHours: values['gpu-hours'] === undefined ? undefined : parseCount(String(values['gpu-hours']), '--gpu-hours'),
        paramsB: billions(values, 'params', '--params'),
        tokensB: billions(values, 'tokens', '--tokens'),
        mfu: num(values, 'mfu', '--mfu'),
        hardwareId: values.hardware,
        powerW: num(values, 'power-w', '--power-w'),
        hostOverhead: num(values, 'host-overhead', '--host-overhead'),
        pue: num(values, 'pue', '--pue'),
        ...gridFlags(values),
      }))
      const out = flattenTraining(estimateTraining(req, pack))
      return values.json
        ? JSON.stringify(out, null, 2)
        : `${fmt(out.energyMWh as number)} MWh (${(out.energyRangeMWh as number[]).map((x) => fmt(x)).join('–')}), ${fmt(out.co2eT as number)} t CO2e, ${fmt(out.gpuHours as number)} accelerator-hours\n  defaults applied: ${(out.defaultsApplied as string[]).join(', ') || 'none'}`
    }
    if (kind === 'finetune') {
      const req = validate(FinetuneEstimateRequestSchema, strip({
        paramsB: billions(values, 'params', '--params'),
        tokensB: billions(values, 'tokens', '--tokens'),
        pretrainTokensB: billions(values, 'pretrain-tokens', '--pretrain-tokens'),
        method: values.method,
        hardwareId: values.hardware,
        mfu: num(values, 'mfu', '--mfu'),
        pue: num(values, 'pue', '--pue'),
        ...gridFlags(values),
      }))
      const e = estimateFinetune(req, pack)
      const out = { method: e.method, shareOfPretraining: e.shareOfPretraining, finetuneFlops: e.finetuneFlops, pretrainFlops: e.pretrainFlops, ...flattenTraining(e.finetune), pretrain: flattenTraining(e.pretrain), notes: e.notes, sources: e.sources }
      return values.json
        ? JSON.stringify(out, null, 2)
        : `${e.method} fine-tune: ${fmt(e.finetune.energyMWh * 1000)} kWh, ${fmt(e.finetune.carbon.co2eT * 1000)} kg CO2e — ${fmt(e.shareOfPretraining * 100)}% of pre-training the same model (${fmt(e.pretrain.energyMWh)} MWh)`
    }
    if (kind === 'inference') {
      const req = validate(InferenceEstimateRequestSchema, strip({
        energyJ: values['energy-j'] === undefined ? undefined : parseCount(String(values['energy-j']), '--energy-j'),
        tokens: values.tokens === undefined ? undefined : parseCount(String(values.tokens), '--tokens'),
        paramsB: billions(values, 'params', '--params'),
        bitsPerWeight: num(values, 'bits', '--bits'),
        hardwareId: values.hardware,
        powerW: num(values, 'power-w', '--power-w'),
        ...gridFlags(values),
      }))
      const range = rangeOf(asFactor(referenceFactor(pack, SAMPLED_POWER_MEASUREMENT_ID)))
      const e = estimateInference(req, pack, range)
      const out = { ...e, defaultsApplied: e.assumptions.filter((a) => a.isDefault).map((a) => a.name) }
      return values.json ? JSON.stringify(out, null, 2) : `${fmt(e.energyPerTokenJ)} J per token (${e.method}), ${fmt(e.whPer1000Tokens)} Wh per 1,000 tokens, ${fmt(e.co2eGPer1000Tokens)} g CO2e per 1,000 tokens`
    }
  } catch (error) {
    if (error instanceof EstimateError) throw new CliUsageError(flagNames(error.message))
    throw error
  }
  throw new CliUsageError(`estimate needs a kind: training, finetune or inference (got "${kind ?? ''}")`)
}

/** An existing database with its settings and data pack; never creates one. */
export function openExisting(dbPath: string): { store: SampleStore; settings: ReturnType<SettingsStore['load']>; pack: DataPack; close(): void } {
  if (!existsSync(dbPath)) throw new CliUsageError(`no database at ${dbPath}: record or import first`)
  const db = openDatabase(dbPath, { mode: 'read' })
  const settings = new SettingsStore(db, defaultSettings(Intl.DateTimeFormat().resolvedOptions().locale)).load()
  const pack = new DataPackStore(db, bundledDataPack()).active().pack
  return { store: new SampleStore(db), settings, pack, close: () => db.close() }
}

export function instant(text: string | undefined, flag: string, fallbackMs: number): number {
  if (text === undefined) return fallbackMs
  const dt = DateTime.fromISO(text)
  if (!dt.isValid) throw new CliUsageError(`${flag}: "${text}" is not an ISO 8601 date or time (e.g. 2026-11-29 or 2026-11-29T08:00)`)
  return dt.toMillis()
}

export function runCompare(values: Values): string {
  const sinceMs = instant(values.since as string | undefined, '--since', 0)
  const untilMs = instant(values.until as string | undefined, '--until', cliNow() + 1)
  if (untilMs <= sinceMs) throw new CliUsageError('--until must be after --since')
  const queries = values.queries === undefined ? 1e9 : parseCount(String(values.queries), '--queries')
  const db = openExisting((values.db as string | undefined) ?? defaultDbPath())
  try {
    const pack = db.pack
    const report = reportOf(db.store, sinceMs, untilMs, db.settings.settings, pack)
    const first = report.samples > 0 ? sinceMs : untilMs
    const durationS = Math.max(0, (Math.min(untilMs, cliNow()) - first) / 1000)
    const result = comparePeriod({ sinceMs, untilMs, energyKWh: report.footprint.energyKWh, co2eKg: report.footprint.co2eKg, durationS }, pack, queries)
    if (values.json) return JSON.stringify(result, null, 2)
    return [
      `${fmt(result.period.energyKWh)} kWh between ${new Date(sinceMs).toISOString()} and ${new Date(untilMs).toISOString()}`,
      ...result.training
        .filter((t) => t.energyRatio !== null)
        .map((t) => `  ${t.model}: ${fmt((t.energyRatio ?? 0) * 100)}% of its energy${t.yearsToEqual !== null ? `; ${fmt(t.yearsToEqual)} years at this pace to equal it` : ''}`),
    ].join('\n')
  } finally {
    db.close()
  }
}

export function runScenarioFile(file: string | undefined, values: Values): string {
  if (!file) throw new CliUsageError('scenario needs a FILE.json')
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CliUsageError(code ? `cannot read ${file}: ${code}` : `${file}: not valid JSON (${(error as Error).message})`)
  }
  const parsed = ScenarioSchema.safeParse(raw)
  if (!parsed.success) throw new CliUsageError(`${file}: ${describeIssues(parsed.error)}`)
  const dbPath = (values.db as string | undefined) ?? defaultDbPath()
  const db = existsSync(dbPath) ? openExisting(dbPath) : null
  try {
    const settings = db?.settings.settings ?? defaultSettings(Intl.DateTimeFormat().resolvedOptions().locale)
    const pack = db?.pack ?? bundledDataPack()
    const measured = db ? (since: number, until: number): number => reportOf(db.store, since, until, settings, pack).footprint.energyKWh : null
    const result = runScenarioWith(parsed.data, pack, settings, measured)
    if (values.json) return JSON.stringify(result, null, 2)
    const line = (name: string, o: { energyKWh: number; co2eKg: number; waterL: number }, pct?: number | null): string =>
      `  ${name.padEnd(28)} ${fmt(o.energyKWh).padStart(10)} kWh ${fmt(o.co2eKg).padStart(10)} kg CO2e ${fmt(o.waterL).padStart(9)} L${pct === undefined || pct === null ? '' : `  (${pct > 0 ? '+' : ''}${fmt(pct)}% CO2e)`}`
    return [result.name, line(result.baseline.label, result.baseline.outcome), ...result.variants.map((v) => line(v.name, v.outcome, v.deltaPct.co2eKg)), ...result.notes.map((n) => `  note: ${n}`)].join('\n')
  } catch (error) {
    if (error instanceof LeverError || error instanceof EstimateError) throw new CliUsageError(`${file}: ${error.message}`)
    throw error
  } finally {
    db?.close()
  }
}

export function runHardware(values: Values): string {
  const hw = packFor(values).hardware
  if (values.json) return JSON.stringify(hw, null, 2)
  return hw.map((h) => `${h.id.padEnd(24)} ${h.name.padEnd(34)} ${String(h.tdpW).padStart(5)} W  ${h.denseTflops === null ? '   —' : String(h.denseTflops).padStart(6)} TFLOP/s  ${h.memoryBandwidthGBs ?? '—'} GB/s  [${h.confidence}]`).join('\n')
}

export function runReferences(values: Values): string {
  const pack = packFor(values)
  if (values.json) {
    const { version, date, description, trainingRuns, inference, factors, misquotes } = pack
    return JSON.stringify({ version, date, description, trainingRuns, inference, factors, misquotes }, null, 2)
  }
  return [
    `Wattprint data pack ${pack.version} (${pack.date})`,
    ...pack.trainingRuns.map((r) => `  ${r.id.padEnd(36)} ${r.model} — ${r.energyMWh ?? '?'} MWh, ${r.co2eT ?? '?'} t CO2e [${r.confidence}] ${r.source.url}`),
  ].join('\n')
}
