// Fills a database with weeks of history built from the real Qwen3-ASR trace, for the view specs:
// node e2e/seed-history.ts DB [DAYS]. Two sessions a day (the trace, thinned to 1 Hz, played
// 30 times back to back: ~32 min), no sessions every sixth day, so gaps show as gaps.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { intervalEnergy } from '../src-main/core/integration.ts'
import { openDatabase } from '../src-main/store/database.ts'
import { clockFromEnv } from '../src-main/headless/env-clock.ts'
import type { IngestRow } from '../src-main/recording/sink.ts'
import { SampleStore } from '../src-main/store/sample-store.ts'
import { parseNvidiaSmiLog } from '../src-main/telemetry/parsers/nvidia-smi-log.parse.ts'

const [dbPath, daysArg] = process.argv.slice(2)
if (!dbPath) {
  console.error('usage: node e2e/seed-history.ts DB [DAYS]')
  process.exit(2)
}
const days = Number(daysArg ?? '28')
const parsed = parseNvidiaSmiLog(readFileSync(join(import.meta.dirname, '..', 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv'), 'utf8'))
if (!parsed.ok) throw new Error(parsed.problem.code)
const trace = parsed.log.records.filter((_, i) => i % 10 === 0).map((r) => r.record)

const device = {
  deviceId: 'GPU-5eed0000-0000-4000-8000-000000000000',
  index: 0,
  name: 'NVIDIA GeForce RTX 4090 (seeded from a real trace)',
  memTotalB: 24564 * 1024 ** 2,
  source: 'seed',
  domain: 'gpu' as const,
  method: 'sampled-power' as const,
}
const store = new SampleStore(openDatabase(dbPath))
// "Today" is the pinned clock's when the specs pin it (WATTPRINT_NOW), else the system's.
const midnight = new Date(clockFromEnv().nowMs())
midnight.setHours(0, 0, 0, 0)
let rows: IngestRow[] = []
for (let d = days; d >= 1; d--) {
  if (d % 6 === 0) continue
  for (const hour of [10, 20]) {
    const start = midnight.getTime() - d * 86_400_000 + hour * 3_600_000 + (d % 5) * 600_000
    let prev: { tMs: number; powerW: number | null } | null = null
    for (let lap = 0; lap < 30; lap++) {
      trace.forEach((record, i) => {
        const tMs = start + (lap * trace.length + i) * 1000
        const powerW = record.powerW === null ? null : record.powerW * (0.8 + ((d * 7) % 5) / 10)
        const outcome = prev ? intervalEnergy(prev, { tMs, powerW }, 10) : null
        rows.push({
          sample: {
            tMs,
            deviceId: device.deviceId,
            powerW,
            powerLimitW: 450,
            utilPct: record.utilPct,
            memUtilPct: record.memUtilPct,
            memUsedB: record.memUsedB,
            tempC: null,
            smClockMhz: null,
            pstate: null,
          },
          device,
          energyJ: outcome?.kind === 'energy' ? outcome.energyJ : null,
          intervalS: outcome?.kind === 'energy' ? outcome.durationS : null,
          gap: false,
          method: outcome?.kind === 'energy' ? 'sampled-power' : null,
        })
        prev = { tMs, powerW }
      })
    }
    store.ingest(rows)
    rows = []
  }
}
console.log(`seeded ${dbPath}: ${days} days`)
