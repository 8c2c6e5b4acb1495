import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { LeverSchema, ScenarioSchema, type Lever, type ScenarioInput } from '../contract/scenario.ts'
import { bundledDataPack } from './data-pack.ts'
import { countryGridFactor } from './grid-factors.ts'
import { WattprintError } from '../contract/errors.ts'
import { message } from '../contract/messages.ts'
import { applyLever, baselineWorkload, cloudDefaults, evaluate, runScenario, type BaselineContext, type LeverData, type Workload } from './scenarios.ts'
import { exact, ranged, within } from './ranged.ts'
import { asFactor } from './data-pack.ts'
import { measurementFactor } from './measurement.ts'

const pack = bundledDataPack()
const psu = asFactor(measurementFactor(pack, 'psu-efficiency-80plus'))
const fra = countryGridFactor('FRA')
if (!fra) throw new Error('no FRA grid')
const data: LeverData = {
  pack,
  gridFactor: countryGridFactor,
  home: { grid: fra, pricePerKWh: 0.25, psu },
  cloud: cloudDefaults(pack),
}
const ctx: BaselineContext = { gridFactor: countryGridFactor, electricityWaterLPerKWh: null, psu }

const home = (kind: Workload['kind'], itEnergyKWh = 10): Workload => ({
  kind,
  profile: 'home',
  itEnergyKWh: exact(itEnergyKWh),
  facility: exact(1),
  gridGCo2ePerKWh: exact(100),
  wueLPerKWh: exact(0),
  electricityWaterLPerKWh: exact(0),
  pricePerKWh: null,
  model: { paramsB: 175, tokensB: 300 },
})

/** Runs a scenario file through the engine as the CLI and the app do (schema, baseline, levers). */
function run(input: ScenarioInput): ReturnType<typeof runScenario> {
  const scenario = ScenarioSchema.parse(input)
  const base = baselineWorkload(scenario, pack, ctx)
  return runScenario(scenario, base, data, base.notes)
}

/** The refusal of a scenario: its field and code (the CLI exits 2 with it). */
function refusal(input: unknown): { field: string | null; code: string } {
  const parsed = ScenarioSchema.safeParse(input)
  if (!parsed.success) return { field: parsed.error.issues[0]?.path.join('.') ?? null, code: parsed.error.issues[0]?.message ?? '' }
  try {
    run(parsed.data)
  } catch (error) {
    if (error instanceof WattprintError) return { field: error.field, code: error.code }
    throw error
  }
  throw new Error('expected a refusal')
}

const trainingRun = (levers: Lever[] | unknown[], runId = 'gpt3-patterson2021'): unknown => ({
  name: 's',
  baseline: { kind: 'training-run', runId },
  site: { countryIso3: 'USA' },
  variants: [{ name: 'v', levers }],
})
const energy = (workload: 'training' | 'finetune' | 'inference', levers: unknown[]): unknown => ({
  name: 's',
  baseline: { kind: 'energy', itEnergyKWh: 10, workload },
  site: { countryIso3: 'FRA' },
  variants: [{ name: 'v', levers }],
})

