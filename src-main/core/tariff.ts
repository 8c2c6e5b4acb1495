import type { Factor } from '../contract/provenance.ts'
import type { Tariff } from '../contract/settings.ts'
import { userPriceFactor } from './grid-factors.ts'
import { message } from '../contract/messages.ts'

/** True when a local hour of day (0-23) is in the peak window [start, end), overnight windows included. */
export function isPeakHour(hour: number, tariff: Extract<Tariff, { kind: 'time-of-use' }>): boolean {
  const { peakStartHour: start, peakEndHour: end } = tariff
  return start <= end ? hour >= start && hour < end : hour >= start || hour < end
}

/**
 * The price factor for a period: the flat price, or for a time-of-use tariff the effective price
 * of this period's energy (Σ energy of each local hour × that hour's price ÷ total energy).
 */
export function tariffPriceFactor(
  settings: { pricePerKWh: number | null; currency: string; tariff: Tariff },
  energyKWhByLocalHour: readonly number[] | null,
): Factor | null {
  const t = settings.tariff
  if (t.kind === 'flat') return settings.pricePerKWh === null ? null : userPriceFactor(settings.pricePerKWh, settings.currency)
  if (energyKWhByLocalHour === null) throw new Error('a time-of-use tariff needs the energy by local hour')
  let energy = 0
  let cost = 0
  let peakEnergy = 0
  energyKWhByLocalHour.forEach((kWh, hour) => {
    const peak = isPeakHour(hour, t)
    energy += kWh
    if (peak) peakEnergy += kWh
    cost += kWh * (peak ? t.peakPricePerKWh : t.offPeakPricePerKWh)
  })
  const share = energy > 0 ? peakEnergy / energy : 0
  return {
    id: 'price:time-of-use',
    label: 'Time-of-use tariff you entered (effective price for this period)',
    value: energy > 0 ? cost / energy : t.offPeakPricePerKWh,
    unit: `${settings.currency}/kWh`,
    year: null,
    origin: 'user',
    source: null,
    note:
      `Peak ${t.peakPricePerKWh} ${settings.currency}/kWh from ${t.peakStartHour}:00 to ${t.peakEndHour}:00 local time, ` +
      `off-peak ${t.offPeakPricePerKWh} otherwise; ${Math.round(share * 100)}% of this period's energy fell in peak hours.`,
    text: {
      label: message('factor.price-tou'),
      note: message('factor.price-tou-note', {
        peak: t.peakPricePerKWh,
        offPeak: t.offPeakPricePerKWh,
        currency: settings.currency,
        start: t.peakStartHour,
        end: t.peakEndHour,
        sharePct: Math.round(share * 100),
      }),
    },
  }
}
