import { describe, expect, it } from 'vitest'
import { bundledDataPack } from '../../core/data-pack.ts'
import { message, formatText } from '../../contract/messages.ts'
import { defaultSettings } from '../services/settings.service.ts'
import { compareHandlers } from './compare.handlers.ts'
import { estimateHandlers } from './estimates.handlers.ts'
import { runScenarioWith } from './scenario.handlers.ts'
import type { Report } from '../../contract/footprint.ts'

// Estimates, comparisons and scenarios are pure queries: they run on the data set and a few plain
// values, with no database and no telemetry reader.
const pack = bundledDataPack()
const dataPacks = { pack: () => pack }

describe('pure queries, without a database or a reader', () => {
  it('estimates training from the data set alone', () => {
    const settings = { get: () => defaultSettings('fr-FR') }
    const e = estimateHandlers['estimate:training']({ dataPacks, settings } as never, { gpuHours: 1000, hardwareId: 'nvidia-rtx-4090', countryIso3: 'FRA' })
    // A home card: PUE 1 behind an 80 PLUS Gold supply (90 %).
    expect(e.profile).toBe('home')
    expect(e.energyMWh).toBeCloseTo((1000 * 450) / 0.9 / 1e6, 9)
    const mine = estimateHandlers['estimate:training'](
      { dataPacks, settings: { get: () => ({ ...defaultSettings('fr-FR'), psuEfficiency: 0.94 }) } } as never,
      { gpuHours: 1000, hardwareId: 'nvidia-rtx-4090', countryIso3: 'FRA' },
    )
    expect(mine.energyMWh).toBeCloseTo((1000 * 450) / 0.94 / 1e6, 9)
  })

  it('compares a period given as a footprint, at the pace of the time elapsed until "now"; the fleet\'s when asked', async () => {
    const nowMs = Date.UTC(2026, 10, 30)
    const report = { footprint: { energyKWh: 10, energyRangeKWh: [9.5, 10.5], co2eKg: 3, co2eRangeKg: [2, 4] } } as Report
    const fleetReport = { footprint: { energyKWh: 100, energyRangeKWh: [95, 105], co2eKg: 30, co2eRangeKg: [20, 40] } } as Report
    const deps = {
      reports: { report: () => report },
      fleet: { report: async () => ({ report: fleetReport }) as never },
      dataPacks,
      clock: { nowMs: () => nowMs },
    }
    const result = await compareHandlers['compare:period'](deps, { sinceMs: nowMs - 86_400_000, untilMs: nowMs + 86_400_000, queries: 1e9, scope: 'local' })
    const fleet = await compareHandlers['compare:period'](deps, { sinceMs: nowMs - 86_400_000, untilMs: nowMs + 86_400_000, queries: 1e9, scope: 'fleet' })
    expect(fleet.period).toMatchObject({ scope: 'fleet', energyKWh: 100 })
    const gpt3 = result.training.find((t) => t.runId === 'gpt3-patterson2021')
    expect(gpt3?.energyRatio).toBeCloseTo(10 / 1_287_000, 12)
    // One day elapsed (not the two the period spans): 10 kWh a day.
    expect(gpt3?.yearsToEqual).toBeCloseTo(1_287_000 / 10 / 365.25, 3)
    expect(gpt3?.yearsToEqualRange?.[0]).toBeCloseTo(1_287_000 / 10.5 / 365.25, 3)
    expect(gpt3?.energyRatioRange?.[1]).toBeCloseTo(10.5 / 1_287_000, 12)
  })

  it('runs a scenario on a measured baseline from any energy source', () => {
    const asked: [number, number][] = []
    const result = runScenarioWith(
      {
        dataPacks,
        settings: { get: () => defaultSettings('fr-FR') },
        reports: { energyKWhRange: (since, until) => (asked.push([since, until]), { value: 42, low: 40, high: 44 }) },
      },
      {
        name: 'x',
        baseline: { kind: 'measured', since: '2026-11-01T00:00:00Z', until: '2026-11-08T00:00:00Z', workload: 'inference' },
        site: { countryIso3: 'FRA', pue: 1, wueLPerKWh: 0, pricePerKWh: null, currency: 'EUR' },
        variants: [],
      },
    )
    // Measured at home: behind a 90 % efficient power supply, with the measurement's own range.
    expect(result.baseline.outcome.energyKWh).toBeCloseTo(42 / 0.9, 9)
    expect(result.baseline.outcome.range.energyKWh[0]).toBeCloseTo(40 / 0.94, 9)
    expect(asked).toEqual([[Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 8)]])
    expect(formatText('en', result.baseline.label)).toBe(formatText('en', message('scenario.label-measured', { since: '2026-11-01', until: '2026-11-08' })))
  })
})
