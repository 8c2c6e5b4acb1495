import { describe, expect, it } from 'vitest'
import { displayUnits, formatEnergy, formatMassKg, formatMoney, formatWatts } from './format.ts'
import { appendToWindow, powerSeriesByDevice, windowEndMs } from './stores/telemetry.shared.ts'
import type { Sample } from '../src-main/contract/telemetry.ts'
import { joulesFromKWh } from '../src-main/contract/units.ts'

describe('display formats', () => {
  it.each([
    [3600, '1.00', 'Wh'],
    [0, '0.00', 'Wh'],
    [36, '0.01', 'Wh'],
    [62, '0.0172', 'Wh'],
    [360_000, '100', 'Wh'],
    [joulesFromKWh(1), '1.00', 'kWh'],
    [4.6332e12, '1.29', 'GWh'], // GPT-3's 1,287 MWh (Patterson et al. 2021)
    [joulesFromKWh(1.287e6), '1.29', 'GWh'],
  ])('energy %d J → %s %s', (joules, value, unit) => {
    expect(formatEnergy(joules)).toEqual({ value, unit })
  })

  it('picks g, kg or t for CO2e', () => {
    expect(formatMassKg(0.0123)).toEqual({ value: '12.3', unit: 'g' })
    expect(formatMassKg(0.0000047)).toEqual({ value: '0.0047', unit: 'g' })
    expect(formatMassKg(552_000)).toEqual({ value: '552', unit: 't' })
    expect(formatMassKg(3.2)).toEqual({ value: '3.20', unit: 'kg' })
  })

  it('follows the display units chosen in Settings', () => {
    Object.assign(displayUnits, { energy: 'kWh', mass: 'imperial' })
    try {
      expect(formatEnergy(3600)).toEqual({ value: '0.001', unit: 'kWh' })
      expect(formatMassKg(1)).toEqual({ value: '2.20', unit: 'lb' })
      expect(formatMassKg(552_000)).toEqual({ value: '608', unit: 'US t' })
      expect(formatMassKg(0.01)).toEqual({ value: '0.353', unit: 'oz' })
    } finally {
      Object.assign(displayUnits, { energy: 'auto', mass: 'metric' })
    }
  })

  it('formats watts, money and unknowns in the locale', () => {
    expect(formatWatts(null)).toBe('—')
    expect(formatWatts(312.4)).toBe('312 W')
    expect(formatWatts(22.19)).toBe('22.2 W')
    expect(formatWatts(22.19, 'fr-FR')).toBe('22,2 W')
    expect(formatMoney(0.0123, 'EUR', 'en')).toBe('€0.01')
    expect(formatMoney(0.0000052, 'EUR', 'en')).toBe('€0.0000052')
    expect(formatMoney(0, 'EUR', 'en')).toBe('€0.00')
    expect(formatMoney(12.5, 'EUR', 'fr-FR')).toMatch(/12,50\s€/)
  })
})

const s = (tMs: number, deviceId = 'a', powerW: number | null = 100): Sample => ({
  tMs,
  deviceId,
  powerW,
  powerLimitW: null,
  utilPct: null,
  memUtilPct: null,
  memUsedB: null,
  tempC: null,
  smClockMhz: null,
  pstate: null,
})

describe('live buffer', () => {
  it('keeps only the window and appends pushes in order', () => {
    const buffer = [s(0), s(1000), s(2000)]
    expect(appendToWindow(buffer, [s(3000)], 1500, 3000).map((x) => x.tMs)).toEqual([2000, 3000])
  })

  it('stays bounded when the readings run ahead of this clock (a pinned host clock, a replay at speed)', () => {
    let buffer: ReturnType<typeof appendToWindow> = []
    for (let t = 0; t < 100_000; t += 1000) buffer = appendToWindow(buffer, [s(t)], 10_000, 0)
    expect(buffer.map((x) => x.tMs)).toEqual(Array.from({ length: 11 }, (_, i) => 89_000 + i * 1000))
    expect(windowEndMs(buffer, 0)).toBe(99_000)
    expect(windowEndMs([], 5)).toBe(5)
  })

  it('splits samples into one series per GPU, keeping missing power as a break', () => {
    const series = powerSeriesByDevice([s(0, 'a'), s(0, 'b', 50), s(1000, 'a', null)])
    expect(series.get('a')).toEqual([
      [0, 100],
      [1000, null],
    ])
    expect(series.get('b')).toEqual([[0, 50]])
  })
})
