import { WattprintError } from '../../src-main/contract/errors.ts'
import { isMessageCode, message, type Message, type MessageParams } from '../../src-main/contract/messages.ts'
import {
  BaselineSchema,
  LeverSchema,
  ScenarioSchema,
  SiteSchema,
  type Baseline,
  type Lever,
  type Scenario,
  type Site,
  type WorkloadKind,
} from '../../src-main/contract/scenario.ts'
import { fromZodError } from '../../src-main/contract/validation.ts'

export type LeverType = Lever['type']
export type LeverOf<T extends LeverType> = Extract<Lever, { type: T }>
export type BaselineKind = Baseline['kind']
export type BaselineOf<K extends BaselineKind> = Extract<Baseline, { kind: K }>
export type Variant = Scenario['variants'][number]
export type FinetuneMethod = LeverOf<'finetune-instead-of-pretrain'>['method']
export type Location = LeverOf<'location'>['to']

const DAY_MS = 86_400_000
/** As many variants, and levers per variant, as `ScenarioSchema` accepts. */
export const MAX_VARIANTS = 20
export const MAX_LEVERS = 20

/**
 * How a parameter is edited: a number (`optional-number`: empty means none), a line of text, or a
 * choice among countries, devices with a published FLOP/s (`hardware`) or memory bandwidth
 * (`hardware-bandwidth`), training runs, fine-tuning methods or places.
 */
export type ParamKind =
  | 'number'
  | 'optional-number'
  | 'absent-number'
  | 'text'
  | 'country'
  | 'optional-country'
  | 'hardware'
  | 'hardware-bandwidth'
  | 'run'
  | 'method'
  | 'location'
  | 'measured-pair'
  | 'yes-no'
  | 'workload'

/** Two of the user's model measurements a lever may use instead of the model. */
type MeasuredPair = { fromId: number; toId: number }
/** A measured pair in a form: `fromId>toId`; empty: none (the lever uses the model). */
export const pairText = (pair: MeasuredPair | undefined): string => (pair ? `${pair.fromId}>${pair.toId}` : '')

/** The kinds that fit a value's type: a number is edited as a number, a method as a method… */
type KindFor<V> = [V] extends [MeasuredPair | undefined]
  ? 'measured-pair'
  : [V] extends [boolean]
    ? 'yes-no'
    : [V] extends [number]
      ? 'number'
      : [V] extends [number | null]
        ? 'optional-number'
        : [V] extends [number | undefined]
          ? 'absent-number'
          : [V] extends [FinetuneMethod]
            ? 'method'
            : [V] extends [Location]
              ? 'location'
              : [V] extends [WorkloadKind]
                ? 'workload'
                : [V] extends [string]
                  ? 'text' | 'country' | 'hardware' | 'hardware-bandwidth' | 'run'
                  : 'optional-country'
/** One kind per parameter of an object, checked against the parameter's type. */
type ParamKinds<O> = { readonly [K in Exclude<keyof O, 'type' | 'kind'>]-?: KindFor<O[K]> }

export const FINETUNE_METHODS = ['full', 'lora', 'qlora'] as const satisfies readonly FinetuneMethod[]
export const LOCATIONS = ['local', 'cloud'] as const satisfies readonly Location[]
export const WORKLOADS = ['inference', 'finetune', 'training'] as const satisfies readonly WorkloadKind[]

/** The lever catalogue: each lever type with its starting values. */
const LEVER_DEFAULTS: { readonly [T in LeverType]: LeverOf<T> } = {
  distillation: { type: 'distillation', teacherParamsB: 70, studentParamsB: 8, teacherAlreadyTrained: true },
  quantization: { type: 'quantization', fromBits: 16, toBits: 4 },
  'finetune-instead-of-pretrain': { type: 'finetune-instead-of-pretrain', paramsB: 8, finetuneTokensB: 0.1, method: 'lora' },
  pue: { type: 'pue', pue: 1.1 },
  grid: { type: 'grid', countryIso3: 'FRA' },
  'renewable-share': { type: 'renewable-share', percent: 50 },
  hardware: { type: 'hardware', fromId: 'nvidia-rtx-3090', toId: 'nvidia-rtx-4090' },
  'time-shift': { type: 'time-shift', gCo2ePerKWh: 100 },
  location: { type: 'location', to: 'cloud' },
}
/** Every lever type of the contract, in its order. */
export const LEVER_TYPES: readonly LeverType[] = LeverSchema.options.map((o) => o.shape.type.value)

