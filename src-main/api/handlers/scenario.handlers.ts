import { badInput } from '../../contract/errors.ts'
import type { Scenario, ScenarioResult } from '../../contract/scenario.ts'
import { countryGridFactor } from '../../core/grid-factors.ts'
import { baselineWorkload, cloudDefaults, runScenario } from '../../core/scenarios.ts'
import { parseInstant } from '../../core/time.ts'
import type { DataPackService } from '../services/data-packs.service.ts'
import type { ReportService } from '../services/reports.service.ts'
import type { SettingsService } from '../services/settings.service.ts'
import type { Handlers } from '../handler.ts'
import type { ModelMeasurementStore } from '../../store/model-measurements.ts'

/** What a scenario needs: the data set, the user's settings (home grid and price), and the history for a measured baseline. */
export interface ScenarioDeps {
  dataPacks: Pick<DataPackService, 'pack'>
  settings: Pick<SettingsService, 'get'>
  reports: Pick<ReportService, 'energyKWh'>
  /** Stored model measurements (a lever may use their measured ratio). */
  models?: Pick<ModelMeasurementStore, 'list'>
}

export function runScenarioWith(ctx: ScenarioDeps, scenario: Scenario): ScenarioResult {
  const pack = ctx.dataPacks.pack()
  const settings = ctx.settings.get()
  const grid = (iso3: string): number | null => countryGridFactor(iso3)?.value ?? null
  let measured: number | undefined
  if (scenario.baseline.kind === 'measured') {
    // The same reading of dates as every other door: a date alone is local midnight.
    const since = parseInstant(scenario.baseline.since)
    const until = parseInstant(scenario.baseline.until)
    if (since === null || until === null || until <= since) throw badInput('scenario.bad-dates', {}, 'baseline.since')
    measured = ctx.reports.energyKWh(since, until)
  }
  const base = baselineWorkload(scenario, pack, {
    gridGCo2ePerKWh: grid,
    electricityWaterLPerKWh: settings.electricityWaterLPerKWh,
    ...(measured === undefined ? {} : { measuredKWh: measured }),
  })
  const home = grid(settings.countryIso3) ?? base.workload.gridGCo2ePerKWh
  return runScenario(
    scenario,
    base,
    {
      pack,
      gridGCo2ePerKWh: grid,
      home: { gridGCo2ePerKWh: home, pricePerKWh: settings.pricePerKWh },
      cloud: cloudDefaults(pack),
      measurement: (id) => {
        const m = ctx.models?.list().find((x) => x.id === id)
        return m && m.id !== null
          ? { id: m.id, model: m.model, quantization: m.quantization, whPer1kTokens: m.whPer1kTokens.value, devices: m.devices.map((d) => d.name) }
          : null
      },
    },
    base.notes,
  )
}

export const scenarioHandlers = {
  'scenario:run': (ctx: ScenarioDeps, request: Scenario) => runScenarioWith(ctx, request),
} satisfies Partial<Handlers>
