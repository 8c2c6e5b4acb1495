import { badInput } from '../../contract/errors.ts'
import type { Report, Range } from '../../contract/footprint.ts'
import type { History } from '../../contract/history.ts'
import type { Settings } from '../../contract/settings.ts'
import type { IdleBaseline } from '../../contract/telemetry.ts'
import { asFactor } from '../../core/data-pack.ts'
import { rangeOf } from '../../core/footprint.ts'
import { historyBuckets } from '../../core/history.ts'
import { endOfLocalDayMs, startOfLocalDayMs } from '../../core/time.ts'
import { measurementFactor, MEASUREMENT_IDS } from '../../core/measurement.ts'
import { buildReport } from '../../core/report.ts'
import type { SampleStore } from '../../store/sample-store.ts'
import type { DataPackService } from './data-packs.service.ts'
import type { SettingsService } from './settings.service.ts'

export interface ReportOptions {
  /** Another country's grid than the settings' (`wattprint report --country`). */
  countryIso3?: string | undefined
  /** The store to read (the demo's in-memory one); default the real history. */
  store?: SampleStore
  demo?: boolean
}

/** Periods of recorded history as reports: energy, footprint under the settings in use, ranges. */
export class ReportService {
  private readonly store: SampleStore
  private readonly settings: SettingsService
  private readonly dataPacks: DataPackService
  /** False for a context without a database file (nothing recorded to read). */
  private readonly persistent: boolean

  private readonly idle: () => readonly IdleBaseline[]

  constructor(store: SampleStore, settings: SettingsService, dataPacks: DataPackService, persistent = true, idle: () => readonly IdleBaseline[] = () => []) {
    this.persistent = persistent
    this.idle = idle
    this.store = store
    this.settings = settings
    this.dataPacks = dataPacks
  }

  /** [sinceMs, untilMs) of the history (or of the store given). */
  report(sinceMs: number, untilMs: number, options: ReportOptions = {}): Report {
    const settings: Settings = options.countryIso3
      ? { ...this.settings.get(), countryIso3: options.countryIso3, gridOverrideGPerKWh: null }
      : this.settings.get()
    // Energy by local hour costs an extra query: only a time-of-use tariff needs it.
    const totals = (options.store ?? this.store).totals(sinceMs, untilMs, { byLocalHour: settings.tariff.kind === 'time-of-use' })
    const store = options.store ?? this.store
    // The demo's numbers are not this PC's: no idle baselines or app split for them.
    const extras = options.demo ? { idle: [], apps: [] } : { idle: this.idle(), apps: store.apps.totals(sinceMs, untilMs).byDevice }
    return buildReport(totals, sinceMs, untilMs, settings, options.demo ?? false, this.dataPacks.pack(), extras)
  }

  /** The local calendar day containing `nowMs`, from its midnight to the next (23 or 25 hours on the days clocks change). */
  today(nowMs: number, options: ReportOptions = {}): Report {
    return this.report(startOfLocalDayMs(nowMs), endOfLocalDayMs(nowMs), options)
  }

  /** Energy per device and app over a period, J (the app rollups; the metrics' per-app counters). */
  appEnergyByDevice(sinceMs: number, untilMs: number): { deviceId: string; app: string; energyJ: number }[] {
    const sums = new Map<string, { deviceId: string; app: string; energyJ: number }>()
    for (const row of this.store.apps.totals(sinceMs, untilMs).byDevice) {
      const key = `${row.deviceId}\u0000${row.app}`
      const entry = sums.get(key) ?? { deviceId: row.deviceId, app: row.app, energyJ: 0 }
      entry.energyJ += row.energyJ
      sums.set(key, entry)
    }
    return [...sums.values()]
  }

  /** Energy of a period at the IT equipment, kWh, with its measured range (a scenario's measured baseline); refused without a history. */
  energyKWhRange(sinceMs: number, untilMs: number): { value: number; low: number; high: number } {
    if (!this.persistent) throw badInput('scenario.needs-history', {}, 'baseline')
    const fp = this.report(sinceMs, untilMs).footprint
    return { value: fp.energyKWh, low: fp.energyRangeKWh[0], high: fp.energyRangeKWh[1] }
  }

  /** Rollup buckets of the history, with the period's report and, if asked, the period before. */
  history(sinceMs: number, untilMs: number, bucket: 'hour' | 'day', withPrevious: boolean): History {
    const report = this.report(sinceMs, untilMs)
    const previous = withPrevious ? this.report(2 * sinceMs - untilMs, sinceMs) : null
    return {
      sinceMs,
      untilMs,
      bucket,
      ...historyBuckets(this.store.buckets(bucket, sinceMs, untilMs), report),
      report,
      previous: previous && {
        sinceMs: previous.sinceMs,
        untilMs: previous.untilMs,
        energyJ: previous.energyJ,
        co2eKg: previous.footprint.co2eKg,
        cost: previous.footprint.cost,
      },
    }
  }

  /** How far an energy the user measured may be off: NVIDIA's sampled-power figure (what nvidia-smi users measure with). */
  measurementRange(): Range {
    return rangeOf(asFactor(measurementFactor(this.dataPacks.pack(), MEASUREMENT_IDS.nvidiaPower)))
  }
}
