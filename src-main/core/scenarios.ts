import type { Outcome, Lever, Scenario, ScenarioResult } from '../contract/scenario.ts'
import type { Source } from '../contract/provenance.ts'
import type { DataPack } from '../contract/reference.ts'
import { runEnergyKWh } from './comparisons.ts'
import { ratioOrNull } from './units.ts'
import { compareFinetune, flopsPerTokenFactor, KAPLAN_2020, POPE_2022, HU_2021_LORA } from './estimators.ts'
import { estimateInference, estimateTraining } from './estimate-report.ts'

/** What a scenario computes on: everything needed to turn IT energy into the four outcomes. */
export interface Workload {
  /** At the IT equipment (accelerators + host), kWh. */
  itEnergyKWh: number
  pue: number
  gridGCo2ePerKWh: number
  /** On-site cooling water, L per kWh of IT energy. */
  wueLPerKWh: number
  /** Water consumed to generate the electricity, L per kWh of facility energy. */
  electricityWaterLPerKWh: number
  pricePerKWh: number | null
}

/** Facility energy = IT × PUE; CO2e = facility × grid; water = IT × WUE + facility × electricity water; cost = facility × price. */
export function evaluate(w: Workload): Outcome {
  const energyKWh = w.itEnergyKWh * w.pue
  return {
    energyKWh,
    co2eKg: (energyKWh * w.gridGCo2ePerKWh) / 1000,
    waterL: w.itEnergyKWh * w.wueLPerKWh + energyKWh * w.electricityWaterLPerKWh,
    cost: w.pricePerKWh === null ? null : energyKWh * w.pricePerKWh,
  }
}

/** Data the levers look up (grid by country, hardware, cloud defaults), injected so levers stay pure. */
export interface LeverData {
  pack: DataPack
  gridGCo2ePerKWh(iso3: string): number | null
  home: { gridGCo2ePerKWh: number; pricePerKWh: number | null }
  cloud: { pue: number; wueLPerKWh: number; pueSource: string; wueSource: string }
}

export interface LeverStep {
  workload: Workload
  formula: string
  citation: string
}

export class LeverError extends Error {
  override readonly name = 'LeverError'
}

const cite = (s: Source): string => `${s.publisher.split(',')[0]} et al. ${s.year}, ${s.url} (${s.locator})`

const GHG_SCOPE2: Source = {
  title: 'GHG Protocol Scope 2 Guidance',
  publisher: 'World Resources Institute and WBCSD',
  year: 2015,
  url: 'https://ghgprotocol.org/scope_2_guidance',
  locator: 'Chapter 6: market-based method, contractual instruments',
}

