import type { History } from '../../src-main/contract/history.ts'
import { kWhFromJoules } from '../../src-main/contract/units.ts'

export type PeriodKind = 'day' | 'week' | 'month' | 'year'

/** A calendar period in local time around `anchorMs`, and the rollup level that suits it. */
export function periodRange(kind: PeriodKind, anchorMs: number): { sinceMs: number; untilMs: number; bucket: 'hour' | 'day' } {
  const d = new Date(anchorMs)
  let start: Date
  let end: Date
  switch (kind) {
    case 'day':
      start = new Date(d.getFullYear(), d.getMonth(), d.getDate())
      end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1)
      break
    case 'week': {
      // Weeks start on Monday (ISO 8601).
      const offset = (d.getDay() + 6) % 7
      start = new Date(d.getFullYear(), d.getMonth(), d.getDate() - offset)
      end = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 7)
      break
    }
    case 'month':
      start = new Date(d.getFullYear(), d.getMonth(), 1)
      end = new Date(d.getFullYear(), d.getMonth() + 1, 1)
      break
    case 'year':
      start = new Date(d.getFullYear(), 0, 1)
      end = new Date(d.getFullYear() + 1, 0, 1)
      break
  }
  return { sinceMs: start.getTime(), untilMs: end.getTime(), bucket: kind === 'day' || kind === 'week' ? 'hour' : 'day' }
}

/** The anchor of the period before (-1) or after (+1). */
export function shiftPeriod(kind: PeriodKind, anchorMs: number, direction: -1 | 1): number {
  const { sinceMs, untilMs } = periodRange(kind, anchorMs)
  return direction < 0 ? sinceMs - 1 : untilMs
}

const csvCell = (v: string | number | null): string => {
  if (v === null) return ''
  const text = String(v)
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One row per bucket and GPU, SI-based units in the header; empty cells are unknown, not zero. */
export function historyCsv(history: History): string {
  const names = new Map(history.devices.map((d) => [d.deviceId, d.name]))
  const header = [
    'bucket_start_utc',
    'device_id',
    'device_name',
    'energy_kwh',
    'energy_kwh_low',
    'energy_kwh_high',
    'co2e_kg',
    'co2e_kg_low',
    'co2e_kg_high',
    'cost',
    'cost_low',
    'cost_high',
    'mean_power_w',
    'max_power_w',
    'samples',
    'gaps',
  ]
  const rows = history.buckets.flatMap((b) =>
    b.devices.map((d) => {
      // A device's share of the bucket's CO2e and cost; its ends scale with its own energy range.
      const kWh = kWhFromJoules(d.energyJ)
      const share = b.energyJ > 0 ? d.energyJ / b.energyJ : 0
      const end = (range: readonly [number, number] | null, i: 0 | 1): number | null => {
        const bucketEnd = b.energyRangeKWh[i]
        return range === null || bucketEnd <= 0 ? null : (range[i] * d.energyRangeKWh[i]) / bucketEnd
      }
      return [
        new Date(b.startMs).toISOString(),
        d.deviceId,
        names.get(d.deviceId) ?? '',
        kWh,
        d.energyRangeKWh[0],
        d.energyRangeKWh[1],
        b.co2eKg === null ? null : b.co2eKg * share,
        end(b.co2eRangeKg, 0),
        end(b.co2eRangeKg, 1),
        b.cost === null ? null : b.cost * share,
        end(b.costRange, 0),
        end(b.costRange, 1),
        d.meanPowerW,
        d.maxPowerW,
        b.samples,
        b.gaps,
      ]
        .map(csvCell)
        .join(',')
    }),
  )
  return [header.join(','), ...rows].join('\n') + '\n'
}

/** Saves text as a file through the browser (works in Electron's window too). */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
