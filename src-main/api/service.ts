import type { DatabaseSync } from 'node:sqlite'
import type { PushChannel, PushOf } from '../contract/channels.ts'
import type { Report } from '../contract/footprint.ts'
import type { Settings } from '../contract/settings.ts'
import type { TelemetryStatus } from '../contract/telemetry.ts'
import { countryFromLocale } from '../core/grid-factors.ts'
import type { DataPack } from '../contract/reference.ts'
import type { ComparisonResult } from '../contract/estimates.ts'
import type { Range } from '../contract/footprint.ts'
import type { History } from '../contract/history.ts'
import { historyBuckets } from '../core/history.ts'
import type { Scenario, ScenarioResult } from '../contract/scenario.ts'
import { asFactor, bundledDataPack, referenceFactor } from '../core/data-pack.ts'
import { comparePeriod } from '../core/estimate-report.ts'
import { rangeOf } from '../core/footprint.ts'
import { reportOf } from './report-of.ts'
import { runScenarioWith } from './scenario-runner.ts'
import { SAMPLED_POWER_MEASUREMENT_ID } from '../core/report.ts'
import { startOfLocalDayMs } from '../core/time.ts'
import { moveAside, openDatabase, StoreError } from '../store/database.ts'
import { systemClock, type Clock } from '../core/clock.ts'
import { SampleStore } from '../store/sample-store.ts'
import { SettingsStore } from '../store/settings-store.ts'
import { DataPackStore, type DataPackStatus } from '../store/data-pack-store.ts'
import type { TelemetryReader } from '../telemetry/reader.ts'
import { NvidiaSmiReader } from '../telemetry/readers/nvidia-smi.reader.ts'
import { ReplayReader } from '../telemetry/readers/replay.reader.ts'
import { Sampler } from '../telemetry/sampler.ts'

export type SourceChoice =
  | { kind: 'nvidia-smi'; command?: string }
  | { kind: 'replay'; file: string; speed?: number; loop?: boolean }

export interface ServiceOptions {
  dbPath: string
  host: 'electron' | 'headless'
  version: string
  source: SourceChoice
  /** The bundled real trace the demo replays. */
  demoTraceFile: string
  /** Locale whose country is the default grid (e.g. `fr-FR`). */
  locale?: string
  flushIntervalMs?: number
  demoSpeed?: number
  /** "Now" for today, recent readings and retention (tests pin it). */
  clock?: Clock
  /**
   * A damaged Wattprint database (failing SQLite's quick_check) is moved aside and recording goes
   * on in a fresh file (the recording doors: desktop app, `serve`, `record`); otherwise it is refused.
   */
  recoverDamaged?: boolean
}

type PushListener = <C extends PushChannel>(channel: C, payload: PushOf<C>) => void

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

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
  }
}

/** Everything the API needs, wired once: database, settings, the live sampler and the demo. */
export class WattprintService {
  readonly options: ServiceOptions
  readonly db: DatabaseSync
  readonly store: SampleStore
  readonly settingsStore: SettingsStore
  settings: Settings
  readonly settingsProblems: string[]
  /** What happened to the database at start (e.g. a damaged file moved aside), shown in the app. */
  readonly storageNotes: string[] = []
  readonly clock: Clock
  readonly dataPacks: DataPackStore
  /** The cited data set in use: the newest imported pack, else the bundled one. */
  pack: DataPack
  private live: Sampler
  private demo: { sampler: Sampler; db: DatabaseSync; store: SampleStore } | null = null
  private readonly listeners = new Set<PushListener>()
  private readonly settingsListeners = new Set<(settings: Settings) => void>()
  private purgeTimer: NodeJS.Timeout | null = null

  constructor(options: ServiceOptions) {
    this.options = options
    this.clock = options.clock ?? systemClock
    this.db = this.openOrRecover()
    this.store = new SampleStore(this.db)
    this.settingsStore = new SettingsStore(this.db, defaultSettings(options.locale))
    const loaded = this.settingsStore.load()
    this.settings = loaded.settings
    this.settingsProblems = loaded.problems
    this.dataPacks = new DataPackStore(this.db, bundledDataPack())
    this.pack = this.dataPacks.active().pack
    this.live = this.makeLiveSampler()
  }