/** Applies one lever: a pure function of the workload, with its formula and citation. */
export function applyLever(w: Workload, lever: Lever, data: LeverData): LeverStep {
  switch (lever.type) {
    case 'distillation': {
      const ratio = lever.studentParamsB / lever.teacherParamsB
      return {
        workload: { ...w, itEnergyKWh: w.itEnergyKWh * ratio },
        formula: `energy × student/teacher active parameters = × ${lever.studentParamsB}/${lever.teacherParamsB} (forward pass ≈ 2N FLOPs per token)`,
        citation: cite(KAPLAN_2020),
      }
    }
    case 'quantization': {
      const ratio = lever.toBits / lever.fromBits
      return {
        workload: { ...w, itEnergyKWh: w.itEnergyKWh * ratio },
        formula: `memory-bound decoding: energy × bits after/before = × ${lever.toBits}/${lever.fromBits} (an upper bound on the saving: compute-bound phases such as prompt processing gain less)`,
        citation: cite(POPE_2022),
      }
    }
    case 'finetune-instead-of-pretrain': {
      const c = compareFinetune({ activeParamsB: lever.paramsB, finetuneTokensB: lever.finetuneTokensB, pretrainTokensB: lever.pretrainTokensB, method: lever.method })
      return {
        workload: { ...w, itEnergyKWh: w.itEnergyKWh * c.shareOfPretraining },
        formula: `energy × (${lever.method === 'full' ? 6 : 4}·N·D_finetune) ÷ (6·N·D_pretrain) = × ${c.shareOfPretraining.toPrecision(3)}`,
        citation: [KAPLAN_2020, ...(lever.method === 'full' ? [] : [HU_2021_LORA])].map(cite).join('; '),
      }
    }
    case 'pue':
      return { workload: { ...w, pue: lever.pue }, formula: `facility energy = IT energy × PUE ${lever.pue}`, citation: 'The Green Grid, PUE: A Comprehensive Examination of the Metric (2012), https://www.thegreengrid.org' }
    case 'grid': {
      const g = data.gridGCo2ePerKWh(lever.countryIso3)
      if (g === null) throw new LeverError(`grid: no grid figure for "${lever.countryIso3}"`)
      return { workload: { ...w, gridGCo2ePerKWh: g }, formula: `grid intensity = Ember yearly average for ${lever.countryIso3}: ${g} g CO2e/kWh`, citation: 'Ember, Yearly electricity data, via CO2.js (@tgwf/co2), https://ember-climate.org/data/data-explorer/' }
    }
    case 'renewable-share':
      return {
        workload: { ...w, gridGCo2ePerKWh: w.gridGCo2ePerKWh * (1 - lever.percent / 100) },
        formula: `market-based: grid intensity × (1 − ${lever.percent}% covered by renewable contracts)`,
        citation: cite(GHG_SCOPE2),
      }
    case 'hardware': {
      const from = data.pack.hardware.find((h) => h.id === lever.fromId)
      const to = data.pack.hardware.find((h) => h.id === lever.toId)
      if (!from || !to) throw new LeverError(`hardware: unknown id "${!from ? lever.fromId : lever.toId}"`)
      if (!from.denseTflops || !to.denseTflops) throw new LeverError('hardware: both devices need a published dense TFLOP/s figure')
      const ratio = from.denseTflops / from.tdpW / (to.denseTflops / to.tdpW)
      return {
        workload: { ...w, itEnergyKWh: w.itEnergyKWh * ratio },
        formula: `energy × (peak FLOP/s per W of ${from.name}) ÷ (that of ${to.name}) = × ${ratio.toPrecision(3)} (same work, same utilisation, TDP as power)`,
        citation: `${from.source.publisher}, ${from.source.title}; ${to.source.publisher}, ${to.source.title}`,
      }
    }
    case 'time-shift':
      return {
        workload: { ...w, gridGCo2ePerKWh: lever.gCo2ePerKWh },
        formula: `grid intensity at the chosen hour = ${lever.gCo2ePerKWh} g CO2e/kWh (your figure: Wattprint bundles no hourly data)`,
        citation: 'Your own figure (e.g. from your supplier or a live grid map)',
      }
    case 'location':
      return lever.to === 'local'
        ? {
            workload: { ...w, pue: 1, wueLPerKWh: 0, gridGCo2ePerKWh: data.home.gridGCo2ePerKWh, pricePerKWh: data.home.pricePerKWh },
            formula: 'local: PUE 1, no cooling water, your grid and price',
            citation: 'Your settings',
          }
        : {
            workload: { ...w, pue: data.cloud.pue, wueLPerKWh: data.cloud.wueLPerKWh },
            formula: `cloud: PUE ${data.cloud.pue}, on-site water ${data.cloud.wueLPerKWh} L/kWh`,
            citation: `${data.cloud.pueSource}; ${data.cloud.wueSource}`,
          }
  }
}

function pct(delta: number, base: number | null): number | null {
  return base === null ? null : ratioOrNull(delta * 100, base)
}

/** Runs a scenario: the baseline workload and each variant's levers applied in order, side by side. */
export function runScenario(scenario: Scenario, baseline: { label: string; workload: Workload }, data: LeverData, notes: string[] = []): ScenarioResult {
  const base = evaluate(baseline.workload)
  return {
    name: scenario.name,
    currency: scenario.site.currency,
    baseline: { label: baseline.label, outcome: base, workload: { ...baseline.workload } },
    variants: scenario.variants.map((variant) => {
      let w = baseline.workload
      const steps: ScenarioResult['variants'][number]['steps'] = []
      for (const lever of variant.levers) {
        const step = applyLever(w, lever, data)
        w = step.workload
        steps.push({ lever: lever.type, formula: step.formula, citation: step.citation })
      }
      const outcome = evaluate(w)
      const delta = {
        energyKWh: outcome.energyKWh - base.energyKWh,
        co2eKg: outcome.co2eKg - base.co2eKg,
        waterL: outcome.waterL - base.waterL,
        cost: outcome.cost === null || base.cost === null ? null : outcome.cost - base.cost,
      }
      return {
        name: variant.name,
        outcome,
        delta,
        deltaPct: {
          energyKWh: pct(delta.energyKWh, base.energyKWh),
          co2eKg: pct(delta.co2eKg, base.co2eKg),
          waterL: pct(delta.waterL, base.waterL),
          cost: delta.cost === null ? null : pct(delta.cost, base.cost),
        },
        steps,
      }
    }),
    notes,
  }
}

