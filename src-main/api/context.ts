import type { DatabaseSync } from 'node:sqlite'
import { message, type Message } from '../contract/messages.ts'
import type { TelemetryStatus } from '../contract/telemetry.ts'
import { systemClock, type Clock } from '../core/clock.ts'
import { bundledDataPack } from '../core/data-pack.ts'
import { moveAside, openDatabase, StoreError } from '../store/database.ts'
import { DataPackStore } from '../store/data-pack-store.ts'
import { SampleStore } from '../store/sample-store.ts'
import { SettingsStore } from '../store/settings-store.ts'
import type { Recorder } from '../recording/recorder.ts'
import { sourceEnv } from '../telemetry/env.ts'
import { DataPackService } from './services/data-packs.service.ts'
import { DemoService } from './services/demo.service.ts'
import { PushBus } from './services/push-bus.ts'
import { RecorderService, type SourceChoice } from './services/recorder.service.ts'
import { packagePowerW, SelfCostService } from './services/self-cost.service.ts'
import { IdleService } from './services/idle.service.ts'
import { IdleBaselineStore } from '../store/idle-baselines.ts'
import { ModelMeasurementStore } from '../store/model-measurements.ts'
import { endpointsFromEnv, InferenceWatchService } from './services/inference-watch.service.ts'
import { MeasureService } from './services/measure.service.ts'
import { ReportService } from './services/reports.service.ts'
import { RetentionService } from './services/retention.service.ts'
import { ImportService } from './services/imports.service.ts'
import { NoticeService } from './services/notices.service.ts'
import { FleetService } from './services/fleet.service.ts'
import { NoticeLog } from '../store/notice-log.ts'
import { defaultSettings, SettingsService } from './services/settings.service.ts'

export type { SourceChoice }

export interface ContextOptions {
  /** The database file; null for none (pure queries on the bundled data, nothing kept). */
  dbPath: string | null
  /** `read`: never writes (reports on a read-only file); default `write`. */
  dbMode?: 'read' | 'write'
  host: 'electron' | 'headless' | 'cli'
  version: string
  /** The live sources: `auto` (the registry), nvidia-smi only, a replay; `none` (default) records nothing. */
  source?: SourceChoice
  /** Where sources read sysfs (tests: a captured tree; default /sys or WATTPRINT_SYSFS_ROOT). */
  sysfsRoot?: string | undefined
  /** nvidia-smi's path (default: on PATH, or WATTPRINT_NVIDIA_SMI). */
  nvidiaSmi?: string | undefined
  /** The bundled real trace the demo replays; null: no demo. */
  demoTraceFile?: string | null
  /** Locale whose country is the default grid (e.g. `fr-FR`). */
  locale?: string | undefined
  flushIntervalMs?: number | undefined
  /** How often processes are read for attribution, ms (tests: faster). */
  processIntervalMs?: number | undefined
  /** The sampling interval, ms, instead of the setting's (`measure-model` samples faster). */
  sampleIntervalMs?: number | undefined
  demoSpeed?: number | undefined
  /** "Now" for today, recent readings and retention (tests pin it). */
  clock?: Clock
  /** Budgets, the weekly summary and the stuck-GPU warning are checked (the desktop app, which can notify). */
  notices?: boolean
  /**
   * A damaged Wattprint database (failing SQLite's quick_check) is moved aside and recording goes
   * on in a fresh file (the recording doors: desktop app, `serve`, `record`); otherwise it is refused.
   */
  recoverDamaged?: boolean
}

/** Everything the channel handlers use, wired once. */
export interface AppContext {
  readonly info: { version: string; host: ContextOptions['host']; dbPath: string; platform: string }
  readonly clock: Clock
  readonly bus: PushBus
  readonly settings: SettingsService
  readonly dataPacks: DataPackService
  readonly reports: ReportService
  readonly recorder: RecorderService
  readonly idle: IdleService
  /** Stored model measurements and the passive token tally. */
  readonly models: ModelMeasurementStore
  readonly measure: MeasureService
  readonly inferenceWatch: InferenceWatchService
  readonly demo: DemoService
  readonly retention: RetentionService
  readonly imports: ImportService
  /** A fleet's history from a Prometheus server, read on request. */
  readonly fleet: FleetService
  /** Budgets crossed, the weekly summary, a GPU drawing power at 0 % use: for the desktop's notifications. */
  readonly notices: NoticeService
  /** What happened to the database at start (a damaged file moved aside), for the user. */
  readonly storageNotes: readonly Message[]
  /** The telemetry the UI shows: the demo while it runs, else the live recording. */
  telemetryStatus(): TelemetryStatus
  /** The store holding what the UI shows (the demo's while it runs). */
  shownStore(): { store: SampleStore; demo: boolean }
  start(): void
  /** Stops recording and writes what is pending; the database stays open for a last report. */
  stopRecording(): Promise<void>
  close(): Promise<void>
}

/**
 * The composition root: opens the database (moving a damaged one aside when allowed), builds the
 * stores and the small services, and wires their events to the push bus. The three doors (IPC,
 * HTTP, CLI) all take an AppContext.
 */