  /** Opens the database; a damaged one is moved aside (never deleted) when the options allow it. */
  private openOrRecover(): DatabaseSync {
    try {
      return openDatabase(this.options.dbPath)
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'damaged' && this.options.recoverDamaged)) throw error
      const movedTo = moveAside(this.options.dbPath, this.clock.nowMs())
      this.storageNotes.push(
        `The database was damaged (${(error.detail ?? 'quick_check failed').slice(0, 160)}). ` +
          `It was moved to ${movedTo}, nothing deleted, and recording goes on in a fresh file. ` +
          `Run \`wattprint doctor --db ${movedTo}\` to salvage its readable rows.`,
      )
      return openDatabase(this.options.dbPath)
    }
  }

  start(): void {
    this.live.start()
    this.purge()
    this.purgeTimer = setInterval(() => this.purge(), HOUR_MS)
    this.purgeTimer.unref()
  }

  /** Stops recording and writes what is pending; the database stays open for a last report. */
  async stopRecording(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer)
    await this.stopDemo()
    await this.live.stop()
  }

  async stop(): Promise<void> {
    await this.stopRecording()
    if (this.db.isOpen) this.db.close()
  }

  onPush(listener: PushListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get demoRunning(): boolean {
    return this.demo !== null
  }

  /** Replays the bundled trace into a separate in-memory store: never mixed into the real history. */
  startDemo(): void {
    if (this.demo) return
    const db = openDatabase(':memory:')
    const reader = new ReplayReader({
      file: this.options.demoTraceFile,
      loop: true,
      speed: this.options.demoSpeed ?? 1,
      sourceId: 'demo',
      deviceName: 'Demo GPU (recorded Qwen3-ASR run)',
      clock: this.clock,
    })
    const store = new SampleStore(db)
    const sampler = this.wire(new Sampler({ reader, store, maxGapS: this.settings.maxGapS, flushIntervalMs: 1000 }), true)
    this.demo = { sampler, db, store }
    sampler.start()
    this.pushStatus()
  }

  async stopDemo(): Promise<void> {
    const demo = this.demo
    if (!demo) return
    this.demo = null
    await demo.sampler.stop()
    demo.db.close()
    this.pushStatus()
  }

  /** The sampler the UI shows: the demo while it runs, else the live one. */
  private shown(): { sampler: Sampler; demo: boolean } {
    return this.demo ? { sampler: this.demo.sampler, demo: true } : { sampler: this.live, demo: false }
  }

  telemetryStatus(): TelemetryStatus {
    const { sampler, demo } = this.shown()
    const s = sampler.status()
    const liveStorage = this.live.status().storage
    return { source: s.source, demo, devices: s.devices, latest: s.latest, storage: liveStorage }
  }

  recent(windowS: number): { samples: ReturnType<Sampler['recent']>; demo: boolean } {
    const { sampler, demo } = this.shown()
    return { samples: sampler.recent(this.clock.nowMs() - windowS * 1000), demo }
  }

  /** Today (local calendar day) so far, from the shown sampler. */
  today(): Report {
    const { sampler, demo } = this.shown()
    sampler.flush()
    const sinceMs = startOfLocalDayMs(this.clock.nowMs())
    const untilMs = sinceMs + DAY_MS
    const store = this.demo?.store ?? this.store
    return reportOf(store, sinceMs, untilMs, this.settings, this.pack, demo)
  }

  /** A period of the real history, [sinceMs, untilMs). */
  report(sinceMs: number, untilMs: number): Report {
    this.live.flush()
    return reportOf(this.store, sinceMs, untilMs, this.settings, this.pack)
  }

  importDataPack(json: string): DataPackStatus {
    this.dataPacks.import(json)
    this.pack = this.dataPacks.active().pack
    return this.dataPacks.status()
  }

  revertDataPack(): DataPackStatus {
    this.pack = this.dataPacks.revert()
    return this.dataPacks.status()
  }

  /** Rollup buckets of the real history, with the period's report and, if asked, the period before. */
  history(sinceMs: number, untilMs: number, bucket: 'hour' | 'day', withPrevious: boolean): History {
    const report = this.report(sinceMs, untilMs)
    const previous = withPrevious ? this.report(2 * sinceMs - untilMs, sinceMs) : null
    return {
      sinceMs,
      untilMs,
      bucket,
      ...historyBuckets(this.store.buckets(bucket, sinceMs, untilMs), report),
      report,
      previous: previous && { sinceMs: previous.sinceMs, untilMs: previous.untilMs, energyJ: previous.energyJ, co2eKg: previous.footprint.co2eKg, cost: previous.footprint.cost },
    }
  }

  /** How far measured energy may be off (the data set's measurement factor). */
  measurementRange(): Range {
    return rangeOf(asFactor(referenceFactor(this.pack, SAMPLED_POWER_MEASUREMENT_ID)))
  }

  /** [sinceMs, untilMs) of the real history beside the data set's runs and figures. */
  compare(sinceMs: number, untilMs: number, queries: number): ComparisonResult {
    const report = this.report(sinceMs, untilMs)
    const end = Math.min(untilMs, this.clock.nowMs())
    return comparePeriod(
      { sinceMs, untilMs, energyKWh: report.footprint.energyKWh, co2eKg: report.footprint.co2eKg, durationS: Math.max(0, (end - sinceMs) / 1000) },
      this.pack,
      queries,
    )
  }

  runScenario(scenario: Scenario): ScenarioResult {
    return runScenarioWith(scenario, this.pack, this.settings, (since, until) => this.report(since, until).footprint.energyKWh)
  }

  /** Called after every settings change (the desktop app applies start-at-login and tray behaviour). */
  onSettings(listener: (settings: Settings) => void): () => void {
    this.settingsListeners.add(listener)
    return () => this.settingsListeners.delete(listener)
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const before = this.settings
    this.settings = this.settingsStore.update(patch)
    for (const listener of this.settingsListeners) listener(this.settings)
    this.live.setMaxGapS(this.settings.maxGapS)
    this.demo?.sampler.setMaxGapS(this.settings.maxGapS)
    if (before.sampleIntervalMs !== this.settings.sampleIntervalMs) {
      // Applied without restarting the app: the reader is restarted with the new interval.
      await this.live.stop()
      this.live = this.makeLiveSampler()
      this.live.start()
    }
    if (before.rawRetentionDays !== this.settings.rawRetentionDays) this.purge()
    return this.settings
  }

  private purge(): void {
    try {
      this.store.purgeRawBefore(this.clock.nowMs() - this.settings.rawRetentionDays * DAY_MS)
    } catch {
      // A failed purge (busy or full disk) keeps the data; the next hourly run tries again.
    }
  }

  private makeLiveSampler(): Sampler {
    return this.wire(
      new Sampler({
        reader: this.makeReader(),
        store: this.store,
        maxGapS: this.settings.maxGapS,
        ...(this.options.flushIntervalMs ? { flushIntervalMs: this.options.flushIntervalMs } : {}),
      }),
      false,
    )
  }

  private makeReader(): TelemetryReader {
    const source = this.options.source
    if (source.kind === 'replay') {
      return new ReplayReader({ file: source.file, speed: source.speed ?? 1, loop: source.loop ?? false, clock: this.clock })
    }
    return new NvidiaSmiReader({
      intervalMs: this.settings.sampleIntervalMs,
      ...(source.command ? { command: source.command } : {}),
    })
  }

  private wire(sampler: Sampler, demo: boolean): Sampler {
    sampler.onSamples((samples) => {
      if (this.shown().sampler === sampler) this.emit('telemetry:samples', { samples, demo })
    })
    sampler.onStatus(() => {
      if (this.shown().sampler === sampler) this.pushStatus()
    })
    return sampler
  }

  private pushStatus(): void {
    this.emit('telemetry:status', this.telemetryStatus())
  }

  private emit<C extends PushChannel>(channel: C, payload: PushOf<C>): void {
    for (const listener of this.listeners) listener(channel, payload)
  }
}
