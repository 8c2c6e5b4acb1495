import { whFromJoules } from './units.ts'

/**
 * Quantities as text in the reader's locale and units, shared by the renderer and the main
 * process (tray, menus, notifications), so a figure reads the same everywhere.
 */

export type EnergyUnit = 'auto' | 'kWh'
export type MassUnits = 'metric' | 'imperial'

// Building an Intl.NumberFormat costs far more than using one, and the live figures are
// formatted on every reading: one formatter per locale and options, made once.
const numberFormats = new Map<string, Intl.NumberFormat>()

/** A cached `Intl.NumberFormat` (same arguments, same instance). */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`
  let format = numberFormats.get(key)
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale, options)))
  return format
}

function fixed(value: number, locale: string, digits: number): string {
  return numberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)
}

/** About 3 significant digits, never scientific notation, and a tiny value never shown as 0. */
function sig3(value: number, locale: string): string {
  const abs = Math.abs(value)
  if (abs > 0 && abs < 1) return numberFormat(locale, { maximumSignificantDigits: 3 }).format(value)
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2
  return fixed(value, locale, digits)
}

/** Energy in Wh, kWh, MWh or GWh, whichever reads best. */
export function formatEnergy(energyJ: number, locale = 'en', unit: EnergyUnit = 'auto'): { value: string; unit: string } {
  const wh = whFromJoules(energyJ)
  if (unit === 'kWh') return { value: sig3(wh / 1000, locale), unit: 'kWh' }
  const scales: [number, string][] = [
    [1e9, 'GWh'],
    [1e6, 'MWh'],
    [1e3, 'kWh'],
  ]
  for (const [factor, unit] of scales) if (Math.abs(wh) >= factor) return { value: sig3(wh / factor, locale), unit }
  return { value: sig3(wh, locale), unit: 'Wh' }
}

const LB_PER_KG = 2.2046226218

/** "1.29 GWh": energy as one string in the unit that reads best. */
export function energyText(energyJ: number, locale = 'en', unit: EnergyUnit = 'auto'): string {
  const e = formatEnergy(energyJ, locale, unit)
  return `${e.value} ${e.unit}`
}

/** Mass of CO2e in g, kg or t (or oz, lb, US tons of 2,000 lb). */
export function formatMassKg(massKg: number, locale = 'en', units: MassUnits = 'metric'): { value: string; unit: string } {
  if (units === 'imperial') {
    const lb = massKg * LB_PER_KG
    if (Math.abs(lb) >= 2000) return { value: sig3(lb / 2000, locale), unit: 'US t' }
    if (Math.abs(lb) >= 1) return { value: sig3(lb, locale), unit: 'lb' }
    return { value: sig3(lb * 16, locale), unit: 'oz' }
  }
  if (Math.abs(massKg) >= 1000) return { value: sig3(massKg / 1000, locale), unit: 't' }
  if (Math.abs(massKg) >= 1) return { value: sig3(massKg, locale), unit: 'kg' }
  return { value: sig3(massKg * 1000, locale), unit: 'g' }
}

/** "552 t": CO2e as one string in the unit that reads best. */
export function massText(massKg: number, locale = 'en', units: MassUnits = 'metric'): string {
  const m = formatMassKg(massKg, locale, units)
  return `${m.value} ${m.unit}`
}

export function formatWatts(powerW: number | null, locale = 'en'): string {
  return powerW === null ? '—' : `${fixed(powerW, locale, powerW >= 100 ? 0 : 1)} W`
}

/** Money in the locale's format; amounts under one cent keep two significant digits. */
export function formatMoney(amount: number, currency: string, locale = 'en'): string {
  const small = amount !== 0 && Math.abs(amount) < 0.01
  return numberFormat(locale, { style: 'currency', currency, ...(small ? { maximumSignificantDigits: 2 } : {}) }).format(amount)
}

export function formatBytesGiB(bytes: number | null, locale = 'en'): string {
  return bytes === null ? '—' : `${fixed(bytes / 1024 ** 3, locale, 1)} GiB`
}