/** The cloud defaults of the `location` lever, from the data pack (hyperscale PUE, on-site WUE). */
export function cloudDefaults(pack: DataPack): LeverData['cloud'] {
  const pue = pack.factors.find((f) => f.id === 'pue-google-fleet-2023')
  const wue = pack.factors.find((f) => f.id === 'wue-meta-2021')
  if (!pue || !wue) throw new LeverError(`data pack ${pack.version} lacks the cloud PUE/WUE factors`)
  return {
    pue: pue.value,
    wueLPerKWh: wue.value,
    pueSource: `${pue.label}: ${pue.source.publisher}, ${pue.source.url}`,
    wueSource: `${wue.label}: ${wue.source.publisher}, ${wue.source.url}`,
  }
}

/**
 * The baseline workload of a scenario. `measuredKWh` is the energy Wattprint recorded for a
 * `measured` baseline (the caller reads it from the store).
 */
export function baselineWorkload(
  scenario: Scenario,
  pack: DataPack,
  ctx: { gridGCo2ePerKWh(iso3: string): number | null; electricityWaterLPerKWh: number | null; measuredKWh?: number },
): { label: string; workload: Workload; notes: string[] } {
  const siteGrid = ctx.gridGCo2ePerKWh(scenario.site.countryIso3)
  if (siteGrid === null) throw new LeverError(`site.countryIso3: no grid figure for "${scenario.site.countryIso3}"`)
  const notes: string[] = []
  const water = ctx.electricityWaterLPerKWh ?? 0
  if (ctx.electricityWaterLPerKWh === null) {
    notes.push('Off-site water (for generating the electricity) is not counted: no verified L/kWh figure is bundled; set yours in Settings.')
  }
  const site = { pue: scenario.site.pue, gridGCo2ePerKWh: siteGrid, wueLPerKWh: scenario.site.wueLPerKWh, electricityWaterLPerKWh: water, pricePerKWh: scenario.site.pricePerKWh }
  const b = scenario.baseline
  switch (b.kind) {
    case 'energy':
      return { label: b.label, workload: { ...site, itEnergyKWh: b.itEnergyKWh }, notes }
    case 'measured': {
      if (ctx.measuredKWh === undefined) throw new LeverError('baseline: measured energy is not available here')
      return { label: `Measured ${b.since.slice(0, 10)} → ${b.until.slice(0, 10)}`, workload: { ...site, itEnergyKWh: ctx.measuredKWh }, notes }
    }
    case 'finetune': {
      const e = estimateTraining({ paramsB: b.paramsB, tokensB: b.tokensB, hardwareId: b.hardwareId, pue: 1, hostOverhead: 1 }, pack, flopsPerTokenFactor(b.method))
      notes.push(`Baseline: ${b.method} fine-tune of ${b.paramsB}B parameters on ${b.tokensB}B tokens, ${e.formula.split(';')[0]} (defaults: ${e.assumptions.filter((a) => a.isDefault).map((a) => a.name).join(', ')}).`)
      return { label: `${b.method} fine-tune, ${b.paramsB}B × ${b.tokensB}B tokens`, workload: { ...site, itEnergyKWh: e.energyMWh * 1000 }, notes }
    }
    case 'inference': {
      const e = estimateInference({ paramsB: b.paramsB, bitsPerWeight: b.bitsPerWeight, hardwareId: b.hardwareId }, pack, [1, 1])
      notes.push(`Baseline: ${b.tokens.toLocaleString('en')} tokens at ${e.energyPerTokenJ.toPrecision(3)} J per token (${e.formula}).`)
      return { label: `${b.tokens.toLocaleString('en')} tokens, ${b.paramsB}B at ${b.bitsPerWeight} bits`, workload: { ...site, itEnergyKWh: (b.tokens * e.energyPerTokenJ) / 3.6e6 }, notes }
    }
    case 'training-run': {
      const run = pack.trainingRuns.find((r) => r.id === b.runId)
      if (!run) throw new LeverError(`baseline.runId: unknown training run "${b.runId}" (list them with: wattprint references)`)
      const energy = runEnergyKWh(run)
      if (!energy) throw new LeverError(`baseline.runId: ${run.model} has no published energy or GPU-hours × power to start from`)
      const pue = run.pue ?? 1
      notes.push(`Baseline energy ${energy.how}; at the run's ${run.pue ? `PUE ${run.pue}` : 'unpublished PUE (1 assumed)'} and ${run.gridGCo2ePerKWh !== null ? `published grid ${run.gridGCo2ePerKWh} g/kWh` : `your site's grid (${siteGrid} g/kWh): the run published none`}.`)
      return {
        label: run.model,
        workload: { ...site, itEnergyKWh: energy.energyKWh / pue, pue, gridGCo2ePerKWh: run.gridGCo2ePerKWh ?? siteGrid },
        notes,
      }
    }
  }
}
