import { describe, expect, it } from 'vitest'
import { bundledDataPack } from './data-pack.ts'
import { embodiedFactorIdFor, embodiedFigure } from './embodied.ts'

const pack = bundledDataPack()
const DAY_MS = 86_400_000
const YEAR_MS = 365.25 * DAY_MS
const defaults = { embodiedLifetimeYears: null, gpuEmbodiedKg: null }
const gpu = (name: string, first: number, last: number) => ({ deviceId: name, name, domain: 'gpu', seenMs: { first, last }, integratedS: 0 })

describe('the GPU’s manufacturing carbon, allotted to a period', () => {
  it('names the figure each card gets, and says a GeForce card uses the consumer proxy', () => {
    expect(embodiedFactorIdFor('NVIDIA H100 80GB HBM3')).toBe('embodied-h100')
    expect(embodiedFactorIdFor('NVIDIA A100-SXM4-40GB')).toBe('embodied-a100')
    expect(embodiedFactorIdFor('NVIDIA GeForce RTX 4090')).toBe('embodied-consumer-gpu')
    expect(embodiedFactorIdFor('AMD Radeon RX 7900 XTX')).toBe('embodied-consumer-gpu')
  })

  it('spreads 98 kg (73.1-122.8) over 4 years (3-6): a 30-day month of an RTX 4090 is 2.01 kg (1.0-3.36)', () => {
    const e = embodiedFigure([gpu('NVIDIA GeForce RTX 4090', 0, 30 * DAY_MS)], 0, 30 * DAY_MS, defaults, pack)
    const share = (30 * DAY_MS) / YEAR_MS
    expect(e?.co2eKg).toBeCloseTo((98 * share) / 4, 9)
    expect(e?.co2eRangeKg[0]).toBeCloseTo((73.1 * share) / 6, 9)
    expect(e?.co2eRangeKg[1]).toBeCloseTo((122.8 * share) / 3, 9)
    expect(e?.lifetime.source?.url).toMatch(/boavizta/)
    expect(e?.devices[0]?.factor.source?.url).toMatch(/hubblo-org\/gpu-calculator/)
  })

  it('counts only the time the GPU was seen inside the period, and nothing for CPUs or an empty period', () => {
    const e = embodiedFigure(
      [
        gpu('RTX 4090', 10 * DAY_MS, 12 * DAY_MS),
        { deviceId: 'cpu', name: 'Ryzen', domain: 'cpu-package', seenMs: { first: 0, last: 30 * DAY_MS }, integratedS: 0 },
      ],
      11 * DAY_MS,
      30 * DAY_MS,
      defaults,
      pack,
    )
    expect(e?.devices.map((d) => d.deviceId)).toEqual(['RTX 4090'])
    expect(e?.devices[0]?.spanS).toBe(DAY_MS / 1000)
    expect(embodiedFigure([{ deviceId: 'cpu', name: 'Ryzen', domain: 'cpu-package', integratedS: 1 }], 0, 1, defaults, pack)).toBeNull()
  })

  it('counts at least the time the readings cover when they all fall in one rollup bucket', () => {
    const e = embodiedFigure([{ ...gpu('RTX 4090', 60_000, 60_000), integratedS: 15 }], 0, DAY_MS, defaults, pack)
    expect(e?.devices[0]?.spanS).toBe(15)
  })

  it('uses your own figure and lifetime when you set them: the whole figure over a whole lifetime', () => {
    const e = embodiedFigure([gpu('RTX 4090', 0, 5 * YEAR_MS)], 0, 5 * YEAR_MS, { embodiedLifetimeYears: 5, gpuEmbodiedKg: 150 }, pack)
    expect(e?.co2eKg).toBeCloseTo(150, 9)
    expect(e?.co2eRangeKg).toEqual([e?.co2eKg, e?.co2eKg])
    expect(e?.devices[0]?.factor.origin).toBe('user')
  })
})
