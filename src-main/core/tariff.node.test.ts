import { describe, expect, it } from 'vitest'
import { isPeakHour, tariffPriceFactor } from './tariff.ts'

const tou = { kind: 'time-of-use' as const, peakPricePerKWh: 0.4, offPeakPricePerKWh: 0.2, peakStartHour: 7, peakEndHour: 23 }

describe('time-of-use tariff', () => {
  it('knows peak hours, overnight windows included', () => {
    expect([6, 7, 22, 23].map((h) => isPeakHour(h, tou))).toEqual([false, true, true, false])
    const overnight = { ...tou, peakStartHour: 22, peakEndHour: 6 }
    expect([21, 22, 0, 5, 6].map((h) => isPeakHour(h, overnight))).toEqual([false, true, true, true, false])
  })

  it("prices each hour's energy at its own price: 1 kWh at 03:00 and 3 kWh at 12:00 cost 0.2 + 1.2", () => {
    const hours = Array.from({ length: 24 }, (_, h) => (h === 3 ? 1 : h === 12 ? 3 : 0))
    const factor = tariffPriceFactor({ pricePerKWh: null, currency: 'EUR', tariff: tou }, hours)
    expect(factor?.value).toBeCloseTo(1.4 / 4, 12)
    expect(factor?.note).toMatch(/75% of this period's energy fell in peak hours/)
  })

  it('a flat tariff is the price entered, or nothing until one is', () => {
    expect(tariffPriceFactor({ pricePerKWh: null, currency: 'EUR', tariff: { kind: 'flat' } }, [])).toBeNull()
    expect(tariffPriceFactor({ pricePerKWh: 0.25, currency: 'EUR', tariff: { kind: 'flat' } }, [])?.value).toBe(0.25)
  })
})

describe('idle baseline', () => {
  it('reports energy above a per-GPU idle baseline, never below zero per GPU', async () => {
    const { aboveIdleEnergyJ } = await import('./report.ts')
    const devices = [
      {
        deviceId: 'a',
        name: 'a',
        source: 'nvml',
        domain: 'gpu' as const,
        method: 'sampled-power' as const,
        counterEnergyJ: 0,
        energyJ: 300 * 3600,
        integratedS: 3600,
        maxPowerW: 300,
      },
      {
        deviceId: 'b',
        name: 'b',
        source: 'nvml',
        domain: 'gpu' as const,
        method: 'sampled-power' as const,
        counterEnergyJ: 0,
        energyJ: 10 * 3600,
        integratedS: 3600,
        maxPowerW: 10,
      },
    ]
    expect(aboveIdleEnergyJ(devices, 20)).toBe(280 * 3600)
    expect(aboveIdleEnergyJ(devices, 0)).toBe(310 * 3600)
  })
})