describe('levers refuse what lies outside their physics (the issue’s cases)', () => {
  it('distillation: a student bigger than its teacher (7 → 175 B) is refused, naming the field', () => {
    expect(refusal(energy('inference', [{ type: 'distillation', teacherParamsB: 7, studentParamsB: 175 }]))).toEqual({
      field: 'variants.0.levers.0.studentParamsB',
      code: 'lever.student-not-smaller',
    })
  })

  it('quantisation: 4 → 32 bits is refused; on a training run only BF16 → FP8 is allowed', () => {
    expect(refusal(energy('inference', [{ type: 'quantization', fromBits: 4, toBits: 32 }]))).toEqual({
      field: 'variants.0.levers.0.toBits',
      code: 'lever.bits-not-fewer',
    })
    expect(refusal(trainingRun([{ type: 'quantization', fromBits: 16, toBits: 4 }]))).toMatchObject({
      field: 'variants.0.levers.0.toBits',
      code: 'lever.quantization-training-fp8',
    })
    expect(refusal(energy('finetune', [{ type: 'quantization', fromBits: 16, toBits: 4 }]))).toMatchObject({ code: 'lever.not-for-workload' })
  })

  it('fine-tune instead of pre-train: more fine-tune tokens than pre-training tokens, and a fine-tune baseline, are refused', () => {
    expect(refusal(trainingRun([{ type: 'finetune-instead-of-pretrain', paramsB: 8, finetuneTokensB: 3000, method: 'lora' }]))).toMatchObject({
      field: 'variants.0.levers.0.finetuneTokensB',
      code: 'lever.finetune-not-smaller',
    })
    expect(refusal(energy('inference', [{ type: 'finetune-instead-of-pretrain', paramsB: 8, finetuneTokensB: 1, method: 'lora' }]))).toMatchObject({
      code: 'lever.not-for-workload',
    })
    expect(
      refusal({
        name: 's',
        baseline: { kind: 'finetune', paramsB: 8, tokensB: 1, method: 'lora', hardwareId: 'nvidia-rtx-4090' },
        site: { countryIso3: 'FRA' },
        variants: [{ name: 'v', levers: [{ type: 'finetune-instead-of-pretrain', paramsB: 8, finetuneTokensB: 0.5, method: 'lora' }] }],
      }),
    ).toMatchObject({ field: 'variants.0.levers.0.type', code: 'lever.not-for-workload' })
  })

  it('"local" on a training run is refused; so is moving somewhere the workload already is', () => {
    expect(refusal(trainingRun([{ type: 'location', to: 'local' }]))).toMatchObject({ field: 'variants.0.levers.0.type', code: 'lever.not-for-workload' })
    expect(refusal(energy('inference', [{ type: 'location', to: 'local' }]))).toMatchObject({ field: 'variants.0.levers.0.to', code: 'lever.location-already' })
  })
})

describe('levers follow their physics', () => {
  it('distilling a training run counts the student’s training and the teacher labelling the corpus (and the teacher, if it does not exist)', () => {
    const w = home('training')
    const s = applyLever(w, LeverSchema.parse({ type: 'distillation', teacherParamsB: 175, studentParamsB: 7 }), data)
    expect(s.ops.itEnergyKWh).toEqual({ scale: exact(7 / 175 + 1 / 3) })
    const withTeacher = applyLever(w, LeverSchema.parse({ type: 'distillation', teacherParamsB: 175, studentParamsB: 7, teacherAlreadyTrained: false }), data)
    expect(withTeacher.ops.itEnergyKWh).toEqual({ scale: exact(7 / 175 + 1 / 3 + 1) })
    const bigCorpus = applyLever(w, LeverSchema.parse({ type: 'distillation', teacherParamsB: 175, studentParamsB: 7, distillTokensB: 600 }), data)
    expect(bigCorpus.ops.itEnergyKWh).toEqual({ scale: exact(7 / 175 + 600 / 900) })
  })

  it('fine-tuning uses N and D on both sides (paramsB matters now)', () => {
    const w = home('training')
    const a = applyLever(w, LeverSchema.parse({ type: 'finetune-instead-of-pretrain', paramsB: 8, finetuneTokensB: 1, method: 'lora' }), data)
    const b = applyLever(w, LeverSchema.parse({ type: 'finetune-instead-of-pretrain', paramsB: 70, finetuneTokensB: 1, method: 'lora' }), data)
    expect(a.ops.itEnergyKWh).toEqual({ scale: exact((4 * 8 * 1) / (6 * 175 * 300)) })
    expect(b.ops.itEnergyKWh).toEqual({ scale: exact((4 * 70 * 1) / (6 * 175 * 300)) })
    expect(a.kind).toBe('finetune')
  })

  it('quantisation on inference: bits after/before at best, with a range up to half the energy unchanged', () => {
    const s = applyLever(home('inference'), LeverSchema.parse({ type: 'quantization', fromBits: 16, toBits: 4 }), data)
    expect(s.ops.itEnergyKWh).toEqual({ scale: ranged(0.25, 0.25, 0.625) })
    expect(s.sources[0]?.url).toMatch(/2211\.05102/)
    const fp8 = applyLever(home('training'), LeverSchema.parse({ type: 'quantization', fromBits: 16, toBits: 8 }), data)
    expect(fp8.ops.itEnergyKWh).toEqual({ scale: ranged(1 / 1.42, 1 / 1.75, 1 / 1.35) })
  })

  it('hardware: RTX 3090 → 4090 saves compute-bound energy but costs memory-bound decoding energy (bandwidth per watt), and says which', () => {
    const lever = LeverSchema.parse({ type: 'hardware', fromId: 'nvidia-rtx-3090', toId: 'nvidia-rtx-4090' })
    const training = applyLever(home('training'), lever, data)
    const inference = applyLever(home('inference'), lever, data)
    expect(training.formula.code).toBe('lever.hardware')
    expect(inference.formula.code).toBe('lever.hardware-bandwidth')
    const scaleOf = (s: ReturnType<typeof applyLever>): number => (s.ops.itEnergyKWh && 'scale' in s.ops.itEnergyKWh ? s.ops.itEnergyKWh.scale.value : NaN)
    expect(scaleOf(training)).toBeCloseTo(71.2 / 350 / (165.2 / 450), 9)
    expect(scaleOf(inference)).toBeCloseTo(936 / 350 / (1008 / 450), 9)
    expect(scaleOf(inference)).toBeGreaterThan(1.15)
  })

  it('cloud inference divides the energy by the measured batching gain, then its PUE and water; and says where the grid goes from and to', () => {
    const r = run(energy('inference', [{ type: 'location', to: 'cloud' }]) as ScenarioInput)
    const v = r.variants[0]
    // 10 kWh at home behind a 90 % supply → in the cloud ÷ 3.84, × PUE 1.1.
    expect(r.baseline.outcome.energyKWh).toBeCloseTo(10 / 0.9, 9)
    expect(v?.outcome.energyKWh).toBeCloseTo((10 / 3.84) * 1.1, 9)
    expect(v?.steps[0]?.formula.code).toBe('lever.cloud-batched')
    const grid = run(energy('inference', [{ type: 'grid', countryIso3: 'POL' }]) as ScenarioInput)
    expect(grid.variants[0]?.steps[0]?.formula.params).toMatchObject({ iso3: 'POL', from: Number((fra?.value ?? 0).toPrecision(3)) })
  })
})

