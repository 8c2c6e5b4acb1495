import type { Footprint } from '../../src-main/contract/footprint.ts'
import { energyText } from '../format.ts'
import type { Explanation } from './FactorDialog.vue'

type Translate = (key: string) => string
export type FootprintFigure = 'energy' | 'co2e' | 'cost'

/**
 * The "How is this computed?" panel of a footprint's energy, CO2e or cost. The energy's own
 * formula and inputs depend on where it was summed from, so the caller gives them.
 */
export function explainFootprint(
  figure: FootprintFigure,
  fp: Footprint,
  energy: { formula: string; inputs: Explanation['inputs'] },
  t: Translate,
  locale: string,
): Explanation {
  const input = { label: t('today.energy'), value: `${energyText(fp.energyJ, locale)} (${fp.energyKWh.toPrecision(4)} kWh)` }
  switch (figure) {
    case 'energy':
      return { title: t('today.energy'), formula: energy.formula, inputs: energy.inputs, factors: [fp.measurement], method: fp.method }
    case 'co2e':
      return {
        title: t('today.co2e'),
        formula: 'CO2e (kg) = energy (kWh) × grid intensity (g CO2e/kWh) ÷ 1000',
        inputs: [input],
        factors: [fp.measurement, ...(fp.grid ? [fp.grid] : [])],
        method: fp.method,
      }
    case 'cost':
      return {
        title: t('today.cost'),
        formula: `cost (${fp.currency}) = energy (kWh) × price (${fp.currency}/kWh)`,
        inputs: [input],
        factors: fp.price ? [fp.price] : [],
        method: fp.method,
      }
  }
}
