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
    const e = estimateHandlers['estimate:training']({ dataPacks } as never, { gpuHours: 1000, hardwareId: 'nvidia-rtx-4090', countryIso3: 'FRA' })
    expect(e.energyMWh).toBeCloseTo((1000 * 450 * 1.1) / 1e6, 9)
  })

  it('compares a period given as a footprint, at the pace of the time elapsed until "now"', () => {
    const nowMs = Date.UTC(2026, 10, 30)
    const report = { footprint: { energyKWh: 10, co2eKg: 3 } } as Report
    const result = compareHandlers['compare:period'](
      { reports: { report: () => report }, dataPacks, clock: { nowMs: () => nowMs } },
      { sinceMs: nowMs - 86_400_000, untilMs: nowMs + 86_400_000, queries: 1e9 },
    )
    const gpt3 = result.training.find((t) => t.runId === 'gpt3-patterson2021')
    expect(gpt3?.energyRatio).toBeCloseTo(10 / 1_287_000, 12)
    // One day elapsed (not the two the period spans): 10 kWh a day.
    expect(gpt3?.yearsToEqual).toBeCloseTo(1_287_000 / 10 / 365.25, 3)
  })

  it('runs a scenario on a measured baseline from any energy source', () => {
    const asked: [number, number][] = []
    const result = runScenarioWith(
      { dataPacks, settings: { get: () => defaultSettings('fr-FR') }, reports: { energyKWh: (since, until) => (asked.push([since, until]), 42) } },
      {
        name: 'x',
        baseline: { kind: 'measured', since: '2026-11-01T00:00:00Z', until: '2026-11-08T00:00:00Z' },
        site: { countryIso3: 'FRA', pue: 1, wueLPerKWh: 0, pricePerKWh: null, currency: 'EUR' },
        variants: [],
      },
    )
    expect(result.baseline.outcome.energyKWh).toBe(42)
    expect(asked).toEqual([[Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 8)]])
    expect(formatText('en', result.baseline.label)).toBe(formatText('en', message('scenario.label-measured', { since: '2026-11-01', until: '2026-11-08' })))
  })
})
