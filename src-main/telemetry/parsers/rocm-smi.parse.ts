import { emptyReading, type DeviceInfo, type Reading } from '../reading.ts'
import { joulesFromMicrojoules } from './units.ts'
import { printable } from './sysfs-values.ts'
import { sanitizeName } from './nvidia-smi-csv.parse.ts'

/** Something worth saying about one GPU's figures (with a detail in English for logs). */
export type AmdToolNote =
  /** "N/A (Secondary die)": the second die of a dual-die card; its power is in the primary die's figure. */
  | 'secondary-die'
  /** A field held something that is not a plausible value: that figure is unknown. */
  | 'bad-value'

/** One GPU as an AMD tool (rocm-smi, amd-smi) reported it. */
export interface AmdToolGpu {
  device: DeviceInfo
  reading: Reading
  notes: { note: AmdToolNote; detail: string }[]
}

export type AmdToolRefusal = 'not-json' | 'not-an-object' | 'no-gpus'

/** A parse that read what it could (`skipped` says what and why), or a refusal of the whole text. */
export type AmdToolResult = { ok: true; gpus: AmdToolGpu[]; skipped: { key: string; detail: string }[] } | { ok: false; reason: AmdToolRefusal; detail: string }

/** Highest believable board power, W. */
export const MAX_PLAUSIBLE_POWER_W = 3000
const MAX_PLAUSIBLE_BYTES = 4 * 1024 ** 4
const PLAUSIBLE_TEMP_C = { min: -40, max: 150 } as const
const PCI_BUS = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/
/** The longest tool output we parse: a few GPUs of rocm-smi --json are well under 1 MB. */
const MAX_TEXT_CHARS = 8 * 1024 * 1024

/** `rocm-smi --json` field names (as ROCm 4.3 to 6.1 print them; matched lower-cased, so `Card series` = `Card Series`). */
const FIELDS = {
  currentPower: 'current socket graphics package power (w)',
  averagePower: 'average graphics package power (w)',
  maxPower: 'max graphics package power (w)',
  energyUJ: 'accumulated energy (uj)',
  util: 'gpu use (%)',
  memUtil: ['gpu memory use (%)', 'gpu memory read/write activity (%)'],
  vramUsed: 'vram total used memory (b)',
  vramTotal: 'vram total memory (b)',
  temp: ['temperature (sensor edge) (c)', 'temperature (sensor junction) (c)'],
  sclk: 'sclk clock speed:',
  uniqueId: 'unique id',
  bus: 'pci bus',
  name: ['device name', 'card series'],
  deviceId: ['device id', 'gpu id'],
} as const

/**
 * Parses `rocm-smi --json` (`-P` power, `-t` temperature, `-u` use, `--showmeminfo vram`, `-c`
 * clocks, `--showenergycounter`, `--showuniqueid`, `--showbus`, `--showproductname`): one object per
 * `cardN`, every value a string. Keys change case between ROCm versions; power is "Average" (Navi,
 * MI200 and earlier) or "Current Socket" (MI300); `N/A (Secondary die)` is the second die of a
 * dual-die card, whose power is counted in the first die's. Never throws.
 */
export function parseRocmSmiJson(text: string, wallMs: number): AmdToolResult {
  const parsed = parseJson(text)
  if (!parsed.ok) return parsed
  const root = parsed.value
  if (!isRecord(root)) return { ok: false, reason: 'not-an-object', detail: `rocm-smi --json printed ${describe(root)}, not an object of cards` }
  const gpus: AmdToolGpu[] = []
  const skipped: { key: string; detail: string }[] = []
  const cards = Object.keys(root)
    .filter((key) => /^card\d{1,4}$/i.test(key))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
  for (const key of cards) {
    const card = root[key]
    if (!isRecord(card)) {
      skipped.push({ key, detail: `${key} is ${describe(card)}, not an object` })
      continue
    }
    gpus.push(readCard(key, normalizeKeys(card), wallMs))
  }
  if (gpus.length === 0)
    return { ok: false, reason: 'no-gpus', detail: `no cardN object in rocm-smi --json (keys: ${printable(Object.keys(root).join(', '), 80) || 'none'})` }
  return { ok: true, gpus, skipped }
}