/** How each lever's parameters are edited (every parameter is). */
const LEVER_PARAMS: { readonly [T in LeverType]: ParamKinds<LeverOf<T>> } = {
  distillation: {
    teacherParamsB: 'number',
    studentParamsB: 'number',
    distillTokensB: 'absent-number',
    teacherAlreadyTrained: 'yes-no',
    measured: 'measured-pair',
  },
  quantization: { fromBits: 'number', toBits: 'number', measured: 'measured-pair' },
  'finetune-instead-of-pretrain': {
    paramsB: 'number',
    finetuneTokensB: 'number',
    pretrainTokensB: 'absent-number',
    pretrainParamsB: 'absent-number',
    method: 'method',
  },
  pue: { pue: 'number' },
  grid: { countryIso3: 'country' },
  'renewable-share': { percent: 'number' },
  hardware: { fromId: 'hardware', toId: 'hardware' },
  'time-shift': { gCo2ePerKWh: 'number' },
  location: { to: 'location', countryIso3: 'optional-country' },
}

/** How each baseline's parameters are edited; a measured baseline is the last 30 days (only what the work was is chosen). */
const BASELINE_PARAMS: { readonly [K in BaselineKind]: Partial<ParamKinds<BaselineOf<K>>> } = {
  measured: { workload: 'workload' },
  'training-run': { runId: 'run' },
  energy: { label: 'text', itEnergyKWh: 'number', workload: 'workload' },
  finetune: { paramsB: 'number', tokensB: 'number', method: 'method', hardwareId: 'hardware' },
  inference: { tokens: 'number', paramsB: 'number', bitsPerWeight: 'number', hardwareId: 'hardware-bandwidth' },
}
/** Every baseline kind of the contract, in its order. */
export const BASELINE_KINDS: readonly BaselineKind[] = BaselineSchema.options.map((o) => o.shape.kind.value)

/** The site's parameters the explorer edits (water and currency come from the file or the defaults). */
const SITE_PARAMS: Partial<ParamKinds<Site>> = { countryIso3: 'country', pue: 'number', pricePerKWh: 'optional-number' }

export interface SliderRange {
  min: number
  max: number
  step: number
}
/** Parameters with a natural range get a slider beside their input. */
const SLIDERS: Readonly<Partial<Record<string, SliderRange>>> = {
  percent: { min: 0, max: 100, step: 5 },
  pue: { min: 1, max: 2, step: 0.01 },
  fromBits: { min: 2, max: 32, step: 1 },
  toBits: { min: 2, max: 32, step: 1 },
  gCo2ePerKWh: { min: 0, max: 1000, step: 10 },
}

/** One editable parameter as a form shows it. */
export interface ParamField {
  key: string
  kind: ParamKind
  value: string | number | null
  slider: SliderRange | null
}

// Levers, baselines and the site are records of strings, numbers (null: no price), yes/no, and at most a measured pair.
type Flat = Readonly<Record<string, string | number | boolean | null | MeasuredPair | undefined>>

function fields(values: Flat, kinds: Readonly<Partial<Record<string, ParamKind>>>): ParamField[] {
  return Object.entries(kinds).flatMap(([key, kind]) => {
    if (!kind) return []
    const v = values[key]
    const value =
      kind === 'measured-pair'
        ? pairText(v as MeasuredPair | undefined)
        : kind === 'yes-no'
          ? String(v ?? true)
          : kind === 'absent-number' || kind === 'optional-country'
            ? ((v as string | number | undefined) ?? '')
            : ((v as string | number | null | undefined) ?? null)
    return [{ key, kind, value, slider: SLIDERS[key] ?? null }]
  })
}

