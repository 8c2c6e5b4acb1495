import type { Message } from '../../contract/messages.ts'
import type { Settings, SettingsPatch } from '../../contract/settings.ts'
import { countryFromLocale } from '../../core/grid-factors.ts'
import type { SettingsStore } from '../../store/settings-store.ts'

export function defaultSettings(locale: string | undefined): Settings {
  return {
    countryIso3: countryFromLocale(locale),
    gridOverrideGPerKWh: null,
    renewableSharePct: null,
    electricityWaterLPerKWh: null,
    pricePerKWh: null,
    currency: 'EUR',
    tariff: { kind: 'flat' },
    sampleIntervalMs: 1000,
    maxGapS: 10,
    rawRetentionDays: 14,
    language: 'system',
    theme: 'system',
    energyUnit: 'auto',
    massUnit: 'metric',
    startAtLogin: false,
    closeToTray: true,
    idleBaselineW: null,
    restOfSystemW: null,
    restOfSystemFrom: { kind: 'entered' },
    psuEfficiency: null,
    embodiedLifetimeYears: null,
    gpuEmbodiedKg: null,
    watchLocalServers: true,
    budgets: [],
    weeklySummary: false,
    stuckGpuAlertW: null,
    metricsPort: null,
    fleetPrometheusUrl: null,
  }
}

type ChangeListener = (next: Settings, before: Settings) => void | Promise<void>

/** The settings in use: validated, persisted, and announced to whoever applies them. */
export class SettingsService {
  private current: Settings
  private readonly listeners = new Set<ChangeListener>()
  /** Stored values that could not be used (kept stored, defaults used instead). */
  readonly problems: readonly Message[]

  private readonly store: SettingsStore

  constructor(store: SettingsStore) {
    this.store = store
    const loaded = store.load()
    this.current = loaded.settings
    this.problems = loaded.problems
  }

  get(): Settings {
    return this.current
  }

  /** Validates and stores the keys the patch names; listeners apply it (awaited) before this returns. */
  async update(patch: SettingsPatch): Promise<Settings> {
    const before = this.current
    this.current = this.store.update(patch)
    for (const listener of this.listeners) await listener(this.current, before)
    return this.current
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
