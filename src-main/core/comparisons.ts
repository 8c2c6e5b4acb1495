import { ratioOrNull } from '../contract/units.ts'
import type { InferenceFigure, ReferenceFactor, TrainingRun } from '../contract/reference.ts'

/** A run's facility energy as published, or derived from its published inputs (and said so). */
export function runEnergyKWh(run: TrainingRun): { energyKWh: number; derived: boolean; how: string } | null {
  if (run.energyMWh !== null) return { energyKWh: run.energyMWh * 1000, derived: false, how: 'published' }
  if (run.gpuHours !== null && run.powerPerAcceleratorW !== null) {
    const pue = run.pue ?? 1
    return {
      energyKWh: (run.gpuHours * run.powerPerAcceleratorW * pue) / 1000,
      derived: true,
      how: `derived: ${run.gpuHours.toLocaleString('en')} accelerator-hours × ${run.powerPerAcceleratorW} W${run.pue ? ` × PUE ${run.pue}` : ''} (not published as energy)`,
    }
  }
  return null
}

export interface UsagePeriod {
  energyKWh: number
  co2eKg: number | null
  /** Length of the period the usage covers, s (for "at your current pace"). */
  durationS: number
}

export interface TrainingComparison {
  runId: string
  model: string
  runEnergyKWh: number | null
  energyHow: string
  /** Your energy ÷ the run's. */
  energyRatio: number | null
  /** At the period's average pace, how long until your energy equals the run's, years. */
  yearsToEqual: number | null
  runCo2eT: number | null
  co2eScope: TrainingRun['co2eScope']
  co2eRatio: number | null
}

const SECONDS_PER_YEAR = 365.25 * 86_400

export function compareWithTraining(usage: UsagePeriod, run: TrainingRun): TrainingComparison {
  const energy = runEnergyKWh(run)
  const pacePerS = usage.durationS > 0 ? usage.energyKWh / usage.durationS : 0
  return {
    runId: run.id,
    model: run.model,
    runEnergyKWh: energy?.energyKWh ?? null,
    energyHow: energy?.how ?? 'not published',
    energyRatio: energy ? ratioOrNull(usage.energyKWh, energy.energyKWh) : null,
    yearsToEqual: energy && pacePerS > 0 ? ratioOrNull(energy.energyKWh / SECONDS_PER_YEAR, pacePerS) : null,
    runCo2eT: run.co2eT,
    co2eScope: run.co2eScope,
    co2eRatio: run.co2eT !== null && usage.co2eKg !== null ? ratioOrNull(usage.co2eKg, run.co2eT * 1000) : null,
  }
}

export interface InferenceComparison {
  figureId: string
  subject: string
  per: InferenceFigure['per']
  /** How many of those queries (or thousands of inferences) your energy equals. */
  equivalentCount: number | null
  boundary: string
}

export function compareWithInference(usage: UsagePeriod, figure: InferenceFigure): InferenceComparison {
  return {
    figureId: figure.id,
    subject: figure.subject,
    per: figure.per,
    equivalentCount: figure.energyWh ? ratioOrNull(usage.energyKWh * 1000, figure.energyWh) : null,
    boundary: figure.boundary,
  }
}

export interface Equivalence {
  factorId: string
  label: string
  /** How many units of the everyday thing your usage equals. */
  amount: number
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
    if (f.category !== 'equivalence' || f.value <= 0) continue
    const co2e = /^(g|kg|t) CO2e?\/(.+)$/.exec(f.unit)
    const energy = /^kWh\/(.+)$/.exec(f.unit)
    if (co2e && usage.co2eKg !== null) {
      const perUnitKg = f.value * (co2e[1] === 'g' ? 1e-3 : co2e[1] === 't' ? 1e3 : 1)
      out.push({ factorId: f.id, label: f.label, amount: usage.co2eKg / perUnitKg, unit: co2e[2] ?? '', basis: 'co2e' })
    } else if (energy) {
      out.push({ factorId: f.id, label: f.label, amount: usage.energyKWh / f.value, unit: energy[1] ?? '', basis: 'energy' })
    }
  }
  return out
}

/** A training run's energy shared over N queries, Wh per query. */
export function amortisedPerQueryWh(run: TrainingRun, queries: number): number | null {
  const energy = runEnergyKWh(run)
  return energy && queries > 0 ? (energy.energyKWh * 1000) / queries : null
}
