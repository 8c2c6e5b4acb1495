import type { DataPack } from '../contract/reference.ts'
import type { Scenario, ScenarioResult } from '../contract/scenario.ts'
import type { Settings } from '../contract/settings.ts'
import { countryGridFactor } from '../core/grid-factors.ts'
import { baselineWorkload, cloudDefaults, LeverError, runScenario } from '../core/scenarios.ts'

/**
 * Runs a scenario for the app and the CLI alike. `measuredKWh` reads the history for a
 * `measured` baseline; without a history, such a baseline is refused by name.
 */
export function runScenarioWith(scenario: Scenario, pack: DataPack, settings: Settings, measuredKWh: ((sinceMs: number, untilMs: number) => number) | null): ScenarioResult {
  const grid = (iso3: string): number | null => countryGridFactor(iso3)?.value ?? null
  let measured: number | undefined
  if (scenario.baseline.kind === 'measured') {
    const since = Date.parse(scenario.baseline.since)
    const until = Date.parse(scenario.baseline.until)
    if (Number.isNaN(since) || Number.isNaN(until) || until <= since) throw new LeverError('baseline.since/until: two ISO 8601 dates, until after since')
    if (!measuredKWh) throw new LeverError('baseline: a measured baseline needs the database (--db)')
    measured = measuredKWh(since, until)
  }
  const base = baselineWorkload(scenario, pack, { gridGCo2ePerKWh: grid, electricityWaterLPerKWh: settings.electricityWaterLPerKWh, ...(measured === undefined ? {} : { measuredKWh: measured }) })
  const home = grid(settings.countryIso3) ?? base.workload.gridGCo2ePerKWh
  return runScenario(scenario, base, { pack, gridGCo2ePerKWh: grid, home: { gridGCo2ePerKWh: home, pricePerKWh: settings.pricePerKWh }, cloud: cloudDefaults(pack) }, base.notes)
}