/** A lever's parameters, in catalogue order. */
export const leverFields = (lever: Lever): ParamField[] => fields(lever, LEVER_PARAMS[lever.type])
/** A baseline's editable parameters. */
export const baselineFields = (baseline: Baseline): ParamField[] => fields(baseline, BASELINE_PARAMS[baseline.kind])
/** The site's editable parameters. */
export const siteFields = (site: Site): ParamField[] => fields(site, SITE_PARAMS)

/** A fresh lever of the catalogue, with its starting values. */
export function defaultLever<T extends LeverType>(type: T): LeverOf<T> {
  return structuredClone(LEVER_DEFAULTS[type])
}

/** A baseline preset: `nowMs` ends a measured period, `label` names an entered energy. */
export function defaultBaseline(kind: BaselineKind, at: { nowMs: number; label: string }): Baseline {
  switch (kind) {
    case 'measured':
      return { kind, since: new Date(at.nowMs - 30 * DAY_MS).toISOString(), until: new Date(at.nowMs).toISOString(), workload: 'inference' }
    case 'training-run':
      return { kind, runId: 'gpt3-patterson2021' }
    case 'energy':
      return { kind, label: at.label, itEnergyKWh: 10, workload: 'inference' }
    case 'finetune':
      return { kind, paramsB: 8, tokensB: 0.1, method: 'lora', hardwareId: 'nvidia-rtx-4090' }
    case 'inference':
      return { kind, tokens: 1_000_000, paramsB: 8, bitsPerWeight: 4, hardwareId: 'nvidia-rtx-4090' }
  }
}

/** The words a new scenario starts with, in the interface's language. */
export interface ScenarioLabels {
  name: string
  baseline: string
  quantization: string
  cloud: string
}

/** The user's settings a new scenario's site starts from (any missing: the USA, no price, euros). */
export interface SiteSettings {
  countryIso3: string
  pricePerKWh: number | null
  currency: string
}

/** The scenario the explorer opens with: the last 30 days, quantized, and in the cloud. */
export function defaultScenario(labels: ScenarioLabels, settings: SiteSettings | null, nowMs: number): Scenario {
  // The world average has no single price or PUE: a scenario runs in a country.
  const countryIso3 = !settings || settings.countryIso3 === 'WORLD' ? 'USA' : settings.countryIso3
  return {
    name: labels.name,
    baseline: defaultBaseline('measured', { nowMs, label: labels.baseline }),
    site: { countryIso3, pue: 1, wueLPerKWh: 0, pricePerKWh: settings?.pricePerKWh ?? null, currency: settings?.currency ?? 'EUR' },
    variants: [
      { name: labels.quantization, levers: [defaultLever('quantization')] },
      { name: labels.cloud, levers: [defaultLever('location')] },
    ],
  }
}

// Every change returns a new scenario and leaves the one given as it was.

const mapVariant = (s: Scenario, i: number, change: (v: Variant) => Variant): Scenario => ({
  ...s,
  variants: s.variants.map((v, k) => (k === i ? change(v) : v)),
})

export const renameScenario = (s: Scenario, name: string): Scenario => ({ ...s, name })

export const setBaselineKind = (s: Scenario, kind: BaselineKind, at: { nowMs: number; label: string }): Scenario => ({
  ...s,
  baseline: defaultBaseline(kind, at),
})

/** A new variant at the end, starting with a PUE lever (up to `MAX_VARIANTS`). */
export function addVariant(s: Scenario, name: string): Scenario {
  if (s.variants.length >= MAX_VARIANTS) return s
  return { ...s, variants: [...s.variants, { name, levers: [defaultLever('pue')] }] }
}

export const removeVariant = (s: Scenario, i: number): Scenario => ({ ...s, variants: s.variants.filter((_, k) => k !== i) })

/** A copy of variant `i`, named `name`, right after it (up to `MAX_VARIANTS`). */
export function duplicateVariant(s: Scenario, i: number, name: string): Scenario {
  const original = s.variants[i]
  if (!original || s.variants.length >= MAX_VARIANTS) return s
  return { ...s, variants: s.variants.toSpliced(i + 1, 0, { name, levers: structuredClone(original.levers) }) }
}

export const renameVariant = (s: Scenario, i: number, name: string): Scenario => mapVariant(s, i, (v) => ({ ...v, name }))

