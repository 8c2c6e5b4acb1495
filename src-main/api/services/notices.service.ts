import type { Budget } from '../../contract/settings.ts'
import type { Device, Sample } from '../../contract/telemetry.ts'
import { lastWeekMs, newCrossings, periodBoundsMs, type PeriodUse } from '../../core/budgets.ts'
import type { Clock } from '../../core/clock.ts'
import { DEFAULT_MAX_READING_GAP_MS, IDLE_WATCH, STUCK_HOLD_MS, watchReading, type StuckWatch } from '../../core/stuck-gpu.ts'
import { BATTERY_SLOWDOWN } from './recorder.service.ts'
import type { NoticeLog } from '../../store/notice-log.ts'
import type { ReportService } from './reports.service.ts'
import type { SettingsService } from './settings.service.ts'

/** Something worth a desktop notification; the desktop app puts it into words in the user's language. */
export type Notice =
  | { kind: 'budget'; key: string; budget: Budget; used: number; currency: string }
  | { kind: 'weekly'; key: string; sinceMs: number; untilMs: number; energyJ: number; co2eKg: number | null; cost: number | null; currency: string }
  | { kind: 'stuck'; key: string; deviceId: string; deviceName: string; thresholdW: number; powerW: number; minutes: number }

/** How often budgets and the weekly summary are checked. */
const CHECK_EVERY_MS = 60_000
/** Shown notices are forgotten after this long (their periods are over). */
const KEEP_NOTICES_MS = 62 * 86_400_000

/**
 * Budgets (once per crossing and period), the weekly summary (once per week) and a GPU drawing
 * power while doing nothing (once per stretch). All are off until set in Settings. Only the live
 * recording counts: the demo's numbers are not the user's.
 */
export class NoticeService {
  private readonly options: {
    reports: ReportService
    settings: SettingsService
    clock: Clock
    log: NoticeLog
    /** Writes pending readings, so a check sees the last seconds. */
    flush: () => void
  }
  private readonly listeners = new Set<(notice: Notice) => void>()
  private readonly watches = new Map<string, StuckWatch>()
  private timer: NodeJS.Timeout | null = null

  constructor(options: NoticeService['options']) {
    this.options = options
  }

  on(listener: (notice: Notice) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Budgets crossed and the weekly summary due now; each is marked as shown before it is sent. */
  check(): Notice[] {
    const settings = this.options.settings.get()
    if (settings.budgets.length === 0 && !settings.weeklySummary) return []
    this.options.flush()
    const nowMs = this.options.clock.nowMs()
    const notices: Notice[] = []
    const used = new Map<Budget['period'], { use: PeriodUse; sinceMs: number }>()
    const useOf = (period: Budget['period']): { use: PeriodUse; sinceMs: number } => {
      const known = used.get(period)
      if (known) return known
      const { sinceMs } = periodBoundsMs(period, nowMs)
      const fp = this.options.reports.report(sinceMs, nowMs + 1).footprint
      const entry = { use: { energyKWh: fp.energyKWh, co2eKg: fp.co2eKg, cost: fp.cost }, sinceMs }
      used.set(period, entry)
      return entry
    }
    for (const crossing of newCrossings(settings.budgets, useOf, (key) => this.options.log.has(key)))
      notices.push({ kind: 'budget', key: crossing.key, budget: crossing.budget, used: crossing.used, currency: settings.currency })
    if (settings.weeklySummary) {
      const week = lastWeekMs(nowMs)
      if (!this.options.log.has(week.key)) {
        const report = this.options.reports.report(week.sinceMs, week.untilMs)
        // A week with nothing recorded (the app was not running) has nothing to say.
        if (report.samples > 0)
          notices.push({
            kind: 'weekly',
            key: week.key,
            sinceMs: week.sinceMs,
            untilMs: week.untilMs,
            energyJ: report.energyJ,
            co2eKg: report.footprint.co2eKg,
            cost: report.footprint.cost,
            currency: settings.currency,
          })
      }
    }
    for (const notice of notices) this.options.log.mark(notice.key, nowMs)
    if (notices.length) this.options.log.prune(nowMs - KEEP_NOTICES_MS)
    for (const notice of notices) this.emit(notice)
    return notices
  }

  /** Live readings: a GPU above the stuck threshold at 0 % use for 10 minutes is reported once per stretch. */
  readings(samples: readonly Sample[], devices: () => readonly Device[]): void {
    const thresholdW = this.options.settings.get().stuckGpuAlertW
    if (thresholdW === null) {
      this.watches.clear()
      return
    }
    // A reading every sampling interval, five times slower on battery: three missed polls break
    // the watch (a sleep, a pause), slow polling alone never does.
    const maxGapMs = Math.max(DEFAULT_MAX_READING_GAP_MS, 3 * BATTERY_SLOWDOWN * this.options.settings.get().sampleIntervalMs)
    for (const sample of samples) {
      const { watch, report } = watchReading(this.watches.get(sample.deviceId) ?? IDLE_WATCH, sample, thresholdW, STUCK_HOLD_MS, maxGapMs)
      this.watches.set(sample.deviceId, watch)
      if (!report || sample.powerW === null) continue
      const device = devices().find((d) => d.deviceId === sample.deviceId)
      // Only GPUs: a CPU package has no utilisation figure and never reads 0 % here anyway.
      this.emit({
        kind: 'stuck',
        key: `stuck:${sample.deviceId}:${watch.sinceMs ?? sample.tMs}`,
        deviceId: sample.deviceId,
        deviceName: device?.name ?? sample.deviceId,
        thresholdW,
        powerW: sample.powerW,
        minutes: Math.round(STUCK_HOLD_MS / 60_000),
      })
    }
  }

  private emit(notice: Notice): void {
    for (const listener of this.listeners) listener(notice)
  }
}
