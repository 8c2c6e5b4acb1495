import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { FIXTURES, REPO_ROOT, tempDir } from './helpers.ts'

const run = promisify(execFile)
const BIN = join(REPO_ROOT, 'bin', 'wattprint.js')

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

async function json<T>(...args: string[]): Promise<T> {
  const r = await cli(...args, '--json')
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as T
}

interface TrainingOut {
  energyMWh: number
  energyRangeMWh: [number, number]
  co2eT: number
  gpuHours: number
  defaultsApplied: string[]
  assumptions: Record<string, { value: number; isDefault: boolean }>
}

describe('wattprint estimate', () => {
  it('training from GPU-hours prints energyMWh, co2eT, gpuHours and every default it applied, by name', async () => {
    const out = await json<TrainingOut>('estimate', 'training', '--gpu-hours', '30.84M', '--hardware', 'nvidia-h100-sxm5', '--country', 'USA')
    expect(out.gpuHours).toBe(30.84e6)
    expect(out.energyMWh).toBeCloseTo((30.84e6 * 0.7 * 1.1) / 1000, 6)
    expect(out.defaultsApplied).toEqual(['powerPerAcceleratorW', 'hostOverhead', 'pue'])
    expect(out.assumptions.pue).toMatchObject({ value: 1.1, isDefault: true })
    expect(out.co2eT).toBeGreaterThan(0)
  })

  it("training from FLOPs with GPT-3's published inputs lands within 2% of Patterson et al.'s 1,287 MWh", async () => {
    // 6 × 175B × 300B tokens on V100s (125 TFLOP/s) at 330 W, PUE 1.1; MFU chosen so the hours match the paper's 3.55M.
    const out = await json<TrainingOut>(
      'estimate',
      'training',
      '--params',
      '175B',
      '--tokens',
      '300B',
      '--hardware',
      'nvidia-v100-sxm2',
      '--mfu',
      '0.197',
      '--power-w',
      '330',
      '--host-overhead',
      '1',
      '--pue',
      '1.1',
      '--grid',
      '429',
    )
    expect(Math.abs(out.energyMWh - 1287) / 1287).toBeLessThan(0.02)
    expect(Math.abs(out.co2eT - 552) / 552).toBeLessThan(0.02)
    expect(out.defaultsApplied).toEqual([])
  })

  it('fine-tune and inference estimates', async () => {
    const ft = await json<{ shareOfPretraining: number; energyMWh: number; pretrain: { energyMWh: number } }>(
      'estimate',
      'finetune',
      '--params',
      '8B',
      '--tokens',
      '100M',
      '--pretrain-tokens',
      '15T',
      '--method',
      'qlora',
      '--hardware',
      'nvidia-rtx-4090',
    )
    expect(ft.shareOfPretraining).toBeCloseTo((4 * 0.1) / (6 * 15_000), 12)
    expect(ft.energyMWh / ft.pretrain.energyMWh).toBeCloseTo(ft.shareOfPretraining, 9)
    const inf = await json<{ method: string; energyPerTokenJ: number; defaultsApplied: string[] }>(
      'estimate',
      'inference',
      '--params',
      '8B',
      '--bits',
      '4',
      '--hardware',
      'nvidia-rtx-4090',
    )
    expect(inf.method).toBe('estimated')
    expect(inf.defaultsApplied).toEqual(['bandwidthEfficiency', 'powerW'])
    const measured = await json<{ energyPerTokenJ: number }>('estimate', 'inference', '--energy-j', '36000', '--tokens', '12000')
    expect(measured.energyPerTokenJ).toBe(3)
  })

  it.each([
    [['estimate', 'training', '--hardware', 'nvidia-rtx-9999', '--gpu-hours', '5'], /--hardware: unknown hardware "nvidia-rtx-9999"/],
    [['estimate', 'training', '--hardware', 'nvidia-rtx-4090'], /give --gpu-hours, or --params and --tokens/],
    [['estimate', 'training', '--hardware', 'nvidia-rtx-4090', '--gpu-hours', 'lots'], /--gpu-hours: "lots" is not a count/],
    [['estimate', 'training', '--hardware', 'nvidia-rtx-4090', '--gpu-hours', '5', '--pue', '0.5'], /--pue: Too small/],
    [['estimate', 'training', '--hardware', 'nvidia-rtx-4090', '--gpu-hours', '5', '--grid', '300', '--country', 'FRA'], /--grid or --country, not both/],
    [['estimate', 'finetune', '--params', '8B', '--tokens', '1B', '--pretrain-tokens', '1T', '--method', 'dora', '--hardware', 'nvidia-rtx-4090'], /--method/],
    [['estimate', 'guess'], /estimate needs a kind/],
  ])('%j → exit 2 with a message naming the flag', async (args, message) => {
    const r = await cli(...args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })
})

describe('wattprint compare, scenario, hardware, references', () => {
  it('compares a recorded period with the published runs', async () => {
    const db = join(tempDir(), 'cmp.db')
    await cli('import', 'nvidia-smi-csv', join(FIXTURES, 'nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__A5000_TR_gpudata.csv'), '--db', db, '--tz', 'UTC')
    const out = await json<{
      period: { energyKWh: number }
      training: { runId: string; energyRatio: number | null; yearsToEqual: number | null; amortisedWhPerQuery: number | null }[]
      inference: { figureId: string; equivalentCount: number | null }[]
    }>('compare', '--db', db, '--since', '2023-07-20T08:00Z', '--until', '2023-07-20T09:00Z')
    const gpt3 = out.training.find((t) => t.runId === 'gpt3-patterson2021')
    expect(gpt3?.energyRatio).toBeCloseTo(out.period.energyKWh / 1_287_000, 12)
    expect(gpt3?.yearsToEqual).toBeGreaterThan(1000)
    expect(gpt3?.amortisedWhPerQuery).toBeCloseTo(1.287, 9)
    const epoch = out.inference.find((f) => f.figureId === 'gpt-4o-typical-query-epoch-2025')
    expect(epoch?.equivalentCount).toBeCloseTo((out.period.energyKWh * 1000) / 0.3, 9)
  })

  it('runs a scenario file and names the bad field of a bad one', async () => {
    const dir = tempDir()
    const good = join(dir, 'good.json')
    writeFileSync(
      good,
      JSON.stringify({
        name: 'GPT-3 again, greener',
        baseline: { kind: 'training-run', runId: 'gpt3-patterson2021' },
        site: { countryIso3: 'USA' },
        variants: [
          { name: 'Hydro-powered Norway', levers: [{ type: 'grid', countryIso3: 'NOR' }] },
          { name: 'Industry-average PUE', levers: [{ type: 'pue', pue: 1.58 }] },
        ],
      }),
    )
    const out = await json<{
      baseline: { outcome: { energyKWh: number; co2eKg: number } }
      variants: { name: string; deltaPct: { co2eKg: number; energyKWh: number } }[]
    }>('scenario', good, '--db', join(dir, 'none.db'))
    expect(out.baseline.outcome.energyKWh).toBeCloseTo(1_287_000, 3)
    expect(out.baseline.outcome.co2eKg).toBeCloseTo(1_287_000 * 0.429, 0)
    expect(out.variants[0]?.deltaPct.co2eKg).toBeLessThan(-90)
    expect(out.variants[1]?.deltaPct.energyKWh).toBeCloseTo((1.58 / 1.1 - 1) * 100, 6)

    const bad = join(dir, 'bad.json')
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'x',
        baseline: { kind: 'energy', itEnergyKWh: 1 },
        site: { countryIso3: 'FRA' },
        variants: [{ name: 'v', levers: [{ type: 'pue', pue: 0.7 }] }],
      }),
    )
    const r = await cli('scenario', bad)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/field "variants\.0\.levers\.0\.pue"/)
    writeFileSync(bad, '{ "name": ')
    expect((await cli('scenario', bad)).stderr).toMatch(/not valid JSON/)
  })

  it('runs the scenario example in the README as printed there', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    const example = /### Scenario files[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(example).toBeTruthy()
    const file = join(tempDir(), 'readme.json')
    writeFileSync(file, example ?? '')
    const out = await json<{ variants: { name: string; deltaPct: { energyKWh: number } }[] }>('scenario', file, '--db', join(tempDir(), 'none.db'))
    expect(out.variants.map((v) => v.name)).toEqual(["Norway's grid", 'On H100s, in a PUE 1.58 data centre'])
    expect(out.variants[1]?.deltaPct.energyKWh).toBeLessThan(0)
  })

  it('lists hardware and references, each with an id and a source URL', async () => {
    const hw = await json<{ id: string; source: { url: string } }[]>('hardware')
    expect(hw.length).toBeGreaterThan(15)
    expect(hw.every((h) => h.id && h.source.url.startsWith('https://'))).toBe(true)
    const refs = await json<{ version: string; trainingRuns: { id: string; source: { url: string } }[]; misquotes: unknown[] }>('references')
    expect(refs.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(refs.trainingRuns.every((r) => r.id && r.source.url.startsWith('https://'))).toBe(true)
    expect(refs.misquotes.length).toBeGreaterThan(5)
  })
})
