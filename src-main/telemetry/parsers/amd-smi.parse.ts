import { emptyReading, type DeviceInfo } from '../reading.ts'
import { bytesFromMebibytes } from './units.ts'
import { printable } from './sysfs-values.ts'
import { sanitizeName } from './nvidia-smi-csv.parse.ts'
import { describe, isRecord, MAX_PLAUSIBLE_POWER_W, parseJson, type AmdToolGpu, type AmdToolResult } from './rocm-smi.parse.ts'

/**
 * What identifies a GPU across amd-smi's commands: `amd-smi metric` gives only the index (`gpu`),
 * `amd-smi list --json` adds the PCI address and UUID, `amd-smi static --json` the market name,
 * VRAM size and power limit. Probe once with list/static, then parse every metric with them.
 */
export interface AmdSmiIdentity {
  gpu: number
  bdf: string | null
  uuid: string | null
  name: string | null
  memTotalB: number | null
  powerLimitW: number | null
}

const MAX_PLAUSIBLE_BYTES = 4 * 1024 ** 4
const PLAUSIBLE_TEMP_C = { min: -40, max: 150 } as const
const BDF = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Units amd-smi writes beside a value and their factor to W, J, %, °C, B or MHz; `bare`: the unit of a number without one. */
const UNITS = {
  power: { units: { W: 1, mW: 0.001, uW: 1e-6, µW: 1e-6 }, bare: 'W' },
  energy: { units: { J: 1, kJ: 1000, mJ: 0.001, uJ: 1e-6, µJ: 1e-6 }, bare: 'J' },
  percent: { units: { '%': 1 }, bare: '%' },
  temperature: { units: { C: 1, '°C': 1 }, bare: 'C' },
  // amd-smi's "MB" is MiB: it divides bytes by 1024 × 1024 (amdsmi_commands.py, mem_usage).
  memory: { units: { MB: bytesFromMebibytes(1), MiB: bytesFromMebibytes(1), GB: bytesFromMebibytes(1024), B: 1 }, bare: 'MB' },
  clock: { units: { MHz: 1, GHz: 1000 }, bare: 'MHz' },
} as const satisfies Record<string, { units: Readonly<Record<string, number>>; bare: string }>

/**
 * The GPU entries of an amd-smi `--json` output: a bare array (amdsmi_logger.py up to ROCm 6.3) or
 * the `{"gpu_data": [...]}` envelope of newer releases. Null when it is neither.
 */
function gpuEntries(root: unknown): unknown[] | null {
  if (Array.isArray(root)) return root
  if (isRecord(root) && Array.isArray(root.gpu_data)) return root.gpu_data
  return null
}

/**
 * Parses `amd-smi metric --json` (or `metric -p -E -u -m -t -c --json`): per GPU, `power.socket_power`
 * (W: current socket power on MI300 and later, average elsewhere), `energy.total_energy_consumption`
 * (J: the energy accumulator × its resolution), `usage.gfx_activity` / `usage.umc_activity` (%),
 * `mem_usage.used_vram` / `total_vram` ("MB", i.e. MiB), `temperature.edge` / `hotspot` (°C) and
 * `clock.gfx_0.clk` (MHz). Each value is `{"value": …, "unit": …}` or "N/A". Devices are keyed
 * `amd:<uuid>`, else `amd:<bdf>`, from `identities` (list/static); else `amd:gpu<N>`. Never throws.
 */
export function parseAmdSmiMetricJson(text: string, wallMs: number, identities: readonly AmdSmiIdentity[] = []): AmdToolResult {
  const parsed = parseJson(text)
  if (!parsed.ok) return parsed
  const entries = gpuEntries(parsed.value)
  if (!entries)
    return { ok: false, reason: 'not-an-object', detail: `amd-smi metric --json printed ${describe(parsed.value)}, not a list of GPUs or {"gpu_data": [...]}` }
  const gpus: AmdToolGpu[] = []
  const skipped: { key: string; detail: string }[] = []
  entries.forEach((entry, position) => {
    const gpu = isRecord(entry) ? entry.gpu : undefined
    if (!isRecord(entry) || typeof gpu !== 'number' || !Number.isSafeInteger(gpu) || gpu < 0 || gpu > 255) {
      skipped.push({ key: `#${position}`, detail: `entry ${position} is ${describe(entry)} without a "gpu" index 0–255` })
      return
    }
    gpus.push(readMetric(entry, gpu, wallMs, identities.find((i) => i.gpu === gpu) ?? null))
  })
  if (gpus.length === 0) return { ok: false, reason: 'no-gpus', detail: `no GPU entry in amd-smi metric --json${skipped[0] ? ` (${skipped[0].detail})` : ''}` }
  return { ok: true, gpus, skipped }
}

