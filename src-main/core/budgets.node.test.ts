import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Budget } from '../contract/settings.ts'
import { lastWeekMs, newCrossings, periodBoundsMs, type PeriodUse } from './budgets.ts'

const PARIS = 'Europe/Paris'
// Wednesday 18 November 2026, 15:30 in Paris.
const WED = Date.parse('2026-11-18T14:30:00Z')

describe('budget periods (local calendar)', () => {
  it('a day, an ISO week from Monday and a month, in the given zone', () => {
    expect(periodBoundsMs('day', WED, PARIS)).toEqual({ sinceMs: Date.parse('2026-11-17T23:00:00Z'), untilMs: Date.parse('2026-11-18T23:00:00Z') })
    expect(periodBoundsMs('week', WED, PARIS)).toEqual({ sinceMs: Date.parse('2026-11-15T23:00:00Z'), untilMs: Date.parse('2026-11-22T23:00:00Z') })
    expect(periodBoundsMs('month', WED, PARIS)).toEqual({ sinceMs: Date.parse('2026-10-31T23:00:00Z'), untilMs: Date.parse('2026-11-30T23:00:00Z') })
  })

  it('a day across the switch to summer time is 23 hours long, and still one day', () => {
    const { sinceMs, untilMs } = periodBoundsMs('day', Date.parse('2026-03-29T12:00:00Z'), PARIS)
    expect((untilMs - sinceMs) / 3_600_000).toBe(23)
  })

  it('every instant lies in its own period, for any zone offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2100-01-01') }),
        fc.constantFrom<Budget['period']>('day', 'week', 'month'),
        fc.constantFrom('UTC', PARIS, 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland'),
        (t, period, zone) => {
          const { sinceMs, untilMs } = periodBoundsMs(period, t, zone)
          return sinceMs <= t && t < untilMs
        },
      ),
    )
  })

  it("last week's summary covers the week before this one", () => {
    const week = lastWeekMs(WED, PARIS)
    expect(week.sinceMs).toBe(Date.parse('2026-11-08T23:00:00Z'))
    expect(week.untilMs).toBe(Date.parse('2026-11-15T23:00:00Z'))
    expect(week.key).toBe(`weekly:${week.sinceMs}`)
  })
})

describe('budget crossings', () => {
  const use = (u: Partial<PeriodUse>): { use: PeriodUse; sinceMs: number } => ({ use: { energyKWh: 0, co2eKg: null, cost: null, ...u }, sinceMs: 1000 })

  it('reports a budget reached, once: a key already notified is not reported again', () => {
    const budgets: Budget[] = [
      { period: 'day', metric: 'energy', limit: 1 },
      { period: 'day', metric: 'co2e', limit: 0.5 },
    ]
    const shown = new Set<string>()
    const first = newCrossings(
      budgets,
      () => use({ energyKWh: 1.2, co2eKg: 0.1 }),
      (k) => shown.has(k),
    )
    expect(first.map((c) => [c.budget.metric, c.used])).toEqual([['energy', 1.2]])
    for (const c of first) shown.add(c.key)
    expect(
      newCrossings(
        budgets,
        () => use({ energyKWh: 1.5, co2eKg: 0.1 }),
        (k) => shown.has(k),
      ),
    ).toEqual([])
    // The CO2e budget is crossed later the same day: that one alone.
    expect(
      newCrossings(
        budgets,
        () => use({ energyKWh: 1.5, co2eKg: 0.6 }),
        (k) => shown.has(k),
      ).map((c) => c.budget.metric),
    ).toEqual(['co2e'])
  })

  it('a new period starts afresh, and a cost budget without a price is never crossed', () => {
    const budgets: Budget[] = [{ period: 'week', metric: 'cost', limit: 2 }]
    expect(
      newCrossings(
        budgets,
        () => use({ energyKWh: 100, cost: null }),
        () => false,
      ),
    ).toEqual([])
    const a = newCrossings(
      budgets,
      () => use({ cost: 3 }),
      () => false,
    )
    const b = newCrossings(
      budgets,
      () => ({ ...use({ cost: 3 }), sinceMs: 2000 }),
      () => false,
    )
    expect(a[0]?.key).not.toBe(b[0]?.key)
  })
})
