// What-if recompute: the scenario the What-if view sends on every edit, with 8 levers, through
// the same function the API runs (validation of levers, baseline, every variant, ranges).
import { Bench } from 'tinybench'
import { runScenarioWith } from '../src-main/api/handlers/scenario.handlers.ts'
import { defaultSettings } from '../src-main/api/services/settings.service.ts'
import { ScenarioSchema, type Scenario } from '../src-main/contract/scenario.ts'
import { bundledDataPack } from '../src-main/core/data-pack.ts'
import type { BenchRow } from './harness.ts'

const EIGHT_LEVERS = ScenarioSchema.parse({
  name: 'eight levers',
  baseline: { kind: 'inference', tokens: 1_000_000, paramsB: 70, bitsPerWeight: 16, hardwareId: 'nvidia-rtx-4090' },
  site: { countryIso3: 'FRA' },
  variants: [
    {
      name: 'all of them',
      levers: [
        { type: 'quantization', fromBits: 16, toBits: 4 },
        { type: 'distillation', teacherParamsB: 70, studentParamsB: 8 },
        { type: 'hardware', fromId: 'nvidia-rtx-4090', toId: 'nvidia-rtx-5090' },
        { type: 'location', to: 'cloud' },
        { type: 'grid', countryIso3: 'NOR' },
        { type: 'pue', pue: 1.1 },
        { type: 'renewable-share', percent: 50 },
        { type: 'time-shift', gCo2ePerKWh: 20 },
      ],
    },
  ],
}) as Scenario

export async function benchWhatIf(opts: { quick: boolean }): Promise<BenchRow[]> {
  const pack = bundledDataPack()
  const deps = {
    dataPacks: { pack: () => pack },
    settings: { get: () => defaultSettings('en') },
    reports: { energyKWhRange: () => ({ value: 10, low: 9, high: 11 }) },
  }
  const steps = runScenarioWith(deps, EIGHT_LEVERS).variants[0]?.steps.length ?? 0
  const bench = new Bench({ time: opts.quick ? 300 : 1500, warmupTime: 200 })
  bench.add('what-if, 8 levers', () => {
    runScenarioWith(deps, EIGHT_LEVERS)
  })
  await bench.run()
  const task = bench.tasks[0]
  const latency = task?.result && 'latency' in task.result ? task.result.latency : null
  if (!latency) throw new Error('what-if bench did not run')
  return [
    {
      id: 'whatif.recompute.8levers',
      group: 'What-if recompute',
      label: `8 levers on a 70B inference baseline (${steps} steps, ranges included), one variant`,
      unit: 'ms',
      median: latency.p50,
      spread: [latency.min, latency.p99],
      runs: latency.samplesCount,
      note: 'spread: fastest and p99 (tinybench)',
      target: { op: '<=', value: 1 },
    },
  ]
}