function readMetric(entry: Record<string, unknown>, gpu: number, wallMs: number, identity: AmdSmiIdentity | null): AmdToolGpu {
  const notes: AmdToolGpu['notes'] = []
  const deviceId = `amd:${identity?.uuid ?? identity?.bdf ?? `gpu${gpu}`}`
  const device: DeviceInfo = {
    deviceId,
    index: gpu,
    name: identity?.name ?? `AMD GPU ${gpu}`,
    memTotalB: identity?.memTotalB ?? null,
    source: 'amd-smi',
    domain: 'gpu',
    method: 'sampled-power',
    pciAddress: identity?.bdf ?? null,
    vendor: 'amd',
  }
  const reading = emptyReading(deviceId, wallMs)
  const get = (path: string, kind: keyof typeof UNITS, min: number, max: number): number | null => valueAt(entry, path, kind, min, max, notes)

  reading.powerW = get('power.socket_power', 'power', 0, MAX_PLAUSIBLE_POWER_W)
  const limitW = get('power.power_limit', 'power', 0, MAX_PLAUSIBLE_POWER_W) ?? identity?.powerLimitW ?? null
  reading.powerLimitW = limitW === 0 ? null : limitW
  const energyJ = get('energy.total_energy_consumption', 'energy', 0, Number.MAX_VALUE)
  // A counter at exactly 0 is one the GPU does not keep: unknown.
  reading.energyCounterJ = energyJ === 0 ? null : energyJ
  if (reading.energyCounterJ !== null) device.method = 'counter'
  reading.utilPct = get('usage.gfx_activity', 'percent', 0, 100)
  reading.memUtilPct = get('usage.umc_activity', 'percent', 0, 100)
  reading.memUsedB = get('mem_usage.used_vram', 'memory', 0, MAX_PLAUSIBLE_BYTES)
  const totalB = get('mem_usage.total_vram', 'memory', 0, MAX_PLAUSIBLE_BYTES)
  if (totalB !== null && totalB > 0) device.memTotalB = totalB
  reading.tempC =
    get('temperature.edge', 'temperature', PLAUSIBLE_TEMP_C.min, PLAUSIBLE_TEMP_C.max) ??
    get('temperature.hotspot', 'temperature', PLAUSIBLE_TEMP_C.min, PLAUSIBLE_TEMP_C.max)
  reading.smClockMhz = get('clock.gfx_0.clk', 'clock', 0, 10_000)
  return { device, reading, notes }
}

/** `amd-smi list --json`: `[{"gpu": 0, "bdf": "0000:03:00.0", "uuid": "…"}]` (or under `gpu_data`). Entries it cannot read are left out. */
export function parseAmdSmiListJson(text: string): AmdSmiIdentity[] {
  return identitiesFrom(text, (entry, identity) => {
    identity.bdf = bdfOf(entry.bdf)
    identity.uuid = typeof entry.uuid === 'string' && UUID.test(entry.uuid.trim().toLowerCase()) ? entry.uuid.trim().toLowerCase() : null
  })
}

/**
 * `amd-smi static --json`: per GPU, `asic.market_name`, `bus.bdf`, `vram.size` ({value, unit: MB})
 * and `limit.max_power` / `limit.socket_power` (W). Entries it cannot read are left out.
 */
export function parseAmdSmiStaticJson(text: string): AmdSmiIdentity[] {
  return identitiesFrom(text, (entry, identity) => {
    const notes: AmdToolGpu['notes'] = []
    const market = pathValue(entry, 'asic.market_name')
    const name = typeof market === 'string' && !/^n\/a$/i.test(market.trim()) ? sanitizeName(market) : null
    identity.name = name ? (/^amd\b/i.test(name) ? name : `AMD ${name}`) : null
    identity.bdf = bdfOf(pathValue(entry, 'bus.bdf'))
    const size = valueAt(entry, 'vram.size', 'memory', 0, MAX_PLAUSIBLE_BYTES, notes)
    identity.memTotalB = size === 0 ? null : size
    const limit =
      valueAt(entry, 'limit.socket_power', 'power', 0, MAX_PLAUSIBLE_POWER_W, notes) ??
      valueAt(entry, 'limit.max_power', 'power', 0, MAX_PLAUSIBLE_POWER_W, notes)
    identity.powerLimitW = limit === 0 ? null : limit
  })
}

