import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { footprint } from './footprint.ts'
import { CO2JS_VERSION, countryFromLocale, countryGridFactor, gridCountries, gridFactorFor, priceFactorFor, userGridFactor, userPriceFactor } from './grid-factors.ts'
import { joulesFromKWh, kWhFromJoules } from './units.ts'
import { REPO_ROOT } from '../../test/helpers.ts'

describe('grid factors from CO2.js (Ember yearly averages)', () => {
  it('pins the CO2.js version it cites to the installed package', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', '@tgwf', 'co2', 'package.json'), 'utf8')) as { version: string }
    expect(CO2JS_VERSION).toBe(pkg.version)
  })

  it('gives each country a value with its source, licence and an honest year', () => {
    const fra = countryGridFactor('FRA')
    expect(fra?.value).toBeGreaterThan(0)
    expect(fra?.unit).toBe('g CO2e/kWh')
    expect(fra?.source?.publisher).toMatch(/Ember/)
    expect(fra?.source?.url).toMatch(/^https:\/\//)
    expect(fra?.source?.licence).toBe('CC BY-SA 4.0')
    // CO2.js does not record which year each country's figure is from: we must not invent one.
    expect(fra?.year).toBeNull()
    expect(countryGridFactor('XXX')).toBeNull()
  })

  it('lists countries by name with WORLD available', () => {
    const list = gridCountries()
    expect(list.length).toBeGreaterThan(150)
    expect(list.find((c) => c.iso3 === 'WORLD')).toBeTruthy()
    expect(list.find((c) => c.iso3 === 'DEU')?.name).toBe('Germany')
  })

  it.each([
    ['fr-FR', 'FRA'],
    ['de', 'DEU'],
    ['en-GB', 'GBR'],
    ['und-IN', 'IND'],
    ['C', 'WORLD'],
    [undefined, 'WORLD'],
  ])('maps locale %s to %s', (locale, iso3) => {
    expect(countryFromLocale(locale)).toBe(iso3)
  })

  it('prefers the user value over the country average, and says it is the user\'s', () => {
    const factor = gridFactorFor({ countryIso3: 'POL', gridOverrideGPerKWh: 120 })
    expect(factor?.value).toBe(120)
    expect(factor?.origin).toBe('user')
    expect(gridFactorFor({ countryIso3: 'POL', gridOverrideGPerKWh: null })?.origin).toBe('dataset')
    expect(priceFactorFor({ pricePerKWh: null, currency: 'EUR' })).toBeNull()
  })
})

describe('footprint', () => {
  const grid = userGridFactor(400)
  const price = userPriceFactor(0.3, 'EUR')

  it('turns 1 kWh at 400 g/kWh and 0.30 EUR/kWh into 0.4 kg and 0.30 EUR', () => {
    const fp = footprint(joulesFromKWh(1), { grid, price, currency: 'EUR', method: 'integrated-sampled-power' })
    expect(fp.energyKWh).toBeCloseTo(1, 12)
    expect(fp.co2eKg).toBeCloseTo(0.4, 12)
    expect(fp.cost).toBeCloseTo(0.3, 12)
    expect(fp.grid).toEqual(grid)
    expect(fp.price).toEqual(price)
  })

  it('is linear in energy', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.double({ min: 0, max: 1e12, noNaN: true }), (a, b) => {
        const ctx = { grid, price, currency: 'EUR', method: 'integrated-sampled-power' as const }
        const sum = footprint(a + b, ctx)
        const parts = [footprint(a, ctx), footprint(b, ctx)]
        const rel = (x: number, y: number): number => Math.abs(x - y) / Math.max(1, Math.abs(y))
        expect(rel(sum.co2eKg ?? 0, (parts[0]?.co2eKg ?? 0) + (parts[1]?.co2eKg ?? 0))).toBeLessThan(1e-12)
        expect(rel(sum.cost ?? 0, (parts[0]?.cost ?? 0) + (parts[1]?.cost ?? 0))).toBeLessThan(1e-12)
      }),
    )
  })

  it('round-trips units', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e15, noNaN: true }), (j) => {
        expect(Math.abs(joulesFromKWh(kWhFromJoules(j)) - j)).toBeLessThanOrEqual(1e-12 * Math.max(1, j))
      }),
    )
  })

  it('says "unknown" rather than zero when there is no grid figure or price', () => {
    const fp = footprint(1e6, { grid: null, price: null, currency: 'EUR', method: 'integrated-sampled-power' })
    expect(fp.co2eKg).toBeNull()
    expect(fp.cost).toBeNull()
  })
})
