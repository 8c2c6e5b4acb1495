import { afterEach, describe, expect, it } from 'vitest'
import { createContext, type AppContext } from './context.ts'
import { FleetService } from './services/fleet.service.ts'

let ctx: AppContext | null = null
afterEach(async () => {
  await ctx?.close()
  ctx = null
})

describe('the fleet report, against a stand-in Prometheus API', () => {
  it('reads counters from the period’s start and power from one step in, and totals each machine once', async () => {
    ctx = createContext({ dbPath: null, host: 'headless', version: 'test', locale: 'fr-FR' })
    const asked: { query: string; start: number; end: number; step: string }[] = []
    const fetchFn = (async (url: URL) => {
      const p = url.searchParams
      const query = p.get('query') ?? ''
      const start = Number(p.get('start'))
      const end = Number(p.get('end'))
      asked.push({ query, start, end, step: p.get('step') ?? '' })
      const times: number[] = []
      for (let t = start; t <= end; t += 60) times.push(t)
      const result = query.startsWith('wattprint_energy_joules_total')
        ? [
            {
              metric: { instance: 'ws:9787', device: 'GPU-1', name: 'RTX 4090', source: 'nvml', method: 'counter', domain: 'gpu' },
              values: times.map((t) => [t, String(1000 + (t - start) * 200)]),
            },
          ]
        : query.includes('DCGM_FI_DEV_POWER_USAGE')
          ? [{ metric: { Hostname: 'dgx', UUID: 'GPU-9' }, values: times.map((t) => [t, '500']) }]
          : []
      return new Response(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }))
    }) as unknown as typeof fetch
    const fleet = new FleetService(ctx.settings, ctx.dataPacks, fetchFn)
    const sinceMs = Date.parse('2026-11-18T00:00:00Z')
    const report = await fleet.report({ sinceMs, untilMs: sinceMs + 3_600_000, prometheus: 'http://prom:9090', stepS: 60 })
    const counter = asked.find((a) => a.query === 'wattprint_energy_joules_total')
    const power = asked.find((a) => a.query === 'avg_over_time(DCGM_FI_DEV_POWER_USAGE[120s])')
    expect(counter).toMatchObject({ start: sinceMs / 1000, end: sinceMs / 1000 + 3600, step: '60s' })
    expect(power).toMatchObject({ start: sinceMs / 1000 + 60, end: sinceMs / 1000 + 3600 })
    // 200 W for the hour through the counter; 500 W × 60 points × 60 s through the power gauge.
    expect(report.machines.map((m) => [m.machine, m.energyJ])).toEqual([
      ['dgx', 500 * 60 * 60],
      ['ws', 200 * 3600],
    ])
    expect(report.report.energyJ).toBe(500 * 3600 + 200 * 3600)
    expect(report.report.devices.map((d) => [d.deviceId, d.method, d.source]).sort()).toEqual([
      ['dgx/GPU-9', 'sampled-power', 'nvml'],
      ['ws/GPU-1', 'counter', 'nvml'],
    ])
    expect(report.report.footprint.grid?.id).toBe('grid:ember:FRA')
    // A time-of-use tariff prices the fleet's energy by local hour too.
    await ctx.settings.update({
      currency: 'EUR',
      tariff: { kind: 'time-of-use', peakPricePerKWh: 0.3, offPeakPricePerKWh: 0.1, peakStartHour: 0, peakEndHour: 24 },
    })
    const priced = await fleet.report({ sinceMs, untilMs: sinceMs + 3_600_000, prometheus: 'http://prom:9090', stepS: 60 })
    expect(priced.report.footprint.cost).toBeCloseTo(((500 * 3600 + 200 * 3600) / 3.6e6) * 0.3, 6)
  })
})
