/**
 * A fleet's energy from Prometheus series: counters by their increase (resets counted), power
 * gauges by their mean over each step × the step. Each device is counted once, from the best
 * series it has (Wattprint's own, then DCGM's energy counter, then a power gauge).
 */

/** Where a series comes from, best first: which one counts when a GPU has several. */
export const FLEET_FAMILIES = ['wattprint', 'dcgm-energy', 'dcgm-power', 'nvidia-gpu-exporter'] as const
export type FleetFamily = (typeof FLEET_FAMILIES)[number]

/** How the energy of a series was worked out (said beside every figure). */
export type FleetMethod = 'counter-increase' | 'power-integration'

export interface FleetSeries {
  family: FleetFamily
  labels: Readonly<Record<string, string>>
  /** [unix seconds, value] as Prometheus' query_range returns them, in time order. */
  values: readonly (readonly [number, number])[]
}

export interface FleetDevice {
  /** The machine: DCGM's Hostname, else the scrape target's host (instance without its port). */
  machine: string
  /** The GPU's UUID (or Wattprint's device key), unique within the machine. */
  device: string
  name: string
  family: FleetFamily
  method: FleetMethod
  /** Wattprint's own source and method labels when the series is Wattprint's. */
  source: string
  energyJ: number
  /** Seconds between the first and last point counted. */
  coveredS: number
  maxPowerW: number | null
  points: number
  resets: number
  firstMs: number | null
  lastMs: number | null
  /** The labels of the series counted (Wattprint's carry its domain and method). */
  labels: Readonly<Record<string, string>>
  /** The energy by local hour of day (index 0-23), J: what a time-of-use tariff prices. */
  byLocalHourJ: number[]
}

/**
 * A counter's increase between its first and last points, resets counted: a value below the one
 * before it means the counter restarted (a driver reload, a reboot), and it counts from zero again.
 * Prometheus' increase() does the same, then extrapolates to the window's edges; this does not.
 */
export function counterIncrease(values: FleetSeries['values']): { increase: number; resets: number } {
  let resets = 0
  for (let i = 1; i < values.length; i++) {
    const [before, now] = [values[i - 1]?.[1] ?? 0, values[i]?.[1] ?? 0]
    if (Number.isFinite(before) && Number.isFinite(now) && now < before) resets++
  }
  return { increase: counterRises(values).reduce((sum, rise) => sum + rise, 0), resets }
}

/** What a counter rose by at each point since the one before (0 at the first, or beside a value that is not a number). */
function counterRises(values: FleetSeries['values']): number[] {
  return values.map(([, now], i) => {
    const before = values[i - 1]?.[1]
    if (before === undefined || !Number.isFinite(before) || !Number.isFinite(now)) return 0
    return now >= before ? now - before : now
  })
}

/**
 * Energy from the mean power of each step (avg_over_time over the step before each point) × the
 * step. A missing point (no sample in that step: the machine was off or not scraped) adds nothing.
 */
export function meanPowerEnergy(values: FleetSeries['values'], stepS: number): { energyJ: number; coveredS: number; maxPowerW: number | null } {
  let energyJ = 0
  let coveredS = 0
  let maxPowerW: number | null = null
  for (const [, meanW] of values) {
    if (!Number.isFinite(meanW) || meanW < 0) continue
    energyJ += meanW * stepS
    coveredS += stepS
    maxPowerW = Math.max(maxPowerW ?? 0, meanW)
  }
  return { energyJ, coveredS, maxPowerW }
}

/** The machine a series belongs to. */
export function machineOf(labels: Readonly<Record<string, string>>): string {
  if (labels.Hostname) return labels.Hostname
  const instance = labels.instance ?? 'unknown'
  // host:port, [v6]:port, or a bare name.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(instance)
  if (bracketed) return bracketed[1] ?? instance
  return instance.replace(/:\d+$/, '')
}

/**
 * A GPU's UUID however an exporter writes it: Wattprint and DCGM "GPU-1a2b…", nvidia_gpu_exporter
 * lower-cased without "gpu-". Null when the series names none.
 */
export function normalisedUuid(labels: Readonly<Record<string, string>>): string | null {
  const raw = labels.UUID ?? labels.uuid ?? (labels.device && /^gpu-/i.test(labels.device) ? labels.device : undefined)
  return raw ? raw.toLowerCase().replace(/^gpu-/, '') : null
}

/** What a device is called in the report: its UUID as NVIDIA writes it, else Wattprint's key or the GPU index. */
function deviceOf(series: FleetSeries): string {
  const l = series.labels
  const uuid = normalisedUuid(l)
  if (uuid) return `GPU-${uuid}`
  return l.device ?? `${l.gpu ?? l.index ?? '?'}`
}

/** One key per physical device: its UUID wherever it is read (a GPU read by two exporters, even named as two machines), else machine and name. */
function keyOf(series: FleetSeries): string {
  const uuid = normalisedUuid(series.labels)
  return uuid ? `uuid:${uuid}` : `${machineOf(series.labels)}\u0000${deviceOf(series)}`
}

function nameOf(series: FleetSeries): string {
  const l = series.labels
  return l.name ?? l.modelName ?? l.gpu_name ?? (l.gpu !== undefined ? `GPU ${l.gpu}` : deviceOf(series))
}