describe('baselines: published figures first, home profile for home hardware', () => {
  it('Llama 3.1 405B starts from its published 8,930 t, not a recomputation with the Ember average', () => {
    const r = run(trainingRun([{ type: 'pue', pue: 1.1 }], 'llama31-405b') as ScenarioInput)
    expect(r.baseline.outcome.co2eKg / 1000).toBeCloseTo(8930, 6)
    expect(r.notes.map((n) => n.code)).toEqual(
      expect.arrayContaining(['scenario.note-run-implied-grid', 'scenario.note-run-published-co2e', 'scenario.note-run-no-pue']),
    )
  })

  it('GPT-3 keeps its published PUE, grid and 552 t; the site’s PUE does not replace a published one', () => {
    const r = run({ name: 's', baseline: { kind: 'training-run', runId: 'gpt3-patterson2021' }, site: { countryIso3: 'USA', pue: 1.5 }, variants: [] })
    expect(r.baseline.outcome.energyKWh).toBeCloseTo(1_287_000, 3)
    expect(r.baseline.outcome.co2eKg / 1000).toBeCloseTo(552.1, 0)
    expect(r.baseline.profile).toBe('data-centre')
  })

  it('a run without a published PUE uses the site’s when it gives one, else the data-centre range', () => {
    const withSite = run({ name: 's', baseline: { kind: 'training-run', runId: 'llama31-405b' }, site: { countryIso3: 'USA', pue: 1.3 }, variants: [] })
    expect(withSite.notes.map((n) => n.code)).toContain('scenario.note-run-site-pue')
    const noSite = run({ name: 's', baseline: { kind: 'training-run', runId: 'llama31-405b' }, site: { countryIso3: 'USA' }, variants: [] })
    expect(noSite.baseline.outcome.range.energyKWh[1]).toBeGreaterThan(noSite.baseline.outcome.energyKWh * 1.3)
  })

  it('a fine-tune on an RTX 4090 runs at home (PUE 1, a power supply), as the CLI estimate does', () => {
    const r = run({
      name: 'ft',
      baseline: { kind: 'finetune', paramsB: 8, tokensB: 1, method: 'full', hardwareId: 'nvidia-rtx-4090' },
      site: { countryIso3: 'FRA' },
      variants: [],
    })
    expect(r.baseline.profile).toBe('home')
    const hours = (6 * 8e9 * 1e9) / (165.2e12 * 0.4) / 3600
    expect(r.baseline.workload.itEnergyKWh).toBeCloseTo((hours * 450) / 1000, 6)
    expect(r.baseline.workload.facility).toBeCloseTo(1 / 0.9, 9)
    expect(r.notes.map((n) => n.code)).toContain('scenario.note-home')
  })
})

