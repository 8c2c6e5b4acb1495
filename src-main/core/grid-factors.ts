import { averageIntensity } from '@tgwf/co2'
import countries from 'i18n-iso-countries'
import type { Factor, Source } from '../contract/provenance.ts'
import type { Country } from '../contract/settings.ts'
import { message } from '../contract/messages.ts'

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' })

/** English name of a country from its ISO3 code (the runtime's CLDR data, no locale file to load). */
function countryName(iso3: string): string {
  if (iso3 === 'WORLD') return 'World'
  const iso2 = countries.alpha3ToAlpha2(iso3)
  return (iso2 && regionNames.of(iso2)) || iso3
}

/** Version of @tgwf/co2 whose Ember table we use; a unit test pins it to the installed package. */
export const CO2JS_VERSION = '0.19.0'

const gridIntensityGPerKWh: Readonly<Record<string, number>> = averageIntensity.data

export const EMBER_SOURCE: Source = {
  title: 'Yearly electricity data: emissions intensity (gCO2/kWh), latest year available per country',
  publisher: `Ember, packaged by the Green Web Foundation in CO2.js (@tgwf/co2 ${CO2JS_VERSION})`,
  year: null,
  url: 'https://ember-climate.org/data/data-explorer/',
  locator: 'averageIntensity.data[ISO3] (emissions_intensity_gco2_per_kwh)',
  licence: 'CC BY-SA 4.0',
}

const LOCATION_NOTE =
  'Location-based: the yearly average intensity of all electricity generated in the country ' +
  "(Ember's methodology says which emissions it counts). CO2.js takes the latest year Ember " +
  'publishes for each country and does not record which year that is, so the year shows as unknown. ' +
  "The range (±10%) is Wattprint's assumption for applying a yearly average to particular hours."

/** Ember's yearly average for a country (or WORLD), or null when Ember has no figure for it. */
export function countryGridFactor(iso3: string): Factor | null {
  const value = gridIntensityGPerKWh[iso3]
  if (value === undefined) return null
  const name = countryName(iso3)
  return {
    id: `grid:ember:${iso3}`,
    label: `Grid average, ${name}`,
    value,
    unit: 'g CO2e/kWh',
    year: null,
    origin: 'dataset',
    source: EMBER_SOURCE,
    note: LOCATION_NOTE,
    text: { label: message('factor.grid-country', { country: name }), note: message('factor.grid-country-note') },
    // A yearly average applied to particular hours: Wattprint's ±10% assumption, not Ember's.
    low: value * 0.9,
    high: value * 1.1,
  }
}

/** A grid intensity the user entered (from their supplier or a live map). */
export function userGridFactor(gPerKWh: number): Factor {
  return {
    id: 'grid:user',
    label: 'Grid intensity you entered',
    value: gPerKWh,
    unit: 'g CO2e/kWh',
    year: null,
    origin: 'user',
    source: null,
    note: 'Set in Settings; Wattprint does not check it.',
    text: { label: message('factor.grid-user'), note: message('factor.grid-user-note') },
  }
}

/** The price per kWh the user entered. */
export function userPriceFactor(pricePerKWh: number, currency: string): Factor {
  return {
    id: 'price:user',
    label: 'Electricity price you entered',
    value: pricePerKWh,
    unit: `${currency}/kWh`,
    year: null,
    origin: 'user',
    source: null,
    note: 'Set in Settings: a flat price per kWh.',
    text: { label: message('factor.price-user'), note: message('factor.price-user-note') },
  }
}

/** Countries Ember has a figure for, named in English, sorted by name. */
export function gridCountries(): Country[] {
  return Object.entries(gridIntensityGPerKWh)
    .filter(([code]) => /^[A-Z]{3}$/.test(code) && countries.isValid(code))
    .map(([iso3, gCo2ePerKWh]) => ({ iso3, iso2: countries.alpha3ToAlpha2(iso3) ?? null, name: countryName(iso3), gCo2ePerKWh }))
    .concat([{ iso3: 'WORLD', iso2: null, name: 'World average', gCo2ePerKWh: gridIntensityGPerKWh.WORLD ?? 0 }])
    .sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * The country a locale points to (ISO3), e.g. `fr-FR` → FRA, `de` → DEU (likely region).
 * Falls back to WORLD when the locale names no country Ember covers.
 */
export function countryFromLocale(locale: string | undefined): string {
  try {
    const region = locale ? new Intl.Locale(locale).maximize().region : undefined
    const iso3 = region ? countries.alpha2ToAlpha3(region) : undefined
    if (iso3 && gridIntensityGPerKWh[iso3] !== undefined) return iso3
  } catch {
    // A malformed locale string (e.g. "C" or "POSIX") names no country.
  }
  return 'WORLD'
}

export const GHG_SCOPE2_SOURCE: Source = {
  title: 'GHG Protocol Scope 2 Guidance',
  publisher: 'World Resources Institute and WBCSD',
  year: 2015,
  url: 'https://ghgprotocol.org/scope_2_guidance',
  locator: 'Chapter 6: market-based method (contractual instruments such as renewable energy contracts)',
}

export interface GridChoice {
  factor: Factor
  method: 'location-based' | 'market-based' | 'user-value'
}

/**
 * The grid factor the settings choose: the user's own value; else the country's Ember average,
 * market-based (× the share not covered by a renewable contract) when a share is set.
 */
export function gridFactorFor(settings: { countryIso3: string; gridOverrideGPerKWh: number | null; renewableSharePct?: number | null }): GridChoice | null {
  if (settings.gridOverrideGPerKWh !== null) return { factor: userGridFactor(settings.gridOverrideGPerKWh), method: 'user-value' }
  const country = countryGridFactor(settings.countryIso3)
  if (!country) return null
  const share = settings.renewableSharePct ?? null
  if (share === null) return { factor: country, method: 'location-based' }
  const keep = 1 - share / 100
  return {
    method: 'market-based',
    factor: {
      ...country,
      id: `grid:market:${settings.countryIso3}:${share}`,
      label: `${country.label} × (1 − ${share}% renewable contract)`,
      value: country.value * keep,
      low: (country.low ?? country.value) * keep,
      high: (country.high ?? country.value) * keep,
      source: GHG_SCOPE2_SOURCE,
      note:
        `Market-based (GHG Protocol Scope 2): the ${share}% of your electricity covered by a renewable contract counts ` +
        `as zero operational emissions; the rest at the country average (${country.value} g CO2e/kWh, Ember via CO2.js). ` +
        'Location-based figures, what the grid actually emitted, are higher.',
      text: {
        label: message('factor.grid-market', { country: country.label, share }),
        note: message('factor.grid-market-note', { share, grid: country.value }),
      },
    },
  }
}

/** The water factor the user entered (L/kWh consumed generating their electricity), or null. */
export function userWaterFactor(lPerKWh: number | null): Factor | null {
  if (lPerKWh === null) return null
  return {
    id: 'water:user',
    label: 'Water per kWh of electricity, as you entered it',
    value: lPerKWh,
    unit: 'L/kWh',
    year: null,
    origin: 'user',
    source: null,
    note: 'Off-site water consumed to generate your electricity. Set in Settings; Wattprint bundles no verified default.',
    text: { label: message('factor.water-user'), note: message('factor.water-user-note') },
  }
}
