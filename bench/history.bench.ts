// History over HTTP: the headless host answering the History view's own request (a week in hour
// buckets, a year in day buckets, with the previous period) on a generated year of 1, 4 and 8 GPUs.
import { performance } from 'node:perf_hooks'
import { isolatedMachineEnv } from '../test/isolated-machine.ts'
import { startServeHost, type ServedHost } from '../test/serve-host.ts'
import { percentile, repeat, rowFrom, type BenchRow } from './harness.ts'
import { BENCH_T0_MS, generatedHistory } from './synthetic.ts'

const DAY_MS = 86_400_000

/** Starts `wattprint serve` on a database with no telemetry source (this machine's stays out). */
function startHost(db: string): Promise<ServedHost> {
  return startServeHost(db, { ...process.env, ...isolatedMachineEnv(), PATH: '/usr/bin:/bin', TZ: 'UTC' })
}

/** One request as the History view sends it: its time in ms. */
async function timedQuery(host: ServedHost, body: unknown): Promise<number> {
  const start = performance.now()
  await host.invoke('history:query', body)
  return performance.now() - start
}

export async function benchHistory(opts: { quick: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const endMs = BENCH_T0_MS + 365 * DAY_MS
  const requests = opts.quick ? 30 : 100
  for (const gpus of opts.quick ? [1, 4] : [1, 4, 8]) {
    const history = generatedHistory({ gpus, days: 365, rawDays: 7, rawIntervalMs: 1000, endMs })
    const host = await startHost(history.path)
    try {
      const asks = {
        week: { sinceMs: endMs - 7 * DAY_MS, untilMs: endMs, bucket: 'hour', withPrevious: true },
        year: { sinceMs: endMs - 365 * DAY_MS, untilMs: endMs, bucket: 'day', withPrevious: true },
      } as const
      for (const [name, ask] of Object.entries(asks)) {
        await repeat(5, () => timedQuery(host, ask)) // warm-up
        const ms = await repeat(requests, () => timedQuery(host, ask))
        const p99 = percentile(ms, 99)
        rows.push(
          rowFrom(ms, {
            id: `history.http.${name}.${gpus}gpu`,
            group: 'History over HTTP',
            label: `${name === 'week' ? 'a week in hour buckets' : 'a year in day buckets'}, ${gpus} GPU${gpus > 1 ? 's' : ''}, a full year stored`,
            unit: 'ms',
            // The targets are for up to 4 GPUs; 8 shows how the cost grows.
            target: gpus <= 4 ? { op: '<=', value: 20 } : null,
            note: `p99 ${p99.toFixed(1)} ms${gpus <= 4 ? ' (target ≤ 50)' : ''}`,
          }),
        )
      }
    } finally {
      await host.stop()
    }
  }
  return rows
}
