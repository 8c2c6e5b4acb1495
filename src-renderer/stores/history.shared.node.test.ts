import { describe, expect, it } from 'vitest'
import { joulesFromKWh } from '../../src-main/contract/units.ts'
import { historyCsv, periodRange, shiftPeriod } from './history.shared.ts'

describe('history periods (local time)', () => {
  const wed = new Date(2026, 10, 25, 15, 30).getTime() // Wednesday 25 Nov 2026
  it('day, week (Monday start), month and year ranges with their bucket level', () => {
    expect(periodRange('day', wed)).toEqual({ sinceMs: new Date(2026, 10, 25).getTime(), untilMs: new Date(2026, 10, 26).getTime(), bucket: 'hour' })
    expect(periodRange('week', wed)).toMatchObject({ sinceMs: new Date(2026, 10, 23).getTime(), untilMs: new Date(2026, 10, 30).getTime() })
    expect(periodRange('month', wed)).toMatchObject({ sinceMs: new Date(2026, 10, 1).getTime(), untilMs: new Date(2026, 11, 1).getTime(), bucket: 'day' })
    expect(periodRange('year', wed)).toMatchObject({ sinceMs: new Date(2026, 0, 1).getTime(), untilMs: new Date(2027, 0, 1).getTime() })
  })

  it('steps to the previous and next period', () => {
    expect(periodRange('month', shiftPeriod('month', wed, -1)).sinceMs).toBe(new Date(2026, 9, 1).getTime())
    expect(periodRange('week', shiftPeriod('week', wed, 1)).sinceMs).toBe(new Date(2026, 10, 30).getTime())
  })
})

describe('CSV export', () => {
  it('writes one row per bucket and GPU, unknowns empty, names quoted when needed', () => {
    const csv = historyCsv({
      sinceMs: 0,
      untilMs: 1,
      bucket: 'hour',
      devices: [{ deviceId: 'GPU-1', name: 'RTX 4090, "main"' }],
      buckets: [
        {
          startMs: 0,
          energyJ: joulesFromKWh(1),
          energyRangeKWh: [0.9, 1.1],
          co2eKg: 0.4,
          co2eRangeKg: [0.3, 0.5],
          cost: null,
          costRange: null,
          meanPowerW: 1000,
          maxPowerW: 1200,
          samples: 3600,
          gaps: 0,
          devices: [{ deviceId: 'GPU-1', energyJ: joulesFromKWh(1), energyRangeKWh: [0.9, 1.1], meanPowerW: 1000, maxPowerW: 1200 }],
        },
      ],
      report: {} as never,
      previous: null,
    })
    expect(csv.split('\n')[0]).toMatch(
      /^bucket_start_utc,device_id,device_name,energy_kwh,energy_kwh_low,energy_kwh_high,co2e_kg,co2e_kg_low,co2e_kg_high,cost,/,
    )
    expect(csv.split('\n')[1]).toBe('1970-01-01T00:00:00.000Z,GPU-1,"RTX 4090, ""main""",1,0.9,1.1,0.4,0.3,0.5,,,,1000,1200,3600,0')
  })
})
