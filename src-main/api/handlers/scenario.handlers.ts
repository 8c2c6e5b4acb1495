import { badInput } from '../../contract/errors.ts'
import type { Scenario, ScenarioResult } from '../../contract/scenario.ts'
import { countryGridFactor, gridFactorFor } from '../../core/grid-factors.ts'
import { ranged, type Ranged } from '../../core/ranged.ts'
import { baselineWorkload, cloudDefaults, runScenario } from '../../core/scenarios.ts'
import { parseInstant } from '../../core/time.ts'
import { psuEfficiencyFactor } from '../../core/whole-pc.ts'
import type { ModelMeasurementStore } from '../../store/model-measurements.ts'
import type { DataPackService } from '../services/data-packs.service.ts'
import type { ReportService } from '../services/reports.service.ts'
import type { SettingsService } from '../services/settings.service.ts'
import type { Handlers } from '../handler.ts'

/** What a scenario needs: the data set, the user's settings (home grid, price, power supply), and the history for a measured baseline. */
export interface ScenarioDeps {
  dataPacks: Pick<DataPackService, 'pack'>
  settings: Pick<SettingsService, 'get'>
  reports: Pick<ReportService, 'energyKWhRange'>
  /** Stored model measurements (a lever may use their measured ratio). */
  models?: Pick<ModelMeasurementStore, 'list'>
}

export function runScenarioWith(ctx: ScenarioDeps, scenario: Scenario): ScenarioResult {
  const pack = ctx.dataPacks.pack()
  const settings = ctx.settings.get()
  let measured: Ranged | undefined
  if (scenario.baseline.kind === 'measured') {
    // The same reading of dates as every other door: a date alone is local midnight.
    const since = parseInstant(scenario.baseline.since)
    const until = parseInstant(scenario.baseline.until)
    if (since === null || until === null || until <= since) throw badInput('scenario.bad-dates', {}, 'baseline.since')
    const e = ctx.reports.energyKWhRange(since, until)
    measured = ranged(e.value, e.low, e.high)
  }
  const psu = psuEfficiencyFactor(settings, pack)
  const base = baselineWorkload(scenario, pack, {
    gridFactor: countryGridFactor,
    electricityWaterLPerKWh: settings.electricityWaterLPerKWh,
    psu,
    ...(measured === undefined ? {} : { measured }),
  })
  const homeGrid = gridFactorFor(settings)?.factor ?? countryGridFactor(scenario.site.countryIso3)
  if (!homeGrid) throw badInput('scenario.no-grid', { iso3: settings.countryIso3 }, 'site.countryIso3')
  return runScenario(
    scenario,
    base,
    {
      pack,
      gridFactor: countryGridFactor,
      home: { grid: homeGrid, pricePerKWh: settings.pricePerKWh, psu },
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