/** A lever of the catalogue at the end of variant `i` (up to `MAX_LEVERS`). */
export const addLever = (s: Scenario, i: number, type: LeverType): Scenario =>
  mapVariant(s, i, (v) => (v.levers.length >= MAX_LEVERS ? v : { ...v, levers: [...v.levers, defaultLever(type)] }))

export const removeLever = (s: Scenario, i: number, j: number): Scenario => mapVariant(s, i, (v) => ({ ...v, levers: v.levers.filter((_, k) => k !== j) }))

/** A copy of lever `j` of variant `i`, right after it (up to `MAX_LEVERS`). */
export const duplicateLever = (s: Scenario, i: number, j: number): Scenario =>
  mapVariant(s, i, (v) => {
    const lever = v.levers[j]
    return lever && v.levers.length < MAX_LEVERS ? { ...v, levers: v.levers.toSpliced(j + 1, 0, structuredClone(lever)) } : v
  })

/** A change refused names the field and why, as the contract's validation says it. */
export type Edit<T> = { ok: true; value: T } | { ok: false; error: WattprintError }

/** A form's text as the value its kind holds: empty is no number (or none, where none is allowed). */
function typed(kind: ParamKind, raw: string): string | number | boolean | null | MeasuredPair | undefined {
  if (kind === 'number') return raw.trim() === '' ? Number.NaN : Number(raw)
  if (kind === 'optional-number') return raw.trim() === '' ? null : Number(raw)
  if (kind === 'absent-number') return raw.trim() === '' ? undefined : Number(raw)
  if (kind === 'optional-country') return raw.trim() === '' ? undefined : raw
  if (kind === 'yes-no') return raw === 'true'
  if (kind === 'measured-pair') {
    const [from, to] = raw.split('>')
    return raw.trim() === '' ? undefined : { fromId: Number(from), toId: Number(to) }
  }
  return raw
}

/** `values` with parameter `key` set from `raw`, or the refusal of a key that is no parameter (`type`, `kind`, a typo). */
function withParam(values: Flat, kinds: Readonly<Partial<Record<string, ParamKind>>>, key: string, raw: string): Flat | WattprintError {
  const kind = Object.hasOwn(kinds, key) ? kinds[key] : undefined
  if (!kind) return new WattprintError('bad-input', 'field.unknown-keys', { keys: `"${key}"` }, { field: key })
  const value = typed(kind, raw)
  if (value !== undefined) return { ...values, [key]: value }
  // None: the key is left out (the lever uses the model).
  return Object.fromEntries(Object.entries(values).filter(([k]) => k !== key))
}

/** Sets parameter `key` of lever `j` of variant `i` from a form's text, checked by the contract's lever schema. */
export function setLeverParam(s: Scenario, i: number, j: number, key: string, raw: string): Edit<Scenario> {
  const lever = s.variants[i]?.levers[j]
  if (!lever) return { ok: true, value: s }
  const changed = withParam(lever, LEVER_PARAMS[lever.type], key, raw)
  if (changed instanceof WattprintError) return { ok: false, error: changed }
  const parsed = LeverSchema.safeParse(changed)
  if (!parsed.success) return { ok: false, error: fromZodError(parsed.error) }
  const next = parsed.data
  return { ok: true, value: mapVariant(s, i, (v) => ({ ...v, levers: v.levers.map((l, k) => (k === j ? next : l)) })) }
}

/** Sets parameter `key` of the baseline from a form's text, checked by the contract's baseline schema. */
export function setBaselineParam(s: Scenario, key: string, raw: string): Edit<Scenario> {
  const changed = withParam(s.baseline, BASELINE_PARAMS[s.baseline.kind], key, raw)
  if (changed instanceof WattprintError) return { ok: false, error: changed }
  const parsed = BaselineSchema.safeParse(changed)
  return parsed.success ? { ok: true, value: { ...s, baseline: parsed.data } } : { ok: false, error: fromZodError(parsed.error) }
}

