import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { defined, DEMO_TRACE, tempDir, useFakeNvidiaSmi, waitFor } from '../../test/helpers.ts'
import { invokeChannelNames } from '../contract/channels.ts'
import { WattprintError } from '../contract/errors.ts'
import type { Report } from '../contract/footprint.ts'
import { createContext, type AppContext } from './context.ts'
import { dispatch, handlers } from './dispatch.ts'

let service: AppContext | null = null
let restore: (() => void) | null = null
afterEach(async () => {
  await service?.close()
  service = null
  restore?.()
  restore = null
})

function open(speed = '20'): AppContext {
  restore = useFakeNvidiaSmi({ WATTPRINT_FAKE_SMI_SPEED: speed })
  service = createContext({
    dbPath: join(tempDir(), 'api.db'),
    host: 'headless',
    version: 'test',
    source: { kind: 'nvidia-smi' },
    demoTraceFile: DEMO_TRACE,
    locale: 'fr-FR',
    flushIntervalMs: 200,
    demoSpeed: 20,
  })
  service.start()
  return service
}

async function rejection(promise: Promise<unknown>): Promise<WattprintError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WattprintError) return error
    throw error
  }
  throw new Error('expected a rejection')
}

describe('the API contract, as both transports call it', () => {
  it('has exactly one handler per channel', () => {
    expect(Object.keys(handlers).sort()).toEqual([...invokeChannelNames].sort())
  })

  it('refuses unknown channels and malformed requests, naming the field', async () => {
    const s = open()
    expect((await rejection(dispatch(s, 'fs:readFile', {}))).kind).toBe('not-found')
    expect((await rejection(dispatch(s, 42, {}))).kind).toBe('not-found')
    expect((await rejection(dispatch(s, 'constructor', {}))).kind).toBe('not-found')
    expect((await rejection(dispatch(s, '__proto__', {}))).kind).toBe('not-found')
    const bad = await rejection(dispatch(s, 'telemetry:recent', { windowS: 1e9 }))
    expect(bad.kind).toBe('bad-input')
    expect(bad.message).toMatch(/field "windowS"/)
    expect((await rejection(dispatch(s, 'telemetry:recent', { windowS: '600' }))).message).toMatch(/windowS/)
    expect((await rejection(dispatch(s, 'telemetry:status', { extra: 1 }))).message).toMatch(/extra/)
    expect((await rejection(dispatch(s, 'settings:update', JSON.parse('{"__proto__": {"polluted": true}}')))).kind).toBe('bad-input')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((await rejection(dispatch(s, 'report:range', { sinceMs: 10, untilMs: 5 }))).message).toMatch(/untilMs/)
    expect((await rejection(dispatch(s, 'settings:update', { countryIso3: 'France' }))).message).toMatch(/countryIso3/)
  })

  it("records live GPU power from nvidia-smi into today's report, with the grid factor's source", async () => {
    const s = open()
    await waitFor(() => s.telemetryStatus().latest.length > 0, 'a live reading')
    await new Promise((r) => setTimeout(r, 1500))
    const today = (await dispatch(s, 'summary:today', {})) as Report
    expect(today.demo).toBe(false)
    expect(today.samples).toBeGreaterThan(5)
    expect(today.energyJ).toBeGreaterThan(0)
    expect(today.footprint.grid?.id).toBe('grid:ember:FRA')
    expect(today.footprint.grid?.source?.url).toMatch(/^https:/)
    expect(today.footprint.cost).toBeNull()
    await dispatch(s, 'settings:update', { pricePerKWh: 0.25, currency: 'EUR' })
    const priced = (await dispatch(s, 'summary:today', {})) as typeof today
    expect(priced.footprint.cost).toBeGreaterThan(0)
    expect(priced.footprint.price?.origin).toBe('user')
    // A time-of-use tariff prices each local hour's energy; with one price for every hour it equals that price.
    await dispatch(s, 'settings:update', { tariff: { kind: 'time-of-use', peakPricePerKWh: 0.5, offPeakPricePerKWh: 0.5, peakStartHour: 7, peakEndHour: 23 } })
    const tou = (await dispatch(s, 'summary:today', {})) as typeof today
    expect(tou.footprint.price?.id).toBe('price:time-of-use')
    expect(tou.footprint.price?.value).toBeCloseTo(0.5, 12)
    expect((await rejection(dispatch(s, 'settings:update', { tariff: { kind: 'time-of-use', peakPricePerKWh: 0.5 } }))).message).toMatch(
      /tariff\.offPeakPricePerKWh/,
    )
  })

  it('keeps the demo out of the real history', async () => {
    const s = open()
    await dispatch(s, 'demo:start', {})
    await waitFor(() => s.telemetryStatus().demo && s.telemetryStatus().latest.length > 0, 'demo readings')
    await new Promise((r) => setTimeout(r, 1200))
    const demoToday = (await dispatch(s, 'summary:today', {})) as Report
    expect(demoToday.demo).toBe(true)
    expect(demoToday.devices.map((d) => d.deviceId)).toEqual(['demo:0'])
    await dispatch(s, 'demo:stop', {})
    const real = s.reports.report(0, Date.now() + 1)
    expect(real.devices.some((d) => d.deviceId.startsWith('demo'))).toBe(false)
  })

  it('serves estimates, comparisons, scenarios and the data pack over the same contract', async () => {
    const s = open()
    const training = (await dispatch(s, 'estimate:training', { gpuHours: 1000, hardwareId: 'nvidia-rtx-4090', countryIso3: 'FRA' })) as {
      energyMWh: number
      carbon: { grid: { id: string } }
    }
    // A GeForce card is a home PC: PUE 1 and the power supply's loss (80 PLUS Gold at half load), not a data centre's PUE.
    const psu = s.dataPacks.pack().factors.find((f) => f.id === 'psu-efficiency-80plus')?.value ?? NaN
    expect(training.energyMWh).toBeCloseTo((1000 * 450) / psu / 1e6, 9)
    expect((await dispatch(s, 'estimate:training', { gpuHours: 1000, hardwareId: 'nvidia-h100-sxm5' })) as { profile: string }).toMatchObject({
      profile: 'data-centre',
      energyMWh: (1000 * 700 * 1.1) / 1e6,
    })
    expect(training.carbon.grid.id).toBe('grid:ember:FRA')
    expect((await rejection(dispatch(s, 'estimate:training', { hardwareId: 'nvidia-rtx-4090' }))).message).toMatch(/gpuHours/)
    expect((await rejection(dispatch(s, 'estimate:training', { gpuHours: 1, hardwareId: 'abacus' }))).message).toMatch(/unknown hardware "abacus"/)
    const info = (await dispatch(s, 'app:info', {})) as { dataPack: { version: string; date: string } }
    expect(info.dataPack.version).toMatch(/^\d+\.\d+\.\d+$/)
    const compare = (await dispatch(s, 'compare:period', { sinceMs: 0, untilMs: Date.now() + 1000 })) as { training: unknown[]; queries: number }
    expect(compare.training.length).toBeGreaterThan(15)
    expect(compare.queries).toBe(1e9)
    const scenario = (await dispatch(s, 'scenario:run', {
      name: 'x',
      baseline: { kind: 'energy', itEnergyKWh: 10 },
      site: { countryIso3: 'FRA' },
      variants: [{ name: 'cloud', levers: [{ type: 'location', to: 'cloud' }] }],
    })) as { variants: { outcome: { energyKWh: number } }[] }
    // In the cloud: batched serving (÷ ML.ENERGY's batching gain) in a hyperscale data centre (× Google's fleet PUE).
    const factor = (id: string): number => s.dataPacks.pack().factors.find((f) => f.id === id)?.value ?? NaN
    expect(scenario.variants[0]?.outcome.energyKWh).toBeCloseTo((10 / factor('inference-batching-gain')) * factor('pue-google-fleet-2023'), 9)
    expect(
      (
        await rejection(
          dispatch(s, 'scenario:run', { name: 'x', baseline: { kind: 'training-run', runId: 'gpt-5' }, site: { countryIso3: 'FRA' }, variants: [] }),
        )
      ).message,
    ).toMatch(/unknown training run "gpt-5"/)
    const packs = (await dispatch(s, 'data:status', {})) as { origin: string }
    expect(packs.origin).toBe('bundled')
    expect((await rejection(dispatch(s, 'data:import', { json: '{}' }))).kind).toBe('bad-input')
  })

  it('gives a fine-tune on a home GPU the same energy in the CLI’s estimate and the What-if’s baseline', async () => {
    const s = open()
    const job = { paramsB: 8, tokensB: 0.1, method: 'lora', hardwareId: 'nvidia-rtx-4090' } as const
    const estimate = (await dispatch(s, 'estimate:finetune', { ...job, pretrainTokensB: 15_000, countryIso3: 'FRA' })) as {
      finetune: { energyMWh: number; energyRangeMWh: [number, number]; profile: string }
    }
    const scenario = (await dispatch(s, 'scenario:run', { name: 'x', baseline: { kind: 'finetune', ...job }, site: { countryIso3: 'FRA' }, variants: [] })) as {
      baseline: { outcome: { energyKWh: number; range: { energyKWh: [number, number] } }; profile: string }
    }
    expect(estimate.finetune.profile).toBe('home')
    expect(scenario.baseline.profile).toBe('home')
    expect(scenario.baseline.outcome.energyKWh).toBeCloseTo(estimate.finetune.energyMWh * 1000, 9)
    expect(scenario.baseline.outcome.range.energyKWh[0]).toBeCloseTo(estimate.finetune.energyRangeMWh[0] * 1000, 9)
    expect(scenario.baseline.outcome.range.energyKWh[1]).toBeCloseTo(estimate.finetune.energyRangeMWh[1] * 1000, 9)
  })

  it('applies a new sampling interval without a restart', async () => {
    const s = open()
    await waitFor(() => s.telemetryStatus().sources.some((x) => x.state === 'ok'), 'live source')
    const settings = (await dispatch(s, 'settings:update', { sampleIntervalMs: 500 })) as { sampleIntervalMs: number }
    expect(settings.sampleIntervalMs).toBe(500)
    await waitFor(() => s.telemetryStatus().sources.some((x) => x.state === 'ok'), 'the source back after the restart')
  })
})

