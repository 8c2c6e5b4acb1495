import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ScenarioSchema, type Lever } from '../contract/scenario.ts'
import { bundledDataPack } from './data-pack.ts'
import { countryGridFactor } from './grid-factors.ts'
import { WattprintError } from '../contract/errors.ts'
import { message } from '../contract/messages.ts'
import { applyLever, baselineWorkload, evaluate, runScenario, type LeverData, type Workload } from './scenarios.ts'

const data: LeverData = {
  pack: bundledDataPack(),
  gridGCo2ePerKWh: (iso3) => countryGridFactor(iso3)?.value ?? null,
  home: { gridGCo2ePerKWh: 300, pricePerKWh: 0.25 },
  cloud: {
    pue: 1.1,
    wueLPerKWh: 0.26,
    sources: [{ title: 'Environmental Report 2023', publisher: 'Google', year: 2023, url: 'https://sustainability.google/reports/', locator: 'PUE' }],
  },
}

const workload = fc.record({
  itEnergyKWh: fc.double({ min: 0, max: 1e9, noNaN: true }),
  pue: fc.double({ min: 1, max: 2, noNaN: true }),
  gridGCo2ePerKWh: fc.double({ min: 0, max: 1200, noNaN: true }),
  wueLPerKWh: fc.double({ min: 0, max: 5, noNaN: true }),
  electricityWaterLPerKWh: fc.double({ min: 0, max: 5, noNaN: true }),
  pricePerKWh: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
}) satisfies fc.Arbitrary<Workload>

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

describe('what-if levers', () => {
  it('a lever that changes nothing changes nothing', () => {
    const identities: Lever[] = [
      { type: 'distillation', teacherParamsB: 8, studentParamsB: 8 },
      { type: 'quantization', fromBits: 16, toBits: 16 },
      { type: 'renewable-share', percent: 0 },
      { type: 'hardware', fromId: 'nvidia-rtx-4090', toId: 'nvidia-rtx-4090' },
    ]
    fc.assert(
      fc.property(workload, fc.constantFrom(...identities), (w, lever) => {
        const before = evaluate(w)
        const after = evaluate(applyLever(w, lever, data).workload)
        expect(close(after.energyKWh, before.energyKWh) && close(after.co2eKg, before.co2eKg) && close(after.waterL, before.waterL)).toBe(true)
      }),
    )
  })

  it('PUE multiplies facility energy and CO2e', () => {
    fc.assert(
      fc.property(workload, fc.double({ min: 1, max: 3, noNaN: true }), (w, pue) => {
        const out = evaluate(applyLever(w, { type: 'pue', pue }, data).workload)
        expect(close(out.energyKWh, w.itEnergyKWh * pue)).toBe(true)
        expect(close(out.co2eKg, (w.itEnergyKWh * pue * w.gridGCo2ePerKWh) / 1000)).toBe(true)
      }),
    )
  })

  it('outcomes are linear in energy', () => {
    fc.assert(
      fc.property(workload, fc.double({ min: 0, max: 100, noNaN: true }), (w, k) => {
        const a = evaluate(w)
        const b = evaluate({ ...w, itEnergyKWh: w.itEnergyKWh * k })
        expect(close(b.co2eKg, a.co2eKg * k) && close(b.waterL, a.waterL * k)).toBe(true)
      }),
    )
  })

  it('quantizing 16 → 4 bits quarters the energy (memory-bound decoding), citing Pope et al.', () => {
    const step = applyLever(
      { itEnergyKWh: 10, pue: 1, gridGCo2ePerKWh: 100, wueLPerKWh: 0, electricityWaterLPerKWh: 0, pricePerKWh: null },
      { type: 'quantization', fromBits: 16, toBits: 4 },
      data,
    )
    expect(step.workload.itEnergyKWh).toBe(2.5)
    expect(step.sources[0]?.url).toMatch(/2211\.05102/)
  })

  it('moving from an RTX 3090 to an RTX 4090 saves energy by the ratio of their FLOP/s per watt', () => {
    const pack = bundledDataPack()
    const a = pack.hardware.find((h) => h.id === 'nvidia-rtx-3090')
    const b = pack.hardware.find((h) => h.id === 'nvidia-rtx-4090')
    const step = applyLever(
      { itEnergyKWh: 1, pue: 1, gridGCo2ePerKWh: 0, wueLPerKWh: 0, electricityWaterLPerKWh: 0, pricePerKWh: null },
      { type: 'hardware', fromId: 'nvidia-rtx-3090', toId: 'nvidia-rtx-4090' },
      data,
    )
    expect(step.workload.itEnergyKWh).toBeCloseTo((a?.denseTflops ?? 0) / (a?.tdpW ?? 1) / ((b?.denseTflops ?? 0) / (b?.tdpW ?? 1)), 12)
    expect(step.workload.itEnergyKWh).toBeLessThan(1)
  })

  it('refuses unknown hardware and countries with a message naming them', () => {
    const w = { itEnergyKWh: 1, pue: 1, gridGCo2ePerKWh: 0, wueLPerKWh: 0, electricityWaterLPerKWh: 0, pricePerKWh: null }
    expect(() => applyLever(w, { type: 'hardware', fromId: 'nvidia-rtx-9999', toId: 'nvidia-rtx-4090' }, data)).toThrow(WattprintError)
    expect(() => applyLever(w, { type: 'grid', countryIso3: 'XYZ' }, data)).toThrow(/XYZ/)
  })
})