/** Sets parameter `key` of the site from a form's text (an empty price is no price), checked by the site schema. */
export function setSiteParam(s: Scenario, key: string, raw: string): Edit<Scenario> {
  const changed = withParam(s.site, SITE_PARAMS, key, raw)
  if (changed instanceof WattprintError) return { ok: false, error: changed }
  const parsed = SiteSchema.safeParse(changed)
  return parsed.success ? { ok: true, value: { ...s, site: parsed.data } } : { ok: false, error: fromZodError(parsed.error) }
}

/** Where an edit's refusal is shown: lever `j` of variant `i`, the baseline, or the site, then the parameter. */
export const leverFieldId = (i: number, j: number, key: string): string => `variants.${i}.levers.${j}.${key}`
export const baselineFieldId = (key: string): string => `baseline.${key}`
export const siteFieldId = (key: string): string => `site.${key}`

/** A scenario file (the CLI's `wattprint scenario FILE` reads the same): its JSON, checked by the contract's schema. */
export function parseScenarioFile(text: string): Edit<Scenario> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    // JSON.parse's own words say where the text breaks.
    const detail = e instanceof Error ? e.message : String(e)
    return { ok: false, error: new WattprintError('bad-input', 'pack.not-json', { detail }, { raw: detail }) }
  }
  const parsed = ScenarioSchema.safeParse(json)
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: fromZodError(parsed.error) }
}

/** The file name a scenario is exported under. */
export const scenarioFileName = (name: string): string => `${name.replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario'}.json`

/** A scenario as a file, readable by the CLI. */
export const scenarioJson = (s: Scenario): string => `${JSON.stringify(s, null, 2)}\n`

/** Where scenarios are saved: `localStorage` in the app, a map in tests. Writing may throw (quota). */
export interface KeyValueStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}
export const SAVED_SCENARIOS_KEY = 'wattprint.scenarios'

/**
 * The saved scenarios: those the schema accepts, and any entry it does not (an older format, a
 * hand edit), kept as it was so that saving again loses nothing.
 */
export interface Shelf {
  scenarios: Scenario[]
  unreadable: unknown[]
}

export function readShelf(storage: KeyValueStorage): Shelf {
  const text = storage.getItem(SAVED_SCENARIOS_KEY)
  if (text === null) return { scenarios: [], unreadable: [] }
  let entries: unknown
  try {
    entries = JSON.parse(text)
  } catch {
    return { scenarios: [], unreadable: [text] }
  }
  const shelf: Shelf = { scenarios: [], unreadable: [] }
  for (const entry of Array.isArray(entries) ? entries : [entries]) {
    const parsed = ScenarioSchema.safeParse(entry)
    if (parsed.success) shelf.scenarios.push(parsed.data)
    else shelf.unreadable.push(entry)
  }
  return shelf
}

/** `scenario` saved under its name: a copy, replacing any saved under the same name, last in the list. */
export function shelve(shelf: Shelf, scenario: Scenario): Shelf {
  return { ...shelf, scenarios: [...shelf.scenarios.filter((s) => s.name !== scenario.name), structuredClone(scenario)] }
}

export function writeShelf(storage: KeyValueStorage, shelf: Shelf): void {
  storage.setItem(SAVED_SCENARIOS_KEY, JSON.stringify([...shelf.scenarios, ...shelf.unreadable]))
}

/**
 * What went wrong, as a message: a domain error's code and parameters (a `WattprintError`, or the
 * error body a bridge rejects with), or the words of any other error.
 */
export function messageOf(e: unknown): Message {
  if (typeof e === 'object' && e !== null && 'code' in e && 'params' in e && typeof e.code === 'string' && isMessageCode(e.code) && isParams(e.params)) {
    return { code: e.code, params: e.params }
  }
  // An error body that is no domain error still has its English sentence.
  const text = typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string' ? e.message : String(e)
  return message('text', { text })
}

function isParams(value: unknown): value is MessageParams {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string' || typeof v === 'number')
}

/** A message's numbers written for `locale` (1,000,000 in English, 1 000 000 in French), every digit kept. */
export function paramsInLocale(params: MessageParams, locale: string): MessageParams {
  const format = new Intl.NumberFormat(locale, { maximumSignificantDigits: 6, maximumFractionDigits: 0, roundingPriority: 'morePrecision' })
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? format.format(v) : v]))
}