describe('ranges on every result', () => {
  const levers: Lever[] = [
    LeverSchema.parse({ type: 'quantization', fromBits: 16, toBits: 4 }),
    LeverSchema.parse({ type: 'location', to: 'cloud' }),
    LeverSchema.parse({ type: 'grid', countryIso3: 'POL' }),
    LeverSchema.parse({ type: 'renewable-share', percent: 40 }),
    LeverSchema.parse({ type: 'hardware', fromId: 'nvidia-rtx-3090', toId: 'nvidia-rtx-5090' }),
  ]
  const arb = fc.record({ kwh: fc.double({ min: 0.001, max: 1e6, noNaN: true }), levers: fc.subarray(levers, { minLength: 1 }) })

  it('property: every central value lies inside its range (outcomes, deltas, percent changes)', () => {
    fc.assert(
      fc.property(arb, ({ kwh, levers }) => {
        const r = run({
          name: 's',
          baseline: { kind: 'energy', itEnergyKWh: kwh, workload: 'inference' },
          site: { countryIso3: 'FRA', pricePerKWh: 0.2 },
          variants: [{ name: 'v', levers }],
        })
        const inside = (v: number, [lo, hi]: [number, number]): boolean =>
          lo <= v + 1e-9 * Math.max(1, Math.abs(v)) && v - 1e-9 * Math.max(1, Math.abs(v)) <= hi
        const v = r.variants[0]
        if (!v) throw new Error('no variant')
        expect(inside(r.baseline.outcome.co2eKg, r.baseline.outcome.range.co2eKg)).toBe(true)
        expect(inside(v.outcome.energyKWh, v.outcome.range.energyKWh)).toBe(true)
        expect(inside(v.outcome.co2eKg, v.outcome.range.co2eKg)).toBe(true)
        expect(inside(v.delta.energyKWh, v.delta.range.energyKWh)).toBe(true)
        expect(inside(v.delta.co2eKg, v.delta.range.co2eKg)).toBe(true)
        if (v.deltaPct.energyKWh !== null && v.deltaPctRange.energyKWh) expect(inside(v.deltaPct.energyKWh, v.deltaPctRange.energyKWh)).toBe(true)
        if (v.deltaPct.co2eKg !== null && v.deltaPctRange.co2eKg) expect(inside(v.deltaPct.co2eKg, v.deltaPctRange.co2eKg)).toBe(true)
      }),
    )
  })

  it('property: a narrower input never widens the result (a user’s exact grid inside the country’s ±10%)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.95, max: 1.05, noNaN: true }), (share) => {
        const wide = run({
          name: 's',
          baseline: { kind: 'energy', itEnergyKWh: 10, workload: 'inference' },
          site: { countryIso3: 'FRA' },
          variants: [{ name: 'v', levers: [{ type: 'quantization', fromBits: 16, toBits: 8 }] }],
        })
        const narrow = run({
          name: 's',
          baseline: { kind: 'energy', itEnergyKWh: 10, workload: 'inference' },
          site: { countryIso3: 'FRA' },
          variants: [
            {
              name: 'v',
              levers: [
                { type: 'quantization', fromBits: 16, toBits: 8 },
                { type: 'time-shift', gCo2ePerKWh: (fra?.value ?? 0) * share },
              ],
            },
          ],
        })
        const [lo, hi] = wide.variants[0]?.outcome.range.co2eKg ?? [0, 0]
        const [nlo, nhi] = narrow.variants[0]?.outcome.range.co2eKg ?? [0, 0]
        expect(within({ value: (nlo + nhi) / 2, low: nlo, high: nhi }, { value: (lo + hi) / 2, low: lo, high: hi })).toBe(true)
      }),
    )
  })
})

