import type { Clock } from '../../core/clock.ts'
import type { SampleStore } from '../../store/sample-store.ts'
import type { SettingsService } from './settings.service.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** Purges raw readings past the retention (the rollups keep their energy): at start, hourly, and when it changes. */
export class RetentionService {
  private timer: NodeJS.Timeout | null = null

  private readonly store: SampleStore
  private readonly settings: SettingsService
  private readonly clock: Clock

  constructor(store: SampleStore, settings: SettingsService, clock: Clock) {
    this.store = store
    this.settings = settings
    this.clock = clock
    settings.onChange((next, before) => {
      if (next.rawRetentionDays !== before.rawRetentionDays) this.purge()
    })
  }

  start(): void {
    this.purge()
    this.timer = setInterval(() => this.purge(), HOUR_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  purge(): void {
    try {
      this.store.purgeRawBefore(this.clock.nowMs() - this.settings.get().rawRetentionDays * DAY_MS)
    } catch {
      // A failed purge (busy or full disk) keeps the data; the next hourly run tries again.
    }
  }
}