function readCard(key: string, card: ReadonlyMap<string, unknown>, wallMs: number): AmdToolGpu {
  const notes: AmdToolGpu['notes'] = []
  const index = Number(key.slice(4))
  const uniqueId = textField(card, FIELDS.uniqueId)
  const bus = (textField(card, FIELDS.bus) ?? '').toLowerCase()
  const pciAddress = PCI_BUS.test(bus) ? bus : null
  const deviceId = `amd:${uniqueId && /^0x[0-9a-f]{1,32}$/i.test(uniqueId) ? uniqueId.toLowerCase() : (pciAddress ?? key.toLowerCase())}`
  const device: DeviceInfo = {
    deviceId,
    index,
    name: cardName(card, key),
    memTotalB: null,
    source: 'rocm-smi',
    domain: 'gpu',
    method: 'sampled-power',
    pciAddress,
    vendor: 'amd',
  }
  const reading = emptyReading(deviceId, wallMs)
  const num = (field: string | readonly string[], min: number, max: number): number | null => numberField(card, field, min, max, notes)

  const powerField = card.has(FIELDS.currentPower) ? FIELDS.currentPower : FIELDS.averagePower
  const powerText = textField(card, powerField)
  if (powerText !== null && /secondary die/i.test(powerText)) {
    notes.push({ note: 'secondary-die', detail: `${key}: ${printable(powerText, 40)}: its power is counted in the primary die's figure` })
  } else {
    reading.powerW = num(powerField, 0, MAX_PLAUSIBLE_POWER_W)
  }
  const limitW = num(FIELDS.maxPower, 0, MAX_PLAUSIBLE_POWER_W)
  reading.powerLimitW = limitW === 0 ? null : limitW
  const energyUJ = num(FIELDS.energyUJ, 0, Number.MAX_VALUE)
  // A counter at exactly 0 is one the GPU does not keep: unknown, like amdgpu/xe hwmon.
  reading.energyCounterJ = energyUJ === null || energyUJ === 0 ? null : joulesFromMicrojoules(energyUJ)
  if (reading.energyCounterJ !== null) device.method = 'counter'
  reading.utilPct = num(FIELDS.util, 0, 100)
  reading.memUtilPct = num(FIELDS.memUtil, 0, 100)
  reading.memUsedB = num(FIELDS.vramUsed, 0, MAX_PLAUSIBLE_BYTES)
  const totalB = num(FIELDS.vramTotal, 0, MAX_PLAUSIBLE_BYTES)
  device.memTotalB = totalB === 0 ? null : totalB
  reading.tempC = num(FIELDS.temp, PLAUSIBLE_TEMP_C.min, PLAUSIBLE_TEMP_C.max)
  const sclk = /^\((\d{1,5})\s*mhz\)$/i.exec(textField(card, FIELDS.sclk) ?? '')
  reading.smClockMhz = sclk ? Number(sclk[1]) : null
  return { device, reading, notes }
}

/**
 * The marketing name in brackets (`Navi 22 [Radeon RX 6700/6700 XT / 6800M]` → `AMD Radeon RX 6700/6700 XT / 6800M`),
 * the series as it is, or, when the series is a bare hex id (ROCm 4.3 prints `0x1002`), "AMD GPU (0x73df)".
 */
function cardName(card: ReadonlyMap<string, unknown>, key: string): string {
  for (const field of FIELDS.name) {
    const raw = textField(card, field)
    if (!raw || /^0x[0-9a-f]+$/i.test(raw) || /^n\/a$/i.test(raw)) continue
    const bracket = /\[([^\]]+)\]/.exec(raw)?.[1] ?? raw
    const name = sanitizeName(bracket)
    if (name) return /^amd\b/i.test(name) ? name : `AMD ${name}`
  }
  for (const field of FIELDS.deviceId) {
    const id = textField(card, field)
    if (id && /^0x[0-9a-f]{1,4}$/i.test(id)) return `AMD GPU (${id.toLowerCase()})`
  }
  return `AMD GPU (${key.toLowerCase()})`
}

/** A parse of the whole text as JSON, or a refusal (text too long, not JSON). */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: 'not-json'; detail: string } {
  if (typeof text !== 'string' || text.length > MAX_TEXT_CHARS) return { ok: false, reason: 'not-json', detail: 'output missing or larger than 8 MB' }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return {
      ok: false,
      reason: 'not-json',
      detail: `not JSON (${printable(error instanceof Error ? error.message : String(error), 80)}): "${printable(text, 60)}"`,
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** What a JSON value is, for a refusal's detail. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

function normalizeKeys(record: Record<string, unknown>): Map<string, unknown> {
  const map = new Map<string, unknown>()
  for (const [key, value] of Object.entries(record)) map.set(key.toLowerCase().replace(/\s+/g, ' ').trim(), value)
  return map
}

function textField(card: ReadonlyMap<string, unknown>, field: string): string | null {
  const value = card.get(field)
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return typeof value === 'string' ? value.trim() : null
}

/** The first of `fields` present, as a number within [min, max]; "N/A" and absent are null, anything else is noted. */
function numberField(
  card: ReadonlyMap<string, unknown>,
  fields: string | readonly string[],
  min: number,
  max: number,
  notes: AmdToolGpu['notes'],
): number | null {
  for (const field of typeof fields === 'string' ? [fields] : fields) {
    const text = textField(card, field)
    if (text === null || text === '' || /^n\/a\b/i.test(text)) continue
    if (!/^-?\d{1,20}(\.\d{1,12})?$/.test(text)) {
      notes.push({ note: 'bad-value', detail: `"${field}": "${printable(text, 40)}" is not a number` })
      return null
    }
    const value = Number(text)
    if (value < min || value > max) {
      notes.push({ note: 'bad-value', detail: `"${field}": ${value} is outside ${min}–${max}` })
      return null
    }
    return value
  }
  return null
}
