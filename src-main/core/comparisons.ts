import type { Range } from '../contract/footprint.ts'
import type { InferenceFigure, ReferenceFactor, TrainingRun } from '../contract/reference.ts'
import { DEFAULTS } from './estimators.ts'
import { divide, exact, ranged, scale, type Ranged } from './ranged.ts'

/** The data-centre PUE a run without a published one may have had, at most (Uptime Institute's 2023 industry average). */
const RUN_PUE_HIGH = DEFAULTS.pue.high

/**
 * A run's facility energy as published, or derived from its published inputs (and said so), with a
 * range: a published figure is a point; one derived without a published PUE counts the accelerators
 * only, so its range reaches up to the industry-average PUE.
 */
export function runEnergyKWh(run: TrainingRun): { energyKWh: number; range: Range; derived: boolean; how: string } | null {
  if (run.energyMWh !== null) return { energyKWh: run.energyMWh * 1000, range: [run.energyMWh * 1000, run.energyMWh * 1000], derived: false, how: 'published' }
  if (run.gpuHours !== null && run.powerPerAcceleratorW !== null) {
    const it = (run.gpuHours * run.powerPerAcceleratorW) / 1000
    const energy = it * (run.pue ?? 1)
    return {
      energyKWh: energy,
      range: run.pue !== null ? [energy, energy] : [it, it * RUN_PUE_HIGH],
      derived: true,
      how: `derived: ${run.gpuHours.toLocaleString('en')} accelerator-hours × ${run.powerPerAcceleratorW} W${
        run.pue ? ` × PUE ${run.pue}` : ` (accelerators only, no PUE published; up to × ${RUN_PUE_HIGH} with a data centre's)`
      } (not published as energy)`,
    }
  }
  return null
}

export interface UsagePeriod {
  energyKWh: number
  energyRangeKWh: Range
  co2eKg: number | null
  co2eRangeKg: Range | null
  /** Length of the period the usage covers, s (for "at your current pace"). */
  durationS: number
}

export interface TrainingComparison {
  runId: string
  model: string
  runEnergyKWh: number | null
  runEnergyRangeKWh: Range | null
  energyHow: string
  /** Your energy ÷ the run's, with its range (yours and the run's ranges). */
  energyRatio: number | null
  energyRatioRange: Range | null
  /** At the period's average pace, how long until your energy equals the run's, years. */
  yearsToEqual: number | null
  yearsToEqualRange: Range | null
  runCo2eT: number | null
  co2eScope: TrainingRun['co2eScope']
  co2eRatio: number | null
  co2eRatioRange: Range | null
}

const SECONDS_PER_YEAR = 365.25 * 86_400

const rangedOf = (value: number, range: Range): Ranged => ranged(value, range[0], range[1])
const pair = (r: Ranged): Range => [r.low, r.high]
/** a ÷ b with ranges, or null when b may be 0 or the quotient is not a finite number. */
function ratio(a: Ranged, b: Ranged): { value: number; range: Range } | null {
  if (!(b.low > 0)) return null
  const r = divide(a, b)
  return [r.value, r.low, r.high].every(Number.isFinite) ? { value: r.value, range: pair(r) } : null
}

export function compareWithTraining(usage: UsagePeriod, run: TrainingRun): TrainingComparison {
  const energy = runEnergyKWh(run)
  const yours = rangedOf(usage.energyKWh, usage.energyRangeKWh)
  const runs = energy ? rangedOf(energy.energyKWh, energy.range) : null
  const energyRatio = runs ? ratio(yours, runs) : null
  // Years = the run's energy ÷ your energy per year: the pace's own range divides it.
  const perYear = usage.durationS > 0 ? scale(yours, SECONDS_PER_YEAR / usage.durationS) : null
  const years = runs && perYear && perYear.value > 0 ? ratio(runs, perYear.low > 0 ? perYear : exact(perYear.value)) : null
  const co2e =
    run.co2eT !== null && usage.co2eKg !== null
      ? ratio(rangedOf(usage.co2eKg, usage.co2eRangeKg ?? [usage.co2eKg, usage.co2eKg]), exact(run.co2eT * 1000))
      : null
  return {
    runId: run.id,
    model: run.model,
    runEnergyKWh: energy?.energyKWh ?? null,
    runEnergyRangeKWh: energy?.range ?? null,
    energyHow: energy?.how ?? 'not published',
    energyRatio: energyRatio?.value ?? null,
    energyRatioRange: energyRatio?.range ?? null,
    yearsToEqual: years?.value ?? null,
    // Your low end may be 0 (nothing recorded yet): then no upper bound, and no range.
    yearsToEqualRange: years && perYear && perYear.low > 0 ? years.range : null,
    runCo2eT: run.co2eT,
    co2eScope: run.co2eScope,
    co2eRatio: co2e?.value ?? null,
    co2eRatioRange: co2e?.range ?? null,
  }
}

export interface InferenceComparison {
  figureId: string
  subject: string
  per: InferenceFigure['per']
  /** How many of those queries (or thousands of inferences) your energy equals, with your energy's range. */
  equivalentCount: number | null
  equivalentCountRange: Range | null
  boundary: string
}

export function compareWithInference(usage: UsagePeriod, figure: InferenceFigure): InferenceComparison {
  const count = figure.energyWh ? ratio(scale(rangedOf(usage.energyKWh, usage.energyRangeKWh), 1000), exact(figure.energyWh)) : null
  return {
    figureId: figure.id,
    subject: figure.subject,
    per: figure.per,
    equivalentCount: count?.value ?? null,
    equivalentCountRange: count?.range ?? null,
    boundary: figure.boundary,
  }
}

export interface Equivalence {
  factorId: string
  label: string
  /** How many units of the everyday thing your usage equals, with the range of both (yours and the factor's). */
  amount: number
  amountRange: Range
  unit: string
  basis: 'energy' | 'co2e'
}

/**
 * Everyday equivalences. A factor's unit says its basis: "g CO2e/km" divides CO2e, "kWh/…"
 * divides energy. Factors whose unit is not understood are skipped, never guessed.
 */
export function equivalences(usage: UsagePeriod, factors: readonly ReferenceFactor[]): Equivalence[] {
  const out: Equivalence[] = []
  for (const f of factors) {
    if (f.category !== 'equivalence' || f.value <= 0 || !(f.low > 0)) continue
    const co2e = /^(g|kg|t) CO2e?\/(.+)$/.exec(f.unit)
    const energy = /^kWh\/(.+)$/.exec(f.unit)
    const per = ranged(f.value, f.low, f.high)
    if (co2e && usage.co2eKg !== null) {
      const perUnitKg = scale(per, co2e[1] === 'g' ? 1e-3 : co2e[1] === 't' ? 1e3 : 1)
      const amount = divide(rangedOf(usage.co2eKg, usage.co2eRangeKg ?? [usage.co2eKg, usage.co2eKg]), perUnitKg)
      out.push({ factorId: f.id, label: f.label, amount: amount.value, amountRange: pair(amount), unit: co2e[2] ?? '', basis: 'co2e' })
    } else if (energy) {
      const amount = divide(rangedOf(usage.energyKWh, usage.energyRangeKWh), per)
      out.push({ factorId: f.id, label: f.label, amount: amount.value, amountRange: pair(amount), unit: energy[1] ?? '', basis: 'energy' })
    }
  }
  return out
}

/** A training run's energy shared over N queries, Wh per query. */
export function amortisedPerQueryWh(run: TrainingRun, queries: number): number | null {
  const energy = runEnergyKWh(run)
  return energy && queries > 0 ? (energy.energyKWh * 1000) / queries : null
}
