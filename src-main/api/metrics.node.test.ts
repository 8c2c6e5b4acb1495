import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { DEMO_TRACE, STEADY_GPU, steadyPowerLog, tempDir } from '../../test/helpers.ts'
import { createContext, type AppContext } from './context.ts'
import { dispatch } from './dispatch.ts'
import { collectMetrics, counterValue } from './metrics.ts'

const GPU = STEADY_GPU.uuid
const NOON = Date.parse('2026-11-18T12:00:00Z')

let ctx: AppContext | null = null
afterEach(async () => {
  await ctx?.close()
  ctx = null
})

describe("the metrics' counters, from the history", () => {
  it('energy, CO2e and cost of the whole history, the factor and the price in their labels; the demo never counts', async () => {
    ctx = createContext({
      dbPath: join(tempDir(), 'm.db'),
      host: 'headless',
      version: '1.2.3',
      locale: 'fr-FR',
      clock: { nowMs: () => NOON + 86_400_000 },
      demoTraceFile: DEMO_TRACE,
      demoSpeed: 50,
    })
    await dispatch(ctx, 'history:import', { format: 'nvidia-smi-csv', text: steadyPowerLog(NOON, 3600, 300), fileName: 'h.csv', zone: 'UTC' })
    await dispatch(ctx, 'settings:update', { pricePerKWh: 0.2, currency: 'EUR' })
    ctx.demo.start()
    const families = new Map(collectMetrics(ctx).map((f) => [f.name, f]))
    const energy = families.get('wattprint_energy_joules_total')?.samples ?? []
    expect(energy).toEqual([
      { labels: { device: GPU, name: 'NVIDIA GeForce RTX 4090', domain: 'gpu', source: 'import', method: 'sampled-power' }, value: 1_080_000 },
    ])
    expect(families.get('wattprint_co2e_grams_total')?.samples[0]).toMatchObject({ labels: { grid_factor: 'grid:ember:FRA', basis: 'location-based' } })
    expect(families.get('wattprint_cost_total')?.samples).toEqual([
      { labels: { currency: 'EUR', price_per_kwh: '0.2', tariff: 'flat' }, value: expect.closeTo(0.06, 6) },
    ])
    // No live source: no power gauge (the demo's replay is not this PC's).
    expect(families.get('wattprint_gpu_power_watts')?.samples).toEqual([])
    // A time-of-use tariff: its prices and hours name the series, so a change starts a new one.
    await dispatch(ctx, 'settings:update', {
      tariff: { kind: 'time-of-use', peakPricePerKWh: 0.3, offPeakPricePerKWh: 0.1, peakStartHour: 7, peakEndHour: 23 },
    })
    const cost = collectMetrics(ctx).find((f) => f.name === 'wattprint_cost_total')?.samples[0]
    expect(cost?.labels).toEqual({ currency: 'EUR', price_per_kwh: 'peak 0.3 7-23h, off-peak 0.1', tariff: 'time-of-use' })
  })
})

describe('a counter as exported', () => {
  it('is rounded to the millionth and never goes below what was exported before (a sum over another split of the rollups can come out lower)', () => {
    const seen = new Map<string, number>()
    expect(counterValue(seen, 'k', 2220961.3662)).toBe(2220961.3662)
    expect(counterValue(seen, 'k', 2220961.3661999987)).toBe(2220961.3662)
    expect(counterValue(seen, 'k', 2220970.5)).toBe(2220970.5)
    expect(counterValue(seen, 'other', 1)).toBe(1)
  })
})