/** Joules per unit of each family's values: DCGM's energy counter is in millijoules. */
const JOULES_PER_UNIT: Record<FleetFamily, number> = { wattprint: 1, 'dcgm-energy': 0.001, 'dcgm-power': 1, 'nvidia-gpu-exporter': 1 }

/** One series' energy over the period, by its family's method. */
function seriesDevice(s: FleetSeries, stepS: number): FleetDevice {
  const counter = s.family === 'wattprint' || s.family === 'dcgm-energy'
  const first = s.values[0]
  const last = s.values.at(-1)
  const common = {
    machine: machineOf(s.labels),
    device: deviceOf(s),
    name: nameOf(s),
    family: s.family,
    source: s.family === 'wattprint' ? (s.labels.source ?? 'wattprint') : s.family,
    points: s.values.length,
    firstMs: first ? first[0] * 1000 : null,
    lastMs: last ? last[0] * 1000 : null,
    labels: s.labels,
  }
  const byLocalHourJ = energyByLocalHour(s, stepS)
  if (counter) {
    const { increase, resets } = counterIncrease(s.values)
    const coveredS = first && last ? last[0] - first[0] : 0
    return { ...common, method: 'counter-increase', energyJ: increase * JOULES_PER_UNIT[s.family], coveredS, maxPowerW: null, resets, byLocalHourJ }
  }
  const integrated = meanPowerEnergy(s.values, stepS)
  return {
    ...common,
    method: 'power-integration',
    energyJ: integrated.energyJ,
    coveredS: integrated.coveredS,
    maxPowerW: integrated.maxPowerW,
    resets: 0,
    byLocalHourJ,
  }
}

/** Each point's share of the energy (a counter's rise since the point before, or mean power × step) by the local hour it ends in, J. */
function energyByLocalHour(s: FleetSeries, stepS: number): number[] {
  const hours = Array.from({ length: 24 }, () => 0)
  const counter = s.family === 'wattprint' || s.family === 'dcgm-energy'
  const rises = counter ? counterRises(s.values) : []
  s.values.forEach(([t, v], i) => {
    const joules = counter ? (rises[i] ?? 0) * JOULES_PER_UNIT[s.family] : Number.isFinite(v) && v >= 0 ? v * stepS : 0
    const hour = new Date(t * 1000).getHours()
    hours[hour] = (hours[hour] ?? 0) + joules
  })
  return hours
}

/**
 * Each device once, from its best family of series, with its energy over the period. Several
 * series of that family for one device (a label that changed: Wattprint's source after a driver
 * update, a factor) each count what they gained, added together.
 */
export function fleetDevices(series: readonly FleetSeries[], stepS: number): FleetDevice[] {
  const byDevice = new Map<string, FleetSeries[]>()
  for (const s of series) {
    if (s.values.length === 0) continue
    const key = keyOf(s)
    byDevice.set(key, [...(byDevice.get(key) ?? []), s])
  }
  return [...byDevice.values()].map((all) => {
    const family = FLEET_FAMILIES.find((f) => all.some((s) => s.family === f)) ?? 'wattprint'
    // Series that follow one another (a label changed) add up; two that overlap in time (one
    // target scraped by two jobs) are the same energy twice: the larger one stands.
    const kept: FleetDevice[] = []
    for (const part of all
      .filter((s) => s.family === family)
      .map((s) => seriesDevice(s, stepS))
      .sort((a, b) => (a.firstMs ?? 0) - (b.firstMs ?? 0))) {
      const overlapped = kept.find((k) => (part.firstMs ?? 0) <= (k.lastMs ?? 0) && (k.firstMs ?? 0) <= (part.lastMs ?? 0))
      if (!overlapped) kept.push(part)
      else if (part.energyJ > overlapped.energyJ) kept.splice(kept.indexOf(overlapped), 1, part)
    }
    // The latest series names the device and its source.
    const latest = kept.reduce((a, b) => ((b.lastMs ?? 0) > (a.lastMs ?? 0) ? b : a))
    const firsts = kept.flatMap((p) => (p.firstMs === null ? [] : [p.firstMs]))
    const lasts = kept.flatMap((p) => (p.lastMs === null ? [] : [p.lastMs]))
    const powers = kept.flatMap((p) => (p.maxPowerW === null ? [] : [p.maxPowerW]))
    return {
      ...latest,
      energyJ: kept.reduce((sum, p) => sum + p.energyJ, 0),
      coveredS: kept.reduce((sum, p) => sum + p.coveredS, 0),
      points: kept.reduce((sum, p) => sum + p.points, 0),
      resets: kept.reduce((sum, p) => sum + p.resets, 0),
      maxPowerW: powers.length ? Math.max(...powers) : null,
      firstMs: firsts.length ? Math.min(...firsts) : null,
      lastMs: lasts.length ? Math.max(...lasts) : null,
      byLocalHourJ: Array.from({ length: 24 }, (_, h) => kept.reduce((sum, p) => sum + (p.byLocalHourJ[h] ?? 0), 0)),
    }
  })
}

/** Prometheus returns at most 11,000 points a series: a step that keeps a period under 10,000, and never under the scrape interval. */
export function stepFor(sinceMs: number, untilMs: number, minStepS = 15): number {
  return Math.max(minStepS, Math.ceil((untilMs - sinceMs) / 1000 / 10_000))
}