describe('devices, the whole PC and Wattprint’s own cost (issue 9)', () => {
  it('reports each device with its method, source, range and measurement factor', async () => {
    const s = open()
    await waitFor(() => s.telemetryStatus().sources.some((x) => x.state === 'ok'), 'live source')
    await waitFor(() => s.telemetryStatus().latest.length > 0, 'a reading')
    await new Promise((r) => setTimeout(r, 600))
    const report = (await dispatch(s, 'summary:today', {})) as Report
    const gpu = report.devices[0]
    expect(gpu).toMatchObject({ domain: 'gpu', source: 'nvidia-smi', method: 'sampled-power', measurementIds: ['measurement-nvml-power'] })
    expect(gpu?.energyRangeKWh[0]).toBeLessThan(gpu?.energyRangeKWh[1] ?? 0)
    expect(report.footprint.method).toBe('sampled-power')
    expect(report.footprint.parts.map((p) => p.measurement.id)).toEqual(['measurement-nvml-power'])
    // No rest of the PC set: no whole-PC figure rather than a guess.
    expect(report.wholePc).toBeNull()
  })

  it('calibrates the rest of the PC from a wall meter, refuses a reading below the parts, and adds it to the whole-PC figure', async () => {
    const s = open()
    await waitFor(() => s.telemetryStatus().latest.some((x) => x.powerW !== null), 'a power reading')
    const below = await rejection(dispatch(s, 'settings:calibrate', { wallW: 1 }))
    expect(below).toMatchObject({ kind: 'bad-input', code: 'calibrate.meter-below-parts', field: 'wallW' })
    const settings = (await dispatch(s, 'settings:calibrate', { wallW: 500, psuEfficiency: 0.88 })) as {
      restOfSystemW: number
      psuEfficiency: number
      restOfSystemFrom: { kind: string; wallW: number; measuredW: number }
    }
    expect(settings.restOfSystemFrom).toMatchObject({ kind: 'wall-meter', wallW: 500 })
    expect(settings.psuEfficiency).toBe(0.88)
    expect(settings.restOfSystemW).toBeCloseTo(500 * 0.88 - settings.restOfSystemFrom.measuredW, 0)
    await new Promise((r) => setTimeout(r, 600))
    const report = (await dispatch(s, 'summary:today', {})) as Report
    const whole = report.wholePc
    expect(whole).not.toBeNull()
    expect(whole?.measuredJ).toBeCloseTo(report.energyJ, 6)
    expect(whole?.restOfSystemJ).toBeCloseTo(settings.restOfSystemW * (whole?.coveredS ?? 0), 6)
    expect(whole?.psuLossJ).toBeCloseTo(((whole?.measuredJ ?? 0) + (whole?.restOfSystemJ ?? 0)) * (1 / 0.88 - 1), 6)
    expect(whole?.footprint.method).toBe('mixed')
    expect(whole?.footprint.parts.filter((p) => p.method === 'estimated').map((p) => p.measurement.id)).toEqual(['rest-of-system', 'psu-loss'])
  })

  it('refuses to calibrate against the demo (its numbers are not this PC’s)', async () => {
    const s = open()
    await dispatch(s, 'demo:start', {})
    await waitFor(() => s.telemetryStatus().demo, 'the demo')
    expect(await rejection(dispatch(s, 'settings:calibrate', { wallW: 300 }))).toMatchObject({ code: 'calibrate.no-live-power' })
  })

  it('pauses recording and resumes it: the paused time is a gap in the history, neither zero watts nor bridged', async () => {
    const s = open()
    await waitFor(() => s.telemetryStatus().latest.length > 0, 'a live reading')
    const paused = (await dispatch(s, 'recording:pause', {})) as ReturnType<AppContext['telemetryStatus']>
    const sinceMs = defined(paused.paused, 'paused').sinceMs
    expect(paused.latest).toEqual([])
    const before = s.reports.report(0, sinceMs + 1).samples
    await new Promise((r) => setTimeout(r, 1200))
    // Nothing was read meanwhile, and a second pause changes nothing.
    expect(s.reports.report(0, Date.now()).samples).toBe(before)
    expect(((await dispatch(s, 'recording:pause', {})) as typeof paused).paused?.sinceMs).toBe(sinceMs)
    const resumedMs = Date.now()
    expect(((await dispatch(s, 'recording:resume', {})) as typeof paused).paused).toBeNull()
    await waitFor(() => s.reports.report(resumedMs, Date.now() + 1).samples > 2, 'readings after the resume')
    const gap = s.reports.report(sinceMs + 1, resumedMs)
    expect(gap.samples).toBe(0)
    expect(gap.energyJ).toBe(0)
    // The first interval after the resume starts at its first reading: none reaches back into the pause.
    expect(s.reports.report(0, Date.now() + 1).energyJ).toBeCloseTo(
      s.reports.report(0, sinceMs + 1).energyJ + s.reports.report(resumedMs, Date.now() + 1).energyJ,
      6,
    )
  })

  it('looks for sources again on request, and says what Wattprint itself costs', async () => {
    const s = open()
    await waitFor(() => s.telemetryStatus().sources.some((x) => x.state === 'ok'), 'live source')
    const status = (await dispatch(s, 'telemetry:reprobe', {})) as ReturnType<AppContext['telemetryStatus']>
    expect(status.sources.map((x) => x.sourceId)).toContain('nvidia-smi')
    await waitFor(() => s.telemetryStatus().sources.some((x) => x.state === 'ok'), 'live again after the reprobe')
    expect(status.self).toMatchObject({ method: 'estimated', cpuPowerMeasured: false, powerW: null })
    expect(status.self.cpuSeconds).toBeGreaterThan(0)
  })
})
