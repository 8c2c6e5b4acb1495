import { DateTime } from 'luxon'
import type { Budget } from '../contract/settings.ts'

/** What a period used so far, in each budget's unit (kWh, kg CO2e, money; null when unknown, e.g. no price set). */
export interface PeriodUse {
  energyKWh: number
  co2eKg: number | null
  cost: number | null
}

/** [start, end) of the calendar period containing `nowMs`, local time (weeks start on Monday, ISO 8601). */
export function periodBoundsMs(period: Budget['period'], nowMs: number, zone?: string): { sinceMs: number; untilMs: number } {
  const unit = period === 'day' ? 'day' : period === 'week' ? 'week' : 'month'
  const at = zone ? DateTime.fromMillis(nowMs, { zone }) : DateTime.fromMillis(nowMs)
  const start = at.startOf(unit)
  return { sinceMs: start.toMillis(), untilMs: start.plus({ [`${unit}s`]: 1 }).toMillis() }
}

/** A budget's identity across edits of other budgets: a crossing is notified once per budget and period. */
export function budgetKey(budget: Budget, periodStartMs: number): string {
  return `budget:${budget.period}:${budget.metric}:${budget.limit}:${periodStartMs}`
}

/** The use a budget is measured against, in its unit; null when it cannot be known (cost without a price). */
export function useFor(budget: Budget, use: PeriodUse): number | null {
  if (budget.metric === 'energy') return use.energyKWh
  if (budget.metric === 'co2e') return use.co2eKg
  return use.cost
}

export interface Crossing {
  budget: Budget
  key: string
  used: number
  sinceMs: number
}

/**
 * The budgets crossed in their current period and not yet notified. A crossing is reported once:
 * `notified` holds the keys already shown (kept across restarts), and a new period starts afresh.
 */
export function newCrossings(
  budgets: readonly Budget[],
  useOf: (period: Budget['period']) => { use: PeriodUse; sinceMs: number },
  notified: (key: string) => boolean,
): Crossing[] {
  const crossings: Crossing[] = []
  for (const budget of budgets) {
    const { use, sinceMs } = useOf(budget.period)
    const used = useFor(budget, use)
    if (used === null || used < budget.limit) continue
    const key = budgetKey(budget, sinceMs)
    if (!notified(key)) crossings.push({ budget, key, used, sinceMs })
  }
  return crossings
}

/** The week whose summary is due at `nowMs`: the last complete one (Monday to Monday, local). */
export function lastWeekMs(nowMs: number, zone?: string): { sinceMs: number; untilMs: number; key: string } {
  const thisWeek = periodBoundsMs('week', nowMs, zone)
  const at = zone ? DateTime.fromMillis(thisWeek.sinceMs, { zone }) : DateTime.fromMillis(thisWeek.sinceMs)
  const sinceMs = at.minus({ weeks: 1 }).toMillis()
  return { sinceMs, untilMs: thisWeek.sinceMs, key: `weekly:${sinceMs}` }
}
