// Prints the training estimator's error against every published run it can be checked on
// (markdown): node scripts/estimator-table.ts
import { bundledDataPack } from '../src-main/core/data-pack.ts'
import { trainingFromGpuHours } from '../src-main/core/estimators.ts'

const pack = bundledDataPack()
const rows: string[] = [
  '| run | published energy (MWh) | estimate from published inputs (MWh) | error | default-assumption range (MWh) | contains published? |',
  '|---|---|---|---|---|---|',
]
for (const run of pack.trainingRuns) {
  const hw = pack.hardware.find((h) => h.id === run.hardwareId)
  if (run.energyMWh === null || run.gpuHours === null || run.powerPerAcceleratorW === null || !hw) continue
  const withInputs = trainingFromGpuHours({ gpuHours: run.gpuHours, powerW: run.powerPerAcceleratorW, tdpW: hw.tdpW, hostOverhead: 1, pue: run.pue ?? 1 })
  const defaults = trainingFromGpuHours({ gpuHours: run.gpuHours, tdpW: hw.tdpW })
  const publishedKWh = run.energyMWh * 1000
  const error = (withInputs.energyKWh - publishedKWh) / publishedKWh
  const [lo, hi] = defaults.energyRangeKWh
  rows.push(
    `| ${run.model} | ${run.energyMWh} | ${(withInputs.energyKWh / 1000).toFixed(1)} | ${(error * 100).toFixed(2)}% | ${(lo / 1000).toFixed(0)}–${(hi / 1000).toFixed(0)} | ${lo <= publishedKWh && publishedKWh <= hi ? 'yes' : 'NO'} |`,
  )
}
console.log(rows.join('\n'))
