import type { Range, Report } from '../contract/footprint.ts'
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
 * period's factors (for a time-of-use tariff, the period's effective price: an approximation per bucket);
 * each bucket's range uses each device's measurement range and the period's factor ranges.
 */
export function historyBuckets(rows: readonly BucketInput[], report: Report): Pick<History, 'buckets' | 'devices'> {
  const byStart = new Map<number, BucketInput[]>()
  const devices = new Map<string, string>()
  for (const r of rows) {
    byStart.set(r.startMs, [...(byStart.get(r.startMs) ?? []), r])
    devices.set(r.deviceId, r.name)
  }
  const fp = report.footprint
  const grid = fp.grid?.value ?? null
  const price = fp.price?.value ?? null
  // Each device's own measurement range (from the period's report), as ratios to apply to its buckets.
  const spread = new Map(
    report.devices.map((d) => {
      const kWh = d.energyJ / 3.6e6
      return [d.deviceId, kWh > 0 ? ([d.energyRangeKWh[0] / kWh, d.energyRangeKWh[1] / kWh] as const) : ([1, 1] as const)]
    }),
  )
  // The period's factors at each end (CO2e or cost per kWh at the low and the high end), so a bucket's range is made the same way.
  const perKWhEnds = (range: Range | null): Range | null =>
    range && fp.energyRangeKWh[0] > 0 && fp.energyRangeKWh[1] > 0 ? [range[0] / fp.energyRangeKWh[0], range[1] / fp.energyRangeKWh[1]] : null
  const co2eEnds = grid === null ? null : (perKWhEnds(fp.co2eRangeKg) ?? [grid / 1000, grid / 1000])
  const costEnds = price === null ? null : (perKWhEnds(fp.costRange) ?? [price, price])
  const buckets: HistoryBucket[] = [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([startMs, group]) => {
      const energyJ = group.reduce((s, r) => s + r.energyJ, 0)
      const kWh = energyJ / 3.6e6
      const energyRangeKWh: Range = [0, 1].map((end) => group.reduce((sum, r) => sum + (r.energyJ / 3.6e6) * (spread.get(r.deviceId)?.[end] ?? 1), 0)) as Range
      const maxes = group.map((r) => r.maxPowerW).filter((p): p is number => p !== null)
      // Mean of the sum of GPUs: each GPU's energy over its integrated time, added.
      const means = group.map((r) => (r.integratedS > 0 ? r.energyJ / r.integratedS : null))
      return {
        startMs,
        energyJ,
        energyRangeKWh,
        co2eKg: grid === null ? null : (kWh * grid) / 1000,
        co2eRangeKg: co2eEnds && [energyRangeKWh[0] * co2eEnds[0], energyRangeKWh[1] * co2eEnds[1]],
        cost: price === null ? null : kWh * price,
        costRange: costEnds && [energyRangeKWh[0] * costEnds[0], energyRangeKWh[1] * costEnds[1]],
        meanPowerW: means.every((m) => m === null) ? null : means.reduce<number>((s, m) => s + (m ?? 0), 0),
        maxPowerW: maxes.length ? maxes.reduce((a, b) => a + b, 0) : null,
        samples: group.reduce((s, r) => s + r.samples, 0),
        gaps: group.reduce((s, r) => s + r.gaps, 0),
        devices: group.map((r) => ({
          deviceId: r.deviceId,
          energyJ: r.energyJ,
          energyRangeKWh: [(r.energyJ / 3.6e6) * (spread.get(r.deviceId)?.[0] ?? 1), (r.energyJ / 3.6e6) * (spread.get(r.deviceId)?.[1] ?? 1)] as Range,
          meanPowerW: r.integratedS > 0 ? r.energyJ / r.integratedS : null,
          maxPowerW: r.maxPowerW,
        })),
      }
    })
  return { buckets, devices: [...devices.entries()].map(([deviceId, name]) => ({ deviceId, name })) }
}
