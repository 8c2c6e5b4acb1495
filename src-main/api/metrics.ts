import { METRICS, type MetricName } from '../contract/metrics.ts'
import type { Settings } from '../contract/settings.ts'
import { IDLE_APP } from '../core/attribution.ts'
import type { MetricFamily } from '../core/prometheus-exposition.ts'
import type { AppContext } from './context.ts'

type Labels = Record<string, string>

/**
 * The highest value each counter series has been exported at, per context. Totals are re-read from
 * the rollups at each scrape, and a sum over another split of them can come out a rounding error
 * lower; Prometheus would read any drop as a restart and count the whole total again.
 */
const highWater = new WeakMap<AppContext, Map<string, number>>()

/** A counter's exported value: to the millionth (a µJ, a µg: below any reading's precision, above float noise), never below the last one. */
export function counterValue(seen: Map<string, number>, key: string, value: number): number {
  const exported = Math.max(Math.round(value * 1e6) / 1e6, seen.get(key) ?? 0)
  seen.set(key, exported)
  return exported
}

function familyOf(name: MetricName, samples: { labels: Labels; value: number }[], context: AppContext): MetricFamily {
  const { type, help, labels } = METRICS[name]
  const seen = highWater.get(context) ?? new Map<string, number>()
  highWater.set(context, seen)
  // Every sample carries exactly the contract's labels, in its order (an absent one is empty).
  const ordered = samples.map((s) => {
    const ownLabels = Object.fromEntries(labels.map((l) => [l, s.labels[l] ?? '']))
    if (type !== 'counter') return { value: s.value, labels: ownLabels }
    return { value: counterValue(seen, `${name}${JSON.stringify(ownLabels)}`, s.value), labels: ownLabels }
  })
  return { name, type, help, samples: ordered }
}

/**
 * The price a cost series is computed at, whole: a flat price, or a time-of-use tariff's two
 * prices and peak hours. Any change starts a new series, so a counter never goes down under the
 * same labels (Prometheus would read that as a restart and count the whole total again).
 */
function priceLabel(settings: Settings): string {
  const t = settings.tariff
  if (t.kind === 'flat') return String(settings.pricePerKWh ?? '')
  return `peak ${t.peakPricePerKWh} ${t.peakStartHour}-${t.peakEndHour}h, off-peak ${t.offPeakPricePerKWh}`
}

/**
 * Wattprint's metrics now: the live recording's latest power per device (never the demo's), and
 * counters read from the whole history in the database (so they continue across restarts and
 * include imported logs): energy, energy above idle, per-app energy, CO2e and cost under the
 * factors in use, named in their labels.
 */
export function collectMetrics(context: AppContext): MetricFamily[] {
  const family = (name: MetricName, samples: { labels: Labels; value: number }[]): MetricFamily => familyOf(name, samples, context)
  context.recorder.current.flush()
  const nowMs = context.clock.nowMs()
  const report = context.reports.report(0, nowMs + 1)
  const live = context.recorder.status()
  const byId = new Map(live.devices.map((d) => [d.deviceId, d]))
  const gpuPower: { labels: Labels; value: number }[] = []
  const cpuPower: { labels: Labels; value: number }[] = []
  for (const sample of live.latest) {
    const device = byId.get(sample.deviceId)
    if (!device || sample.powerW === null || device.domain === 'platform') continue
    const labels = { device: device.deviceId, name: device.name, domain: device.domain, source: device.source, method: device.method }
    ;(device.domain === 'gpu' ? gpuPower : cpuPower).push({ labels, value: sample.powerW })
  }
  const apps = context.reports.appEnergyByDevice(0, nowMs + 1)
  // Above idle, interval by interval as it was recorded (each interval's power beyond the baseline
  // in force then: what the app split set apart as idle), so it only ever grows.
  const aboveIdle = new Map<string, number>()
  for (const a of apps) if (a.app !== IDLE_APP) aboveIdle.set(a.deviceId, (aboveIdle.get(a.deviceId) ?? 0) + a.energyJ)
  const fp = report.footprint
  const settings = context.settings.get()
  const pack = context.dataPacks.pack()
  return [
    family('wattprint_build_info', [{ labels: { version: context.info.version, data_pack: pack.version }, value: 1 }]),
    family('wattprint_gpu_power_watts', gpuPower),
    family('wattprint_cpu_power_watts', cpuPower),
    family(
      'wattprint_energy_joules_total',
      report.devices.map((d) => ({ labels: { device: d.deviceId, name: d.name, domain: d.domain, source: d.source, method: d.method }, value: d.energyJ })),
    ),
    family(
      'wattprint_energy_above_idle_joules_total',
      report.devices.flatMap((d) => {
        const joules = aboveIdle.get(d.deviceId)
        return joules === undefined ? [] : [{ labels: { device: d.deviceId, name: d.name }, value: joules }]
      }),
    ),
    family(
      'wattprint_app_energy_joules_total',
      apps.map((a) => ({ labels: { app: a.app, device: a.deviceId }, value: a.energyJ })),
    ),
    family(
      'wattprint_co2e_grams_total',
      fp.co2eKg === null || !fp.grid
        ? []
        : [{ labels: { grid_factor: fp.grid.id, grid_g_per_kwh: String(fp.grid.value), basis: fp.carbonMethod ?? 'location-based' }, value: fp.co2eKg * 1000 }],
    ),
    family(
      'wattprint_cost_total',
      fp.cost === null ? [] : [{ labels: { currency: fp.currency, price_per_kwh: priceLabel(settings), tariff: settings.tariff.kind }, value: fp.cost }],
    ),
    family(
      'wattprint_source_up',
      live.sources.map((s) => ({ labels: { source: s.sourceId, state: s.state }, value: s.state === 'ok' ? 1 : 0 })),
    ),
  ]
}
