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
