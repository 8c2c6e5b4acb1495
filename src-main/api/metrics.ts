import { METRICS, type MetricName } from '../contract/metrics.ts'
import type { Settings } from '../contract/settings.ts'
import type { MetricFamily } from '../core/prometheus-exposition.ts'
import type { AppContext } from './context.ts'

type Labels = Record<string, string>

function family(name: MetricName, samples: { labels: Labels; value: number }[]): MetricFamily {
  const { type, help, labels } = METRICS[name]
  // Every sample carries exactly the contract's labels, in its order (an absent one is empty).
  const ordered = samples.map((s) => ({ value: s.value, labels: Object.fromEntries(labels.map((l) => [l, s.labels[l] ?? ''])) }))
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
  const idle = new Map(report.idle.map((b) => [b.deviceId, b.idleW]))
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
      report.devices.flatMap((d) =>
        d.aboveIdleEnergyJ === null
          ? []
          : [{ labels: { device: d.deviceId, name: d.name, idle_w: String(idle.get(d.deviceId) ?? '') }, value: d.aboveIdleEnergyJ }],
      ),
    ),
    family(
      'wattprint_app_energy_joules_total',
      context.reports.appEnergyByDevice(0, nowMs + 1).map((a) => ({ labels: { app: a.app, device: a.deviceId }, value: a.energyJ })),
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
