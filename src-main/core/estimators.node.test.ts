import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { bundledDataPack } from './data-pack.ts'
import { compareFinetune, inferenceFromMeasurement, inferenceFromModel, trainingFlops, trainingFromFlops, trainingFromGpuHours } from './estimators.ts'

const pack = bundledDataPack()
const run = (id: string) => {
  const r = pack.trainingRuns.find((x) => x.id === id)
  if (!r) throw new Error(`no run ${id}`)
  return r
}
const hw = (id: string) => {
  const h = pack.hardware.find((x) => x.id === id)
  if (!h) throw new Error(`no hardware ${id}`)
  return h
}

/** Published runs with published energy and the inputs that produced it. */
const WITH_PUBLISHED_INPUTS = [
  // Patterson et al. 2021: 10,000 V100 × 14.8 d at a measured 330 W per accelerator, PUE 1.10 → 1,287 MWh.
  { id: 'gpt3-patterson2021', tolerance: 0.01 },
  // Touvron et al. 2023: GPU-hours × 400 W × PUE 1.1.
  { id: 'llama1-7b', tolerance: 0.02 },
  { id: 'llama1-13b', tolerance: 0.02 },
  { id: 'llama1-33b', tolerance: 0.02 },
  { id: 'llama1-65b', tolerance: 0.01 },
  // Luccioni et al. 2022: GPU-hours × 400 W, no PUE (dynamic power only).
  { id: 'bloom-dynamic', tolerance: 0.01 },
] as const

describe('training estimator against published runs', () => {
  it.each(WITH_PUBLISHED_INPUTS)('$id: published inputs reproduce the published energy within $tolerance', ({ id, tolerance }) => {
    const r = run(id)
    const estimate = trainingFromGpuHours({
      gpuHours: r.gpuHours ?? 0,
      powerW: r.powerPerAcceleratorW ?? 0,
      tdpW: hw(r.hardwareId ?? '').tdpW,
      hostOverhead: 1,
      pue: r.pue ?? 1,
    })
    const published = (r.energyMWh ?? 0) * 1000
    expect(Math.abs(estimate.energyKWh - published) / published).toBeLessThanOrEqual(tolerance)
  })

  it.each(WITH_PUBLISHED_INPUTS)('$id: with default assumptions, the range contains the published energy', ({ id }) => {
    const r = run(id)
    const estimate = trainingFromGpuHours({ gpuHours: r.gpuHours ?? 0, tdpW: hw(r.hardwareId ?? '').tdpW })
    const published = (r.energyMWh ?? 0) * 1000
    expect(estimate.energyRangeKWh[0]).toBeLessThanOrEqual(published)
    expect(estimate.energyRangeKWh[1]).toBeGreaterThanOrEqual(published)
    expect(estimate.assumptions.filter((a) => a.isDefault).map((a) => a.name)).toEqual(['powerPerAcceleratorW', 'hostOverhead', 'pue'])
  })

  it('Meta model cards: GPU-hours × TDP give the implied grid intensity their CO2e needs (0.35-0.45 kg/kWh)', () => {
    for (const id of ['llama2-total', 'llama3-total', 'llama31-total']) {
      const r = run(id)
      const energyKWh = trainingFromGpuHours({ gpuHours: r.gpuHours ?? 0, powerW: r.powerPerAcceleratorW ?? 0, tdpW: 0, hostOverhead: 1, pue: 1 }).energyKWh
      const implied = ((r.co2eT ?? 0) * 1000) / energyKWh
      expect(implied, id).toBeGreaterThan(0.35)
      expect(implied, id).toBeLessThan(0.45)
    }
  })

  it("FLOPs route: 6·N·D at a stated MFU for Llama 3.1 405B lands near the card's 30.84M GPU-hours", () => {
    const h100 = hw('nvidia-h100-sxm5')
    // 405B parameters, ~15T tokens, MFU 38-43% (Dubey et al. 2024): the card's hours should fall in the range.
    const estimate = trainingFromFlops({ activeParamsB: 405, tokensB: 15_000, peakTflops: h100.denseTflops ?? 0, tdpW: h100.tdpW })
    expect(estimate.gpuHoursRange[0]).toBeLessThan(30.84e6)
    expect(estimate.gpuHoursRange[1]).toBeGreaterThan(30.84e6)
    expect(trainingFlops(405, 15_000)).toBeCloseTo(3.645e25, -22)
  })

  it("FLOPs route with default assumptions: the range contains GPT-3's published 3.55M V100-hours and 1,287 MWh", () => {
    const v100 = hw('nvidia-v100-sxm2')
    const estimate = trainingFromFlops({ activeParamsB: 175, tokensB: 300, peakTflops: v100.denseTflops ?? 0, tdpW: v100.tdpW })
    expect(estimate.gpuHoursRange[0]).toBeLessThan(3.552e6)
    expect(estimate.gpuHoursRange[1]).toBeGreaterThan(3.552e6)
    expect(estimate.energyRangeKWh[0]).toBeLessThan(1_287_000)
    expect(estimate.energyRangeKWh[1]).toBeGreaterThan(1_287_000)
  })

  it('PUE multiplies: doubling the PUE doubles the energy', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e7, noNaN: true }), fc.double({ min: 1, max: 1.5, noNaN: true }), (hours, pue) => {
        const a = trainingFromGpuHours({ gpuHours: hours, powerW: 400, tdpW: 400, hostOverhead: 1, pue })
        const b = trainingFromGpuHours({ gpuHours: hours, powerW: 400, tdpW: 400, hostOverhead: 1, pue: pue * 2 })
        expect(b.energyKWh / a.energyKWh).toBeCloseTo(2, 9)
      }),
    )
  })
})

