import { WattprintError } from '../../contract/errors.ts'
import { FleetDeviceSchema, type FleetReport } from '../../contract/fleet.ts'
import type { Domain, EnergyMethod } from '../../contract/telemetry.ts'
import { fleetDevices, stepFor, type FleetDevice, type FleetFamily, type FleetSeries } from '../../core/fleet-energy.ts'
import { buildReport, type DeviceTotals } from '../../core/report.ts'
import { prometheusBase, queryRange } from '../../telemetry/fleet/prometheus-api.ts'
import type { DataPackService } from './data-packs.service.ts'
import type { SettingsService } from './settings.service.ts'

/** What is asked of Prometheus for each family; `{step}` is the step in seconds. */
const QUERIES: readonly { family: FleetFamily; query: string }[] = [
  // Wattprint's own counters: the energy its database holds, per device.
  { family: 'wattprint', query: 'wattprint_energy_joules_total' },
  // DCGM's total energy since the driver loaded, mJ (DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, field 156).
  { family: 'dcgm-energy', query: 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION' },
  // Power gauges, W: their mean over a window of at least 2 minutes ending at each point, so a
  // target scraped every minute (Prometheus' default) has a sample in every window.
  { family: 'dcgm-power', query: 'avg_over_time(DCGM_FI_DEV_POWER_USAGE[{window}s])' },
  { family: 'nvidia-gpu-exporter', query: 'avg_over_time(nvidia_smi_power_draw_watts[{window}s])' },
]

/** Shortest window a power gauge is averaged over, s: twice Prometheus' default scrape interval. */
const POWER_WINDOW_MIN_S = 120

const DOMAINS = new Set<Domain>(['gpu', 'cpu-package', 'dram', 'soc', 'platform'])
const METHODS = new Set<EnergyMethod>(['counter', 'sampled-power', 'estimated'])

/** A fleet device as the report's totals: its energy, how it is known, and its measurement factor's source. */
function totalsOf(d: FleetDevice): DeviceTotals {
  const ownMethod = d.labels.method as EnergyMethod | undefined
  const method: EnergyMethod =
    d.family === 'wattprint' ? (ownMethod && METHODS.has(ownMethod) ? ownMethod : 'sampled-power') : d.family === 'dcgm-energy' ? 'counter' : 'sampled-power'
  const domain = d.labels.domain as Domain | undefined
  return {
    deviceId: `${d.machine}/${d.device}`,
    name: `${d.machine}: ${d.name}`,
    // DCGM and nvidia_gpu_exporter read NVIDIA's NVML: its measurement factors apply.
    source: d.family === 'wattprint' ? d.source : 'nvml',
    domain: d.family === 'wattprint' && domain && DOMAINS.has(domain) ? domain : 'gpu',
    method,
    energyJ: d.energyJ,
    counterEnergyJ: method === 'counter' ? d.energyJ : 0,
    integratedS: d.coveredS,
    maxPowerW: d.maxPowerW,
    ...(d.firstMs !== null && d.lastMs !== null ? { seenMs: { first: d.firstMs, last: d.lastMs } } : {}),
  }
}

/**
 * A fleet's history from a Prometheus server, read on request (nothing is stored): each GPU once
 * from its best series, per machine, with the footprint of this PC's settings (its grid, its
 * price), since Prometheus does not say where the machines are.
 */
export class FleetService {
  private readonly settings: SettingsService
  private readonly dataPacks: DataPackService
  private readonly fetchFn: typeof fetch

  constructor(settings: SettingsService, dataPacks: DataPackService, fetchFn: typeof fetch = fetch) {
    this.settings = settings
    this.dataPacks = dataPacks
    this.fetchFn = fetchFn
  }

  async report(request: { sinceMs: number; untilMs: number; prometheus?: string | undefined; stepS?: number | undefined }): Promise<FleetReport> {
    const url = request.prometheus ?? this.settings.get().fleetPrometheusUrl
    if (!url) throw new WattprintError('bad-input', 'fleet.no-url', {}, { field: 'prometheus' })
    const base = prometheusBase(url)
    const stepS = request.stepS ?? stepFor(request.sinceMs, request.untilMs)
    // A counter is read from the period's start (its value then is the baseline); a power point's
    // mean covers the step before it, so those points start one step in, inside the period.
    const sinceS = Math.floor(request.sinceMs / 1000)
    const endS = Math.max(sinceS, Math.floor(request.untilMs / 1000))
    const rangeOf = (family: FleetFamily): { startS: number; endS: number; stepS: number } => ({
      startS: family === 'wattprint' || family === 'dcgm-energy' ? sinceS : Math.min(endS, sinceS + stepS),
      endS,
      stepS,
    })
    const queries = QUERIES.map((q) => ({ ...q, query: q.query.replace('{window}', String(Math.max(stepS, POWER_WINDOW_MIN_S))) }))
    const answers = await Promise.all(queries.map((q) => queryRange(base, q.query, rangeOf(q.family), this.fetchFn)))
    const series: FleetSeries[] = answers.flatMap((a, i) =>
      a.series.map((s) => ({ family: queries[i]?.family ?? 'wattprint', labels: s.labels, values: s.values })),
    )
    const devices = fleetDevices(series, stepS)
    const totals = devices.map(totalsOf)
    const energyJ = totals.reduce((sum, d) => sum + d.energyJ, 0)
    const report = buildReport(
      {
        energyJ,
        samples: devices.reduce((sum, d) => sum + d.points, 0),
        gaps: 0,
        devices: totals,
        // What a time-of-use tariff prices: the energy by local hour of day, kWh.
        energyKWhByLocalHour: Array.from({ length: 24 }, (_, h) => devices.reduce((sum, d) => sum + (d.byLocalHourJ[h] ?? 0), 0) / 3.6e6),
      },
      request.sinceMs,
      request.untilMs,
      this.settings.get(),
      false,
      this.dataPacks.pack(),
    )
    const machines = new Map<string, FleetReport['machines'][number]>()
    for (const d of devices) {
      const m = machines.get(d.machine) ?? { machine: d.machine, energyJ: 0, devices: [] }
      m.energyJ += d.energyJ
      // The series' labels stay here: they can name anything the exporter adds.
      m.devices.push(FleetDeviceSchema.parse(d))
      machines.set(d.machine, m)
    }
    return {
      prometheus: base.toString(),
      sinceMs: request.sinceMs,
      untilMs: request.untilMs,
      stepS,
      machines: [...machines.values()].sort((a, b) => b.energyJ - a.energyJ),
      queries: queries.map((q) => q.query),
      warnings: answers.flatMap((a) => a.warnings),
      report,
    }
  }
}