describe('outcomes', () => {
  it('facility energy, CO2e, water and cost from a workload, each with its range', () => {
    const w: Workload = {
      ...home('inference', 100),
      facility: ranged(1.1, 1.1, 1.58),
      gridGCo2ePerKWh: ranged(400, 360, 440),
      wueLPerKWh: exact(0.26),
      pricePerKWh: exact(0.3),
    }
    const o = evaluate(w)
    expect(o.energyKWh).toBeCloseTo(110, 9)
    expect(o.range.energyKWh).toEqual([110.00000000000001, 158])
    expect(o.co2eKg).toBeCloseTo(44, 9)
    expect(o.range.co2eKg[0]).toBeCloseTo(39.6, 9)
    expect(o.waterL).toBeCloseTo(26, 9)
    expect(o.cost).toBeCloseTo(33, 9)
  })

  it('runs baseline and variants side by side with deltas and their ranges', () => {
    const r = run({
      name: 'Local 70B vs alternatives',
      baseline: { kind: 'energy', itEnergyKWh: 100, workload: 'inference' },
      site: { countryIso3: 'POL', pricePerKWh: 0.3 },
      variants: [
        { name: '4-bit', levers: [{ type: 'quantization', fromBits: 16, toBits: 4 }] },
        { name: 'France', levers: [{ type: 'grid', countryIso3: 'FRA' }] },
      ],
    })
    const [quant, france] = r.variants
    expect(quant?.deltaPct.energyKWh).toBeCloseTo(-75, 9)
    expect(quant?.deltaPctRange.energyKWh).toEqual([-75, -37.5])
    expect(france?.delta.energyKWh).toBe(0)
    expect(france?.delta.co2eKg).toBeLessThan(0)
    expect(r.baseline.outcome.cost).toBeCloseTo((100 / 0.9) * 0.3, 9)
  })
})

describe('levers from the user’s own measurements', () => {
  const measured: LeverData = {
    ...data,
    measurement: (id) =>
      id === 1
        ? { id: 1, model: 'llama3.1:8b-instruct-fp16', quantization: 'F16', whPer1kTokens: 1.2, devices: ['RTX 4090'] }
        : id === 2
          ? { id: 2, model: 'llama3.1:8b-instruct-q4_K_M', quantization: 'Q4_K_M', whPer1kTokens: 0.45, devices: ['RTX 4090'] }
          : id === 3
            ? { id: 3, model: 'llama3.2:3b', quantization: 'Q4_K_M', whPer1kTokens: 0.2, devices: ['RTX 3060'] }
            : null,
  }
  const w = home('inference')

  it('a quantization lever uses the measured ratio instead of the bits ratio, and says it is measured', () => {
    const step = applyLever(w, LeverSchema.parse({ type: 'quantization', fromBits: 16, toBits: 4, measured: { fromId: 1, toId: 2 } }), measured)
    expect(step.ops.itEnergyKWh).toEqual({ scale: exact(0.45 / 1.2) })
    expect(step.formula.code).toBe('lever.measured')
    expect(step.basis?.code).toBe('lever.measured-basis')
  })

  it('warns when the two measurements were taken on different devices, refuses an unknown one and a training workload', () => {
    expect(
      applyLever(w, LeverSchema.parse({ type: 'distillation', teacherParamsB: 8, studentParamsB: 3, measured: { fromId: 1, toId: 3 } }), measured).basis?.code,
    ).toBe('lever.measured-other-devices')
    expect(() => applyLever(w, LeverSchema.parse({ type: 'quantization', fromBits: 16, toBits: 4, measured: { fromId: 1, toId: 99 } }), measured)).toThrow(
      WattprintError,
    )
    expect(() =>
      applyLever(
        home('training'),
        LeverSchema.parse({ type: 'distillation', teacherParamsB: 8, studentParamsB: 3, measured: { fromId: 1, toId: 2 } }),
        measured,
      ),
    ).toThrow(/inference only/)
  })

  it('keeps the label of a result', () => {
    expect(message('text', { text: 'x' }).params.text).toBe('x')
  })
})
