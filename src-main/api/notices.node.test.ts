import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { STEADY_GPU, steadyPowerLog, tempDir } from '../../test/helpers.ts'
import type { Sample } from '../contract/telemetry.ts'
import { createContext, type AppContext } from './context.ts'
import { dispatch } from './dispatch.ts'
import type { Notice } from './services/notices.service.ts'

const GPU = STEADY_GPU.uuid
// Wednesday 18 November 2026, 12:00-13:00 UTC: 300 W for an hour (0.3 kWh).
const NOON = Date.parse('2026-11-18T12:00:00Z')

let open: AppContext[] = []
afterEach(async () => {
  for (const ctx of open) await ctx.close()
  open = []
})

function context(dbPath: string, now: { ms: number }): AppContext {
  const ctx = createContext({ dbPath, host: 'electron', version: 'test', clock: { nowMs: () => now.ms }, locale: 'fr-FR', notices: true })
  open.push(ctx)
  return ctx
}

describe('budgets and the weekly summary, on a real database', () => {
  it('notifies a crossed budget once per period, also across a restart, and a new day starts afresh', async () => {
    const db = join(tempDir(), 'notices.db')
    const now = { ms: NOON + 5 * 3_600_000 }
    const ctx = context(db, now)
    await dispatch(ctx, 'history:import', { format: 'nvidia-smi-csv', text: steadyPowerLog(NOON, 3600, 300), fileName: 'hour.csv', zone: 'UTC' })
    const heard: Notice[] = []
    ctx.notices.on((n) => heard.push(n))
    // Off by default: nothing is checked.
    expect(ctx.notices.check()).toEqual([])
    await dispatch(ctx, 'settings:update', {
      budgets: [
        { period: 'day', metric: 'energy', limit: 0.25 },
        { period: 'month', metric: 'energy', limit: 5 },
        { period: 'week', metric: 'cost', limit: 0.01 },
      ],
    })
    const first = ctx.notices.check()
    expect(first).toHaveLength(1)
    expect(first[0]).toMatchObject({ kind: 'budget', budget: { period: 'day', metric: 'energy', limit: 0.25 } })
    expect(first[0]?.kind === 'budget' && first[0].used).toBeCloseTo(0.3, 3)
    expect(heard).toEqual(first)
    expect(ctx.notices.check()).toEqual([])
    // A price makes the cost budget measurable: crossed now, once.
    await dispatch(ctx, 'settings:update', { pricePerKWh: 0.2, currency: 'EUR' })
    expect(ctx.notices.check().map((n) => n.kind === 'budget' && n.budget.metric)).toEqual(['cost'])
    await ctx.close()

    const again = context(db, now)
    expect(again.notices.check()).toEqual([])
    // The next day nothing was used yet: the daily budget is not crossed; the week's and month's were already said.
    now.ms += 86_400_000
    expect(again.notices.check()).toEqual([])
  })

  it("sends last week's summary once, on the first check of a new week, and not for an empty week", async () => {
    const db = join(tempDir(), 'weekly.db')
    const now = { ms: NOON + 5 * 3_600_000 }
    const ctx = context(db, now)
    await dispatch(ctx, 'history:import', { format: 'nvidia-smi-csv', text: steadyPowerLog(NOON, 3600, 300), fileName: 'hour.csv', zone: 'UTC' })
    await dispatch(ctx, 'settings:update', { weeklySummary: true, pricePerKWh: 0.2, currency: 'EUR' })
    // Monday 23 November: the week of the 16th is over.
    now.ms = Date.parse('2026-11-23T12:00:00Z')
    const [summary, ...rest] = ctx.notices.check()
    expect(rest).toEqual([])
    expect(summary).toMatchObject({ kind: 'weekly', currency: 'EUR' })
    if (summary?.kind !== 'weekly') throw new Error('weekly summary')
    expect(summary.energyJ).toBeCloseTo(0.3 * 3.6e6, -3)
    expect(summary.cost).toBeCloseTo(0.06, 3)
    expect(summary.co2eKg).toBeGreaterThan(0)
    expect(ctx.notices.check()).toEqual([])
    // The week after had no readings: no summary.
    now.ms += 7 * 86_400_000
    expect(ctx.notices.check()).toEqual([])
  })
})

describe('a GPU stuck drawing power', () => {
  it('is reported once after ten minutes above the threshold at 0 % use, only when the warning is on', async () => {
    const ctx = context(join(tempDir(), 'stuck.db'), { ms: NOON })
    const heard: Notice[] = []
    ctx.notices.on((n) => heard.push(n))
    const reading = (s: number): Sample => ({
      tMs: NOON + s * 1000,
      deviceId: GPU,
      powerW: 95,
      powerLimitW: 450,
      utilPct: 0,
      memUtilPct: 0,
      memUsedB: null,
      tempC: 40,
      smClockMhz: null,
      pstate: 2,
    })
    const devices = () => [{ deviceId: GPU, name: 'NVIDIA GeForce RTX 4090' }] as never
    for (let s = 0; s <= 700; s++) ctx.notices.readings([reading(s)], devices)
    expect(heard).toEqual([])
    await dispatch(ctx, 'settings:update', { stuckGpuAlertW: 60 })
    for (let s = 701; s <= 1400; s++) ctx.notices.readings([reading(s)], devices)
    expect(heard).toEqual([
      { kind: 'stuck', key: `stuck:${GPU}:${NOON + 701_000}`, deviceId: GPU, deviceName: 'NVIDIA GeForce RTX 4090', thresholdW: 60, powerW: 95, minutes: 10 },
    ])
  })
})