/** Identities from two sources (list, static) merged by GPU index, the first non-null value of each field winning. */
export function mergeAmdSmiIdentities(...lists: readonly (readonly AmdSmiIdentity[])[]): AmdSmiIdentity[] {
  const byGpu = new Map<number, AmdSmiIdentity>()
  for (const list of lists) {
    for (const identity of list) {
      const known = byGpu.get(identity.gpu)
      if (!known) byGpu.set(identity.gpu, { ...identity })
      else
        for (const key of ['bdf', 'uuid', 'name', 'memTotalB', 'powerLimitW'] as const) {
          if (known[key] === null) Object.assign(known, { [key]: identity[key] })
        }
    }
  }
  return [...byGpu.values()].sort((a, b) => a.gpu - b.gpu)
}

function identitiesFrom(text: string, fill: (entry: Record<string, unknown>, identity: AmdSmiIdentity) => void): AmdSmiIdentity[] {
  const parsed = parseJson(text)
  const entries = parsed.ok ? gpuEntries(parsed.value) : null
  const identities: AmdSmiIdentity[] = []
  for (const entry of entries ?? []) {
    if (!isRecord(entry) || typeof entry.gpu !== 'number' || !Number.isSafeInteger(entry.gpu) || entry.gpu < 0 || entry.gpu > 255) continue
    const identity: AmdSmiIdentity = { gpu: entry.gpu, bdf: null, uuid: null, name: null, memTotalB: null, powerLimitW: null }
    fill(entry, identity)
    identities.push(identity)
  }
  return identities
}

function bdfOf(value: unknown): string | null {
  const bdf = typeof value === 'string' ? value.trim().toLowerCase() : ''
  return BDF.test(bdf) ? bdf : null
}

/** `a.b.c` inside nested objects, or undefined. */
function pathValue(entry: Record<string, unknown>, path: string): unknown {
  let at: unknown = entry
  for (const part of path.split('.')) {
    if (!isRecord(at) || !Object.hasOwn(at, part)) return undefined
    at = at[part]
  }
  return at
}

/**
 * A value at `path` in SI units: `{"value": 42, "unit": "W"}` (--json), a bare number (in the
 * unit amd-smi uses for that kind: W, J, %, °C, MB, MHz), or a string `"42 W"` (older outputs). "N/A" and absent are null; a value with
 * an unknown unit or outside [min, max] is null and noted.
 */
function valueAt(entry: Record<string, unknown>, path: string, kind: keyof typeof UNITS, min: number, max: number, notes: AmdToolGpu['notes']): number | null {
  const raw = pathValue(entry, path)
  if (raw === undefined || raw === null) return null
  let value: unknown = raw
  let unit: unknown = null
  if (isRecord(raw)) {
    value = raw.value
    unit = raw.unit ?? null
  } else if (typeof raw === 'string') {
    if (/^n\/a\b/i.test(raw.trim())) return null
    const m = /^(-?\d{1,20}(?:\.\d{1,12})?)\s*([^\d\s]{1,4})?$/.exec(raw.trim())
    if (!m) {
      notes.push({ note: 'bad-value', detail: `${path}: "${printable(raw, 40)}" is not a number` })
      return null
    }
    value = Number(m[1])
    unit = m[2] ?? null
  }
  if (typeof value === 'string' && /^n\/a\b/i.test(value.trim())) return null
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    notes.push({ note: 'bad-value', detail: `${path}: ${printable(JSON.stringify(value) ?? 'undefined', 40)} is not a number` })
    return null
  }
  const units: Readonly<Record<string, number>> = UNITS[kind].units
  const unitName = unit === null ? UNITS[kind].bare : typeof unit === 'string' ? unit.trim() : ''
  const factor = Object.hasOwn(units, unitName) ? units[unitName] : undefined
  if (factor === undefined) {
    notes.push({ note: 'bad-value', detail: `${path}: unit "${printable(String(unit), 10)}" is not one of ${Object.keys(units).join(', ')}` })
    return null
  }
  const si = value * factor
  if (si < min || si > max) {
    notes.push({ note: 'bad-value', detail: `${path}: ${value}${unit === null ? '' : ` ${printable(String(unit), 10)}`} is outside what a GPU reports` })
    return null
  }
  return si
}
