import type { Report } from '../contract/footprint.ts'
import type { DataPack } from '../contract/reference.ts'
import type { Settings } from '../contract/settings.ts'
import { buildReport } from '../core/report.ts'
import type { SampleStore } from '../store/sample-store.ts'

/** A period's report from the store, for the app and the CLI alike. */
export function reportOf(store: SampleStore, sinceMs: number, untilMs: number, settings: Settings, pack: DataPack, demo = false): Report {
  // Energy by local hour costs an extra query: only a time-of-use tariff needs it.
  const totals = store.totals(sinceMs, untilMs, { byLocalHour: settings.tariff.kind === 'time-of-use' })
  return buildReport(totals, sinceMs, untilMs, settings, demo, pack)
}
