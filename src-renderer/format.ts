import { reactive } from 'vue'
import * as q from '../src-main/contract/quantity-text.ts'

/** Display helpers: SI units inside, the natural unit on screen (the shared text of src-main/contract/quantity-text.ts in the user's units). */

/** The user's display units (Settings); reactive, so every figure follows a change at once. */
export const displayUnits = reactive<{ energy: q.EnergyUnit; mass: q.MassUnits }>({ energy: 'auto', mass: 'metric' })

export { formatBytesGiB, formatMoney, formatWatts, numberFormat } from '../src-main/contract/quantity-text.ts'
const { numberFormat, formatMoney } = q

/** Energy in Wh, kWh, MWh or GWh, whichever reads best (or always kWh). */
export const formatEnergy = (energyJ: number, locale = 'en'): { value: string; unit: string } => q.formatEnergy(energyJ, locale, displayUnits.energy)

/** "1.29 GWh": energy as one string in the unit that reads best. */
export const energyText = (energyJ: number, locale = 'en'): string => q.energyText(energyJ, locale, displayUnits.energy)

/** Mass of CO2e in g, kg or t (or oz, lb, US tons of 2,000 lb). */
export const formatMassKg = (massKg: number, locale = 'en'): { value: string; unit: string } => q.formatMassKg(massKg, locale, displayUnits.mass)

/** "552 t": CO2e as one string in the unit that reads best. */
export const massText = (massKg: number, locale = 'en'): string => q.massText(massKg, locale, displayUnits.mass)

/** "9.5–10.5 Wh": a range in the ends' shared unit (each end keeps its own when they differ); null without a range. */
export function rangeText(range: readonly [number, number] | null | undefined, format: (x: number) => { value: string; unit: string }): string | null {
  if (!range) return null
  const [lo, hi] = [format(range[0]), format(range[1])]
  return `${lo.value}${lo.unit === hi.unit ? '' : ` ${lo.unit}`}–${hi.value} ${hi.unit}`.trim()
}

/** An energy range given in kWh, in the unit that reads best. */
export const energyRangeText = (rangeKWh: readonly [number, number] | null | undefined, locale = 'en'): string | null =>
  rangeText(rangeKWh, (kWh) => formatEnergy(kWh * 3.6e6, locale))

/** A CO2e range given in kg. */
export const massRangeText = (rangeKg: readonly [number, number] | null | undefined, locale = 'en'): string | null =>
  rangeText(rangeKg, (kg) => formatMassKg(kg, locale))

/** A money range. */
export const moneyRangeText = (range: readonly [number, number] | null | undefined, currency: string, locale = 'en'): string | null =>
  range ? `${formatMoney(range[0], currency, locale)}–${formatMoney(range[1], currency, locale)}` : null

/** A plain number range, about 3 significant digits, with an optional unit. */
export const numberRangeText = (range: readonly [number, number] | null | undefined, locale = 'en', unit = ''): string | null =>
  rangeText(range, (x) => ({ value: numberFormat(locale, { maximumSignificantDigits: 3 }).format(x), unit }))
