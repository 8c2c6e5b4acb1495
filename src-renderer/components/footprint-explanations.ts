import type { Embodied, EnergyPart, Footprint, Report } from '../../src-main/contract/footprint.ts'
import type { Factor } from '../../src-main/contract/provenance.ts'
import { energyText, massText } from '../format.ts'
import type { Explanation } from './FactorDialog.vue'

type Translate = (key: string, params?: Record<string, unknown>) => string
export type FootprintFigure = 'energy' | 'co2e' | 'cost'

/** The measurement factors of a footprint's parts, each once. */
function measurements(fp: Footprint): Factor[] {
  return [...new Map(fp.parts.map((p) => [p.measurement.id, p.measurement])).values()]
}

/**
 * The "How is this computed?" panel of a footprint's energy, CO2e or cost. The energy's own
 * formula and inputs depend on where it was summed from, so the caller gives them; every part of
 * the energy shows with its own method and range.
 */
export function explainFootprint(
  figure: FootprintFigure,
  fp: Footprint,
  energy: { formula: string; inputs: Explanation['inputs'] },
  t: Translate,
  locale: string,
): Explanation {
  const input = { label: t('today.energy'), value: `${energyText(fp.energyJ, locale)} (${fp.energyKWh.toPrecision(4)} kWh)` }
  const parts: EnergyPart[] = fp.parts
  switch (figure) {
    case 'energy':
      return { title: t('today.energy'), formula: energy.formula, inputs: energy.inputs, factors: measurements(fp), method: fp.method, parts }
    case 'co2e':
      return {
        title: t('today.co2e'),
        formula: 'CO2e (kg) = energy (kWh) × grid intensity (g CO2e/kWh) ÷ 1000',
        inputs: [input],
        factors: [...measurements(fp), ...(fp.grid ? [fp.grid] : [])],
        method: fp.method,
        parts,
      }
    case 'cost':
      return {
        title: t('today.cost'),
        formula: `cost (${fp.currency}) = energy (kWh) × price (${fp.currency}/kWh)`,
        inputs: [input],
        factors: fp.price ? [fp.price] : [],
        method: fp.method,
        parts,
      }
  }
}

/** The energy inputs of a report: each device with what it is and how it is measured. */
export function deviceEnergyInputs(report: Report, t: Translate, locale: string): Explanation['inputs'] {
  return report.devices.map((d) => ({
    label: `${d.name} (${t(`devices.domain.${d.domain}`)})`,
    value: `${energyText(d.energyJ, locale)} · ${d.source} · ${t(`devices.method.${d.method}`)}`,
  }))
}

/** The formula of measured energy: counter differences where a device has one, the trapezoid of sampled power otherwise. */
export const MEASURED_ENERGY_FORMULA =
  'E = Σ over devices: counter(tₙ) − counter(t₀) where the device has an energy counter, else Σ ½·(Pᵢ₋₁ + Pᵢ)·(tᵢ − tᵢ₋₁); 1 kWh = 3.6 MJ'

/** The "How is this computed?" panel of the GPUs' manufacturing carbon allotted to a period. */
export function explainEmbodied(e: Embodied, t: Translate, locale: string): Explanation {
  // The time in the period in the unit that reads: days, else hours, else minutes.
  const span = (s: number): string => {
    const [value, unit] = s >= 86_400 ? [s / 86_400, 'day'] : s >= 3600 ? [s / 3600, 'hour'] : [s / 60, 'minute']
    return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 }).format(value)
  }
  return {
    title: t('embodied.title'),
    formula: t('embodied.formula'),
    inputs: [
      ...e.devices.map((d) => ({
        label: d.name,
        value: t('embodied.deviceInput', { kg: d.factor.value, span: span(d.spanS), share: massText(d.co2eKg, locale) }),
      })),
      { label: t('embodied.lifetime'), value: `${e.lifetime.value} ${t('embodied.years')}` },
    ],
    factors: [...new Map(e.devices.map((d) => [d.factor.id, d.factor])).values(), e.lifetime],
  }
}
