import type { Embodied } from '../contract/footprint.ts'
import { formatText, message } from '../contract/messages.ts'
import type { Factor } from '../contract/provenance.ts'
import type { DataPack } from '../contract/reference.ts'
import type { Settings } from '../contract/settings.ts'
import { asFactor } from './data-pack.ts'
import { measurementFactor } from './measurement.ts'
import { divide, exact, plus, ranged, scale, times, type Ranged } from './ranged.ts'
import { rangeOf } from './footprint.ts'

const YEAR_MS = 365.25 * 86_400_000

/** A device as the embodied figure needs it: a GPU, and when it was seen in the period. */
export interface EmbodiedDevice {
  deviceId: string
  name: string
  domain: string
  /** First and last reading in the period (epoch ms, to the rollup bucket); absent when it has none. */
  seenMs?: { first: number; last: number } | undefined
  /** Time its readings were integrated over, s: the least time it was there (a span inside one rollup bucket reads 0). */
  integratedS: number
}

/**
 * Which manufacturing figure describes a GPU, by its name: NVIDIA's H100 PCF, ADEME's A100, or the
 * consumer-card proxy (ADEME's GTX 1080 Ti .. TITAN RTX) for everything else. Named, never guessed silently.
 */
export function embodiedFactorIdFor(name: string): string {
  if (/\bH(100|200)\b/i.test(name)) return 'embodied-h100'
  if (/\bA100\b/i.test(name)) return 'embodied-a100'
  return 'embodied-consumer-gpu'
}

/** The user's own figure for their card, as a factor (no range: they know it). */
function userEmbodiedFactor(kg: number): Factor {
  const label = message('factor.embodied-user')
  return {
    id: 'embodied:user',
    label: formatText('en', label),
    value: kg,
    unit: 'kg CO2e',
    year: null,
    origin: 'user',
    source: null,
    text: { label, note: null },
  }
}

/** The lifetime in use: the user's, else the data set's (Boavizta's 4 years, 3-6). */
export function lifetimeFactor(settings: Pick<Settings, 'embodiedLifetimeYears'>, pack: DataPack): Factor {
  if (settings.embodiedLifetimeYears !== null) {
    const label = message('factor.lifetime-user')
    return {
      id: 'lifetime:user',
      label: formatText('en', label),
      value: settings.embodiedLifetimeYears,
      unit: 'years',
      year: null,
      origin: 'user',
      source: null,
      text: { label, note: null },
    }
  }
  return asFactor(measurementFactor(pack, 'embodied-lifetime'))
}

const rangedOf = (f: Factor): Ranged => {
  const [low, high] = rangeOf(f)
  return ranged(f.value, low, high)
}

/**
 * The GPUs' manufacturing carbon allotted to a period, kept apart from the operational figure:
 * each GPU's cradle-to-gate CO2e × (its time in the period ÷ its lifetime), linear allocation as in
 * Boavizta's API and the SCI. Time in the period runs from its first to its last reading there
 * (calendar time owned, not only time busy), and is never less than the time its readings cover. Null when no GPU was recorded.
 */
export function embodiedFigure(
  devices: readonly EmbodiedDevice[],
  sinceMs: number,
  untilMs: number,
  settings: Pick<Settings, 'embodiedLifetimeYears' | 'gpuEmbodiedKg'>,
  pack: DataPack,
): Embodied | null {
  const gpus = devices.filter((d) => d.domain === 'gpu' && d.seenMs)
  if (gpus.length === 0) return null
  const lifetime = lifetimeFactor(settings, pack)
  const perLifetimeMs = divide(exact(1), scale(rangedOf(lifetime), YEAR_MS))
  let total = exact(0)
  const perDevice = gpus.map((d) => {
    const factor = settings.gpuEmbodiedKg !== null ? userEmbodiedFactor(settings.gpuEmbodiedKg) : asFactor(measurementFactor(pack, embodiedFactorIdFor(d.name)))
    const first = Math.max(sinceMs, d.seenMs?.first ?? sinceMs)
    const last = Math.min(untilMs, d.seenMs?.last ?? sinceMs)
    const spanMs = Math.max(0, last - first, d.integratedS * 1000)
    // Share of the lifetime: span ÷ lifetime; a longer lifetime gives the low end.
    const share = times(exact(spanMs), perLifetimeMs)
    const kg = times(rangedOf(factor), share)
    total = plus(total, kg)
    return { deviceId: d.deviceId, name: d.name, factor, spanS: spanMs / 1000, co2eKg: kg.value, co2eRangeKg: [kg.low, kg.high] as [number, number] }
  })
  return { co2eKg: total.value, co2eRangeKg: [total.low, total.high], lifetime, devices: perDevice }
}