describe('fine-tuning and inference estimators', () => {
  it('LoRA costs 2/3 of full fine-tuning per token, both tiny beside pre-training', () => {
    const full = compareFinetune({ activeParamsB: 8, finetuneTokensB: 0.1, pretrainTokensB: 15_000, method: 'full' })
    const lora = compareFinetune({ activeParamsB: 8, finetuneTokensB: 0.1, pretrainTokensB: 15_000, method: 'lora' })
    expect(lora.finetuneFlops / full.finetuneFlops).toBeCloseTo(2 / 3, 12)
    expect(full.shareOfPretraining).toBeCloseTo(0.1 / 15_000, 12)
    expect(lora.sources.map((s) => s.url)).toContain('https://arxiv.org/abs/2106.09685')
  })

  it("inference from a measurement is energy ÷ tokens, with the measurement's range", () => {
    const e = inferenceFromMeasurement(3600, 1200, [0.95, 1.05])
    expect(e.energyPerTokenJ).toBe(3)
    expect(e.energyPerTokenRangeJ[0]).toBeCloseTo(2.85, 12)
    expect(e.energyPerTokenRangeJ[1]).toBeCloseTo(3.15, 12)
  })

  it('inference from the model: an 8B model at 4 bits on an RTX 4090 reads 4 GB per token', () => {
    const rtx = hw('nvidia-rtx-4090')
    const e = inferenceFromModel({
      activeParamsB: 8,
      bitsPerWeight: 4,
      memoryBandwidthGBs: rtx.memoryBandwidthGBs ?? 0,
      tdpW: rtx.tdpW,
      bandwidthEfficiency: 1,
      powerW: 450,
    })
    expect(e.tokensPerSecond).toBeCloseTo(1008 / 4, 6)
    expect(e.energyPerTokenJ).toBeCloseTo(450 / 252, 6)
    // Halving the bits halves the bytes per token, so the energy per token too (memory-bound decoding).
    const e8 = inferenceFromModel({ activeParamsB: 8, bitsPerWeight: 8, memoryBandwidthGBs: 1008, tdpW: 450, bandwidthEfficiency: 1, powerW: 450 })
    expect(e8.energyPerTokenJ / e.energyPerTokenJ).toBeCloseTo(2, 9)
    const d = inferenceFromModel({ activeParamsB: 8, bitsPerWeight: 4, memoryBandwidthGBs: 1008, tdpW: 450 })
    expect(d.energyPerTokenRangeJ[0]).toBeLessThan(d.energyPerTokenJ)
    expect(d.energyPerTokenRangeJ[1]).toBeGreaterThan(d.energyPerTokenJ)
  })
})
