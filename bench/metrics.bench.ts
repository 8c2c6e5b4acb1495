// Prometheus scrape: `wattprint serve --metrics` answering GET /metrics on a generated year of
// 1, 4 and 8 GPUs. Every counter is read from the whole history at each scrape (so it continues
// across restarts); this says what that costs, and what it comes to at Prometheus' usual 15 s.
import { performance } from 'node:perf_hooks'
import { isolatedMachineEnv } from '../test/isolated-machine.ts'
import { startServeHost, type ServedHost } from '../test/serve-host.ts'
import { repeat, rowFrom, type BenchRow } from './harness.ts'
import { BENCH_T0_MS, generatedHistory } from './synthetic.ts'

const DAY_MS = 86_400_000
const SCRAPE_INTERVAL_S = 15

async function timedScrape(url: string): Promise<number> {
  const start = performance.now()
  const res = await fetch(url)
  await res.text()
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`)
  return performance.now() - start
}

export async function benchMetrics(opts: { quick: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const endMs = BENCH_T0_MS + 365 * DAY_MS
  const scrapes = opts.quick ? 30 : 100
  for (const gpus of opts.quick ? [1, 4] : [1, 4, 8]) {
    const history = generatedHistory({ gpus, days: 365, rawDays: 7, rawIntervalMs: 1000, endMs })
    let host: ServedHost | null = null
    try {
      host = await startServeHost(history.path, { ...process.env, ...isolatedMachineEnv(), PATH: '/usr/bin:/bin', TZ: 'UTC' }, [
        '--metrics',
        '--metrics-port',
        '0',
      ])
      const url = host.metricsUrl
      if (!url) throw new Error('serve printed no metrics URL')
      // The counters hold the whole year: 365 days of the generated power.
      const first = await (await fetch(url)).text()
      const energyJ = [...first.matchAll(/^wattprint_energy_joules_total\{[^}]*\} (\S+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
      if (energyJ < gpus * 365 * 86_400 * 10) throw new Error(`the scrape does not cover the year: ${energyJ} J`)
      await repeat(5, () => timedScrape(url)) // warm-up
      const ms = await repeat(scrapes, () => timedScrape(url))
      const sorted = [...ms].sort((a, b) => a - b)
      const median = sorted[Math.floor(sorted.length / 2)] ?? 0
      rows.push(
        rowFrom(ms, {
          id: `metrics.scrape.${gpus}gpu`,
          group: 'Prometheus scrape of /metrics',
          label: `${gpus} GPU${gpus > 1 ? 's' : ''}, a full year stored (every counter from the whole history)`,
          unit: 'ms',
          target: gpus <= 4 ? { op: '<=', value: 50 } : null,
          note: `at one scrape every ${SCRAPE_INTERVAL_S} s: ${((median / 1000) * (3600 / SCRAPE_INTERVAL_S)).toFixed(1)} s of host time an hour (wall time of the request, an upper bound of its CPU)`,
        }),
      )
    } finally {
      await host?.stop()
    }
  }
  return rows
}
