import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { footprint, mergeParts, type MeasuredEnergy } from './footprint.ts'
import { CO2JS_VERSION, countryFromLocale, countryGridFactor, gridCountries, gridFactorFor, userGridFactor, userPriceFactor } from './grid-factors.ts'
import { joulesFromKWh, kWhFromJoules } from '../contract/units.ts'
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

  it("prefers the user value over the country average, and says it is the user's", () => {
    const choice = gridFactorFor({ countryIso3: 'POL', gridOverrideGPerKWh: 120 })
    expect(choice?.factor.value).toBe(120)
    expect(choice?.factor.origin).toBe('user')
    expect(choice?.method).toBe('user-value')
    expect(gridFactorFor({ countryIso3: 'POL', gridOverrideGPerKWh: null })).toMatchObject({ method: 'location-based', factor: { origin: 'dataset' } })
  })

  it('makes a market-based factor from a renewable share, citing the GHG Protocol', () => {
    const location = gridFactorFor({ countryIso3: 'DEU', gridOverrideGPerKWh: null })
    const market = gridFactorFor({ countryIso3: 'DEU', gridOverrideGPerKWh: null, renewableSharePct: 75 })
    expect(market?.method).toBe('market-based')
    expect(market?.factor.value).toBeCloseTo((location?.factor.value ?? 0) * 0.25, 9)
    expect(market?.factor.source?.title).toMatch(/Scope 2/)
    expect(gridFactorFor({ countryIso3: 'DEU', gridOverrideGPerKWh: null, renewableSharePct: 100 })?.factor.value).toBe(0)
  })
})

const exact = { id: 'exact', label: 'exact', value: 1, unit: '×', year: null, origin: 'assumption' as const, source: null }

describe('footprint', () => {
  const grid = userGridFactor(400)
  const price = userPriceFactor(0.3, 'EUR')
  const base = { carbonMethod: 'user-value' as const, water: null, currency: 'EUR' }
  const sampled = (energyJ: number, measurement = exact): MeasuredEnergy[] => [{ method: 'sampled-power', energyJ, measurement, devices: ['GPU'] }]

  it('turns 1 kWh at 400 g/kWh and 0.30 EUR/kWh into 0.4 kg and 0.30 EUR', () => {
    const fp = footprint(sampled(joulesFromKWh(1)), { ...base, grid, price })
    expect(fp.energyKWh).toBeCloseTo(1, 12)
    expect(fp.co2eKg).toBeCloseTo(0.4, 12)
    expect(fp.cost).toBeCloseTo(0.3, 12)
    expect(fp.grid).toEqual(grid)
    expect(fp.price).toEqual(price)
  })

  it('is linear in energy', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.double({ min: 0, max: 1e12, noNaN: true }), (a, b) => {
        const ctx = { ...base, grid, price }
        const sum = footprint(sampled(a + b), ctx)
        const parts = [footprint(sampled(a), ctx), footprint(sampled(b), ctx)]
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
    const fp = footprint(sampled(1e6), { ...base, grid: null, price: null })
    expect(fp.co2eKg).toBeNull()
    expect(fp.cost).toBeNull()
    expect(fp.waterL).toBeNull()
  })

  it('carries a range that holds the value and widens with each uncertain input', () => {
    const measurement = { ...exact, low: 0.95, high: 1.05 }
    const country = countryGridFactor('FRA')
    if (!country) throw new Error('no FRA')
    const fp = footprint(sampled(joulesFromKWh(10), measurement), { ...base, grid: country, price, carbonMethod: 'location-based' })
    expect(fp.energyRangeKWh).toEqual([9.5, 10.5])
    const [lo, hi] = fp.co2eRangeKg ?? [0, 0]
    expect(lo).toBeLessThan(fp.co2eKg ?? 0)
    expect(hi).toBeGreaterThan(fp.co2eKg ?? 0)
    expect(lo).toBeCloseTo((10 * 0.95 * country.value * 0.9) / 1000, 9)
    expect(fp.factors.map((f) => f.id)).toEqual(['exact', country.id, 'price:user'])
  })

  it('sums each part’s own range: a counter-read GPU and a RAPL CPU are off by different amounts', () => {
    const gpu: MeasuredEnergy = {
      method: 'counter',
      energyJ: joulesFromKWh(8),
      measurement: { ...exact, id: 'gpu', low: 0.95, high: 1.05 },
      devices: ['RTX 4090'],
    }
    const cpu: MeasuredEnergy = {
      method: 'counter',
      energyJ: joulesFromKWh(2),
      measurement: { ...exact, id: 'cpu', low: 0.9, high: 1.1 },
      devices: ['CPU package'],
    }
    const fp = footprint([gpu, cpu], { ...base, grid, price })
    expect(fp.method).toBe('counter')
    expect(fp.energyKWh).toBeCloseTo(10, 12)
    expect(fp.energyRangeKWh[0]).toBeCloseTo(8 * 0.95 + 2 * 0.9, 12)
    expect(fp.energyRangeKWh[1]).toBeCloseTo(8 * 1.05 + 2 * 1.1, 12)
    expect(fp.parts.map((p) => [p.measurement.id, p.devices])).toEqual([
      ['gpu', ['RTX 4090']],
      ['cpu', ['CPU package']],
    ])
    const estimated: MeasuredEnergy = {
      method: 'estimated',
      energyJ: joulesFromKWh(1),
      measurement: { ...exact, id: 'rest', low: 0.8, high: 1.2 },
      devices: ['rest'],
    }
    expect(footprint([gpu, estimated], { ...base, grid, price }).method).toBe('mixed')
    expect(fp.factors.map((f) => f.id)).toEqual(['gpu', 'cpu', grid.id, 'price:user'])
  })

  it('merges parts measured the same way with the same factor, and drops empty ones', () => {
    const a: MeasuredEnergy = { method: 'sampled-power', energyJ: 100, measurement: exact, devices: ['GPU 0'] }
    const b: MeasuredEnergy = { method: 'sampled-power', energyJ: 50, measurement: exact, devices: ['GPU 1'] }
    const empty: MeasuredEnergy = { method: 'counter', energyJ: 0, measurement: { ...exact, id: 'x' }, devices: ['idle'] }
    expect(mergeParts([a, b, empty])).toEqual([{ method: 'sampled-power', energyJ: 150, measurement: exact, devices: ['GPU 0', 'GPU 1'] }])
  })

  it('a factor with no documented range leaves the range at the value (user price)', () => {
    const fp = footprint(sampled(joulesFromKWh(2)), { ...base, grid, price })
    expect(fp.costRange).toEqual([0.6, 0.6])
  })
})