describe('scenario baselines', () => {
  const ctx = { gridGCo2ePerKWh: (iso3: string) => countryGridFactor(iso3)?.value ?? null, electricityWaterLPerKWh: null }
  it('a fine-tune baseline is its FLOPs-route energy at PUE 1 (the site adds its own)', () => {
    const scenario = ScenarioSchema.parse({
      name: 'ft',
      baseline: { kind: 'finetune', paramsB: 8, tokensB: 1, method: 'full', hardwareId: 'nvidia-rtx-4090' },
      site: { countryIso3: 'FRA' },
      variants: [],
    })
    const base = baselineWorkload(scenario, bundledDataPack(), ctx)
    // 6 × 8e9 × 1e9 FLOPs at 165.2 TFLOP/s × MFU 0.4, at 450 W.
    const hours = (6 * 8e9 * 1e9) / (165.2e12 * 0.4) / 3600
    expect(base.workload.itEnergyKWh).toBeCloseTo((hours * 450) / 1000, 6)
  })

  it('an inference baseline is tokens × energy per token', () => {
    const scenario = ScenarioSchema.parse({
      name: 'inf',
      baseline: { kind: 'inference', tokens: 3.6e6, paramsB: 8, bitsPerWeight: 4, hardwareId: 'nvidia-rtx-4090' },
      site: { countryIso3: 'FRA' },
      variants: [],
    })
    const base = baselineWorkload(scenario, bundledDataPack(), ctx)
    // 4 GB per token at 1,008 GB/s × 0.7, at 450 W: J per token = 450 / (705.6 / 4).
    expect(base.workload.itEnergyKWh).toBeCloseTo((3.6e6 * (450 / ((1008 * 0.7) / 4))) / 3.6e6, 6)
  })
})

describe('scenarios', () => {
  it('runs baseline and variants side by side with deltas', () => {
    const scenario = ScenarioSchema.parse({
      name: 'Local 70B vs alternatives',
      baseline: { kind: 'energy', itEnergyKWh: 100 },
      site: { countryIso3: 'POL', pricePerKWh: 0.3 },
      variants: [
        { name: '4-bit', levers: [{ type: 'quantization', fromBits: 16, toBits: 4 }] },
        { name: 'France', levers: [{ type: 'grid', countryIso3: 'FRA' }] },
        { name: 'Cloud', levers: [{ type: 'location', to: 'cloud' }] },
      ],
    })
    const pol = countryGridFactor('POL')?.value ?? 0
    const result = runScenario(
      scenario,
      {
        label: message('text', { text: 'Baseline' }),
        workload: { itEnergyKWh: 100, pue: 1, gridGCo2ePerKWh: pol, wueLPerKWh: 0, electricityWaterLPerKWh: 0, pricePerKWh: 0.3 },
      },
      data,
    )
    expect(result.baseline.outcome).toMatchObject({ energyKWh: 100, cost: 30 })
    const [quant, france, cloud] = result.variants
    expect(quant?.deltaPct.energyKWh).toBeCloseTo(-75, 9)
    expect(france?.delta.energyKWh).toBe(0)
    expect(france?.delta.co2eKg).toBeLessThan(0)
    expect(cloud?.outcome.energyKWh).toBeCloseTo(110, 9)
    expect(cloud?.outcome.waterL).toBeCloseTo(26, 9)
    expect(cloud?.steps[0]?.sources.map((s) => s.publisher).join()).toMatch(/Google/)
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
  const w: Workload = { itEnergyKWh: 10, pue: 1, gridGCo2ePerKWh: 400, electricityWaterLPerKWh: 0, wueLPerKWh: 0, pricePerKWh: null }

  it('a quantization lever uses the measured ratio instead of the bits ratio, and says it is measured', () => {
    const step = applyLever(w, { type: 'quantization', fromBits: 16, toBits: 4, measured: { fromId: 1, toId: 2 } }, measured)
    expect(step.workload.itEnergyKWh).toBeCloseTo(10 * (0.45 / 1.2), 12)
    expect(step.formula.code).toBe('lever.measured')
    expect(step.basis?.code).toBe('lever.measured-basis')
    // Without measurements, the model: 4/16.
    expect(applyLever(w, { type: 'quantization', fromBits: 16, toBits: 4 }, measured).workload.itEnergyKWh).toBeCloseTo(2.5, 12)
  })

  it('warns when the two measurements were taken on different devices, and refuses an unknown one', () => {
    expect(applyLever(w, { type: 'distillation', teacherParamsB: 8, studentParamsB: 3, measured: { fromId: 1, toId: 3 } }, measured).basis?.code).toBe(
      'lever.measured-other-devices',
    )
    expect(() => applyLever(w, { type: 'quantization', fromBits: 16, toBits: 4, measured: { fromId: 1, toId: 99 } }, measured)).toThrow(WattprintError)
  })
})