export function createContext(options: ContextOptions): AppContext {
  const clock = options.clock ?? systemClock
  const storageNotes: Message[] = []
  const db = openOrRecover(options, clock, storageNotes)
  const store = new SampleStore(db)
  const settings = new SettingsService(new SettingsStore(db, defaultSettings(options.locale)))
  const dataPacks = new DataPackService(new DataPackStore(db, bundledDataPack()), clock)
  const reports = new ReportService(store, settings, dataPacks, options.dbPath !== null, () => idle.baselines())
  const bus = new PushBus()

  // Only the sampler the UI shows pushes: the demo's while it runs, else the live one.
  let demo: DemoService | null = null
  const shown = (): { sampler: Recorder; demo: boolean } => (demo?.sampler ? { sampler: demo.sampler, demo: true } : { sampler: recorder.current, demo: false })
  const telemetryStatus = (): TelemetryStatus => {
    const view = shown()
    const s = view.demo ? view.sampler.status() : recorder.status()
    const processes = view.demo
      ? []
      : recorder.processes().map((p) => ({ deviceId: p.deviceId, pid: p.pid, name: p.name, app: p.app, type: p.type, smPct: p.smPct, memUsedB: p.memUsedB }))
    return {
      sources: s.sources,
      demo: view.demo,
      devices: s.devices,
      latest: s.latest,
      storage: recorder.status().storage,
      self: selfCost.snapshot(),
      processes,
      idle: view.demo ? [] : idle.baselines(),
      paused: recorder.status().paused,
    }
  }
  const wire = (sampler: Recorder): void => {
    sampler.onSamples((samples) => {
      const view = shown()
      if (view.sampler === sampler) bus.emit('telemetry:samples', { samples, demo: view.demo })
      if (sampler === recorder.current && options.notices) notices.readings(samples, () => recorder.status().devices)
    })
    // The live recording's intervals feed the passive token tally (the demo's never do).
    sampler.onInterval((iv) => {
      if (!shown().demo) inferenceWatch.addInterval(iv)
    })
    sampler.onStatus(() => {
      if (shown().sampler === sampler) bus.emit('telemetry:status', telemetryStatus())
    })
  }
  const env = sourceEnv({ sysfsRoot: options.sysfsRoot, nvidiaSmi: options.nvidiaSmi, clock })
  const selfCost = new SelfCostService(clock, () => {
    const live = recorder.status()
    return packagePowerW(live.devices, live.latest)
  })
  const models = new ModelMeasurementStore(db)
  const measuredIds = (): Set<string> =>
    new Set(
      recorder
        .status()
        .devices.filter((d) => !d.partOf && d.domain !== 'platform')
        .map((d) => d.deviceId),
    )
  const inferenceWatch = new InferenceWatchService({
    endpoints: endpointsFromEnv(process.env.WATTPRINT_INFERENCE_URLS),
    store: models,
    clock,
    idleW: (d) => idle.idleW(d),
    measuredDevices: measuredIds,
  })
  const idle = new IdleService(new IdleBaselineStore(db), settings, clock, () => store.devices())
  const recorder = new RecorderService(
    {
      source: options.source ?? { kind: 'none' },
      env,
      sink: store,
      settings,
      clock,
      flushIntervalMs: options.flushIntervalMs,
      idleW: (deviceId) => idle.idleW(deviceId),
      processIntervalMs: options.processIntervalMs,
      sampleIntervalMs: options.sampleIntervalMs,
    },
    wire,
  )
  recorder.onProcesses(() => {
    if (!shown().demo) bus.emit('telemetry:status', telemetryStatus())
  })
  const measure = new MeasureService({
    recorder: () => recorder.current,
    dataPacks,
    store: models,
    clock,
    sampleIntervalMs: () => options.sampleIntervalMs ?? settings.get().sampleIntervalMs,
  })
  demo = new DemoService({ traceFile: options.demoTraceFile ?? null, speed: options.demoSpeed ?? 1, clock, settings }, wire, () =>
    bus.emit('telemetry:status', telemetryStatus()),
  )
  const demoService = demo
  const retention = new RetentionService(store, settings, clock)
  const notices = new NoticeService({ reports, settings, clock, log: new NoticeLog(db), flush: () => recorder.current.flush() })
  settings.onChange((next) => demoService.sampler?.setMaxGapS(next.maxGapS))

  let closed = false
  const stopRecording = async (): Promise<void> => {
    notices.stop()
    retention.stop()
    selfCost.stop()
    inferenceWatch.stop()
    idle.stop()
    await demoService.stop()
    await recorder.stop()
  }
  return {
    info: { version: options.version, host: options.host, dbPath: options.dbPath ?? ':memory:', platform: process.platform },
    clock,
    bus,
    settings,
    dataPacks,
    reports,
    recorder,
    idle,
    models,
    measure,
    inferenceWatch,
    demo: demoService,
    retention,
    imports: new ImportService(store, settings, clock),
    notices,
    fleet: new FleetService(settings, dataPacks),
    storageNotes,
    telemetryStatus,
    shownStore: () => (demoService.store ? { store: demoService.store, demo: true } : { store, demo: false }),
    start: () => {
      recorder.start()
      selfCost.start()
      if (options.dbMode !== 'read') idle.start()
      if (options.dbMode !== 'read' && settings.get().watchLocalServers) inferenceWatch.start()
      if (options.dbMode !== 'read') retention.start()
      if (options.dbMode !== 'read' && options.notices) notices.start()
    },
    stopRecording,
    close: async () => {
      if (closed) return
      closed = true
      await stopRecording()
      db.close()
    },
  }
}

/** Opens the database; a damaged one is moved aside (never deleted) when the options allow it. */
function openOrRecover(options: ContextOptions, clock: Clock, notes: Message[]): DatabaseSync {
  if (options.dbPath === null) return openDatabase(':memory:')
  try {
    return openDatabase(options.dbPath, { mode: options.dbMode ?? 'write' })
  } catch (error) {
    if (!(error instanceof StoreError && error.reason === 'damaged' && options.recoverDamaged)) throw error
    const movedTo = moveAside(options.dbPath, clock.nowMs())
    notes.push(message('storage.moved-aside', { detail: (error.detail ?? 'quick_check failed').slice(0, 160), movedTo }))
    return openDatabase(options.dbPath)
  }
}
