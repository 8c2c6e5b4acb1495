import type { ImportSummary } from '../../contract/history.ts'
import type { Clock } from '../../core/clock.ts'
import { importNvidiaSmiLog } from '../../telemetry/importers/nvidia-smi-log.importer.ts'
import type { SampleStore } from '../../store/sample-store.ts'
import type { SettingsService } from './settings.service.ts'

/** Logs added to the history, integrated with the same rule as live recording and never counted twice. */
export class ImportService {
  private readonly store: SampleStore
  private readonly settings: SettingsService
  private readonly clock: Clock

  constructor(store: SampleStore, settings: SettingsService, clock: Clock) {
    this.store = store
    this.settings = settings
    this.clock = clock
  }

  nvidiaSmiCsv(text: string, fileName: string, zone: string | undefined): ImportSummary {
    return importNvidiaSmiLog(this.store, text, { file: fileName, maxGapS: this.settings.get().maxGapS, nowMs: this.clock.nowMs(), ...(zone ? { zone } : {}) })
  }
}
