import type { Report } from '../contract/footprint.ts'
import type { History, HistoryBucket } from '../contract/history.ts'

/** One GPU's rollup bucket, as the store returns it. */
export interface BucketInput {
  deviceId: string
  name: string
  startMs: number
  energyJ: number
  integratedS: number
  samples: number
  gaps: number
  maxPowerW: number | null
}

/**
 * Groups rollup rows into buckets with every GPU and a total. CO2e and cost per bucket use the
 * period's factors (for a time-of-use tariff, the period's effective price: an approximation per bucket).
 */
export function historyBuckets(rows: readonly BucketInput[], report: Report): Pick<History, 'buckets' | 'devices'> {
  const byStart = new Map<number, BucketInput[]>()
  const devices = new Map<string, string>()
  for (const r of rows) {
    byStart.set(r.startMs, [...(byStart.get(r.startMs) ?? []), r])
    devices.set(r.deviceId, r.name)
  }
  const grid = report.footprint.grid?.value ?? null
  const price = report.footprint.price?.value ?? null
  const buckets: HistoryBucket[] = [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([startMs, group]) => {
      const energyJ = group.reduce((s, r) => s + r.energyJ, 0)
      const kWh = energyJ / 3.6e6
      const maxes = group.map((r) => r.maxPowerW).filter((p): p is number => p !== null)
      // Mean of the sum of GPUs: each GPU's energy over its integrated time, added.
      const means = group.map((r) => (r.integratedS > 0 ? r.energyJ / r.integratedS : null))
      return {
        startMs,
        energyJ,
        co2eKg: grid === null ? null : (kWh * grid) / 1000,
        cost: price === null ? null : kWh * price,
        meanPowerW: means.every((m) => m === null) ? null : means.reduce<number>((s, m) => s + (m ?? 0), 0),
        maxPowerW: maxes.length ? maxes.reduce((a, b) => a + b, 0) : null,
        samples: group.reduce((s, r) => s + r.samples, 0),
        gaps: group.reduce((s, r) => s + r.gaps, 0),
        devices: group.map((r) => ({
          deviceId: r.deviceId,
          energyJ: r.energyJ,
          meanPowerW: r.integratedS > 0 ? r.energyJ / r.integratedS : null,
          maxPowerW: r.maxPowerW,
        })),
      }
    })
  return { buckets, devices: [...devices.entries()].map(([deviceId, name]) => ({ deviceId, name })) }
}
