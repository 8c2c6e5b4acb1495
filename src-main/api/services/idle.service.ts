import type { Device, IdleBaseline } from '../../contract/telemetry.ts'
import type { Clock } from '../../core/clock.ts'
import type { IdleBaselineStore } from '../../store/idle-baselines.ts'
import type { SettingsService } from './settings.service.ts'

/** How the idle figure is learned: the 10th percentile of power at rest over the last 7 days, from at least 60 readings. */
export const IDLE_LEARNING = { windowDays: 7, percentile: 10, minReadings: 60 } as const
const RELEARN_MS = 3_600_000
const BASELINES_KEPT_MS = 30_000

/**
 * Each device's idle power: learned from its own readings at rest (hourly), or the figure set in
 * Settings, which overrides it for every GPU. What the recorder splits energy with and what
 * reports subtract for "above idle".
 */
export class IdleService {
  private readonly store: IdleBaselineStore
  private readonly settings: SettingsService
  private readonly clock: Clock
  private readonly devices: () => readonly Device[]
  private learned: IdleBaseline[] = []
  private timer: NodeJS.Timeout | null = null
  /** The recorder asks for every reading: the list is kept a few seconds (new devices appear in it then). */
  private cached: { atMs: number; setting: number | null; learned: IdleBaseline[]; baselines: IdleBaseline[]; known: Set<string> } | null = null

  constructor(store: IdleBaselineStore, settings: SettingsService, clock: Clock, devices: () => readonly Device[]) {
    this.store = store
    this.settings = settings
    this.clock = clock
    this.devices = devices
    this.learned = store.all()
  }

  start(): void {
    if (this.timer) return
    this.learn()
    this.timer = setInterval(() => this.learn(), RELEARN_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Learns again from the readings now (also on request: the Devices view's "learn now"). */
  learn(): IdleBaseline[] {
    this.learned = this.store.learn({ nowMs: this.clock.nowMs(), ...IDLE_LEARNING })
    return this.baselines()
  }

  /** The baseline in use for every device that has one. */
  baselines(): IdleBaseline[] {
    const setting = this.settings.get().idleBaselineW
    const nowMs = this.clock.nowMs()
    const c = this.cached
    if (c && c.setting === setting && c.learned === this.learned && nowMs - c.atMs >= 0 && nowMs - c.atMs < BASELINES_KEPT_MS) return c.baselines
    return this.compute(setting, nowMs).baselines
  }

  private compute(setting: number | null, nowMs: number): { baselines: IdleBaseline[]; known: Set<string> } {
    const devices = this.devices()
    const gpus = new Set(devices.filter((d) => d.domain === 'gpu').map((d) => d.deviceId))
    const fromSetting: IdleBaseline[] =
      setting === null
        ? []
        : [...gpus].map((deviceId) => ({
            deviceId,
            idleW: setting,
            source: 'setting',
            readings: 0,
            percentile: 0,
            windowDays: 0,
            basis: 'setting',
            learnedMs: 0,
          }))
    const overridden = new Set(fromSetting.map((b) => b.deviceId))
    const baselines = [...fromSetting, ...this.learned.filter((b) => !overridden.has(b.deviceId))]
    const known = new Set(devices.map((d) => d.deviceId))
    this.cached = { atMs: nowMs, setting, learned: this.learned, baselines, known }
    return { baselines, known }
  }

  idleW(deviceId: string): number | null {
    let baselines = this.baselines()
    // A device the kept list has not seen yet (just recorded for the first time): look again.
    if (this.cached && !this.cached.known.has(deviceId)) baselines = this.compute(this.settings.get().idleBaselineW, this.clock.nowMs()).baselines
    return baselines.find((b) => b.deviceId === deviceId)?.idleW ?? null
  }

  /** Forgets the kept list (a device was added, a test changed the setting behind the service's back). */
  invalidate(): void {
    this.cached = null
  }
}
