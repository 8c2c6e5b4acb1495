import { describe, expect, it } from 'vitest'
import { DataPackSchema } from '../contract/reference.ts'
import { bundledDataPack, compareVersions } from './data-pack.ts'
import raw from '../../resources/data/reference-data.json' with { type: 'json' }

describe('the bundled reference data', () => {
  const pack = bundledDataPack()

  it('validates against the schema, with a version and a date', () => {
    expect(DataPackSchema.safeParse(raw).success).toBe(true)
    expect(pack.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(pack.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('gives every record a source with a URL and a locator, and says how well it was checked', () => {
    const records = [...pack.trainingRuns, ...pack.inference, ...pack.hardware, ...pack.factors]
    for (const r of records) {
      expect(r.source.url, r.id).toMatch(/^https:\/\//)
      expect(r.source.locator.length, r.id).toBeGreaterThan(3)
      expect(['primary', 'abstract', 'secondary']).toContain(r.confidence)
    }
    for (const m of pack.misquotes) expect(m.sources.length).toBeGreaterThan(0)
  })

  it('has the runs the issue names, at least 15', () => {
    expect(pack.trainingRuns.length).toBeGreaterThanOrEqual(15)
    const models = pack.trainingRuns.map((r) => r.model).join('\n')
    for (const name of [
      'GPT-3',
      'T5',
      'Meena',
      'GShard',
      'Switch',
      'BLOOM',
      'OPT-175B',
      'Gopher',
      'LLaMA 65B',
      'Llama 2 70B',
      'Llama 3 70B',
      'Llama 3.1 8B',
      'Llama 3.1 70B',
      'Llama 3.1 405B',
      'DeepSeek-V3',
      'Mistral Large 2',
      'OLMo',
    ]) {
      expect(models, name).toContain(name)
    }
  })

  it('states the commonly misquoted figures correctly', () => {
    const gpt3 = pack.trainingRuns.find((r) => r.id === 'gpt3-patterson2021')
    expect(gpt3).toMatchObject({ energyMWh: 1287, co2eT: 552.1, pue: 1.1, gridGCo2ePerKWh: 429 })
    const strubell = pack.trainingRuns.find((r) => r.id === 'strubell2019-nas')
    expect(strubell?.co2eT).toBe(284)
    expect(strubell?.model).not.toMatch(/GPT/)
    const byId = new Map(pack.misquotes.map((m) => [m.id, m]))
    expect(byId.get('gpt3-284t')?.correction).toMatch(/552 t/)
    expect(byId.get('chatgpt-700000-litres')?.correction).toMatch(/on-site/)
    expect(byId.get('inference-share')?.correction).toMatch(/60%/)
    expect(pack.trainingRuns.find((r) => r.id === 'llama31-total-marketbased')).toMatchObject({ co2eT: 0, co2eScope: 'market-based' })
    expect(pack.trainingRuns.find((r) => r.id === 'llama31-total')).toMatchObject({ co2eT: 11390, co2eScope: 'location-based' })
  })

  it('lists GeForce cards at the rate PyTorch gets (FP32 accumulate), not the doubled FP16-accumulate rate', () => {
    const rtx4090 = pack.hardware.find((h) => h.id === 'nvidia-rtx-4090')
    expect(rtx4090).toMatchObject({ tdpW: 450, denseTflops: 165.2, memoryBandwidthGBs: 1008 })
    for (const series of ['30', '40', '50']) expect(pack.hardware.some((h) => h.id.startsWith(`nvidia-rtx-${series}`))).toBe(true)
  })

  it('orders versions numerically', () => {
    expect(compareVersions('1.10.0', '1.9.3')).toBeGreaterThan(0)
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0)
  })
})
