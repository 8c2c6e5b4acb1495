import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import fc from 'fast-check'
import { readFixture, DEMO_TRACE, tempDir } from '../../test/helpers.ts'
import { BOUNDS } from '../contract/bounds.ts'
import { invokeChannels, type InvokeChannel } from '../contract/channels.ts'
import { WattprintError } from '../contract/errors.ts'
import { createContext, type AppContext } from './context.ts'
import { dispatch } from './dispatch.ts'

// Every figure the API returns must be what its schema promises: a finite number where a number
// is promised (JSON turns NaN and Infinity into null), whatever valid request comes in. Requests
// are generated across the whole range the contract accepts, extremes included.

let service: AppContext
beforeAll(() => {
  service = createContext({
    dbPath: join(tempDir(), 'numbers.db'),
    host: 'headless',
    version: 'test',
    demoTraceFile: DEMO_TRACE,
    locale: 'en-US',
    clock: { nowMs: () => Date.UTC(2026, 10, 30, 12) },
  })
  service.imports.nvidiaSmiCsv(readFixture('nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv'), 'a100.csv', 'UTC')
})
afterAll(async () => service.close())

const pack = (): ReturnType<AppContext['dataPacks']['pack']> => service.dataPacks.pack()
const hardwareIds = (): string[] => pack().hardware.map((h) => h.id)
const runIds = (): string[] => pack().trainingRuns.map((r) => r.id)

/** Numbers from tiny to the bound, log-spread, plus the bound itself. */
const upTo = (max: number, min = 1e-9): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constant(max),
    fc.constant(min),
    fc.double({ min: Math.log10(min), max: Math.log10(max), noNaN: true }).map((e) => Math.min(max, Math.max(min, 10 ** e))),
  )
const grid = fc.record({ gridGCo2ePerKWh: fc.option(fc.double({ min: 0, max: 2000, noNaN: true }), { nil: undefined }) }, { requiredKeys: [] })
const epoch = fc.integer({ min: 0, max: BOUNDS.epochMs })

async function checkResponse(channel: InvokeChannel, request: unknown): Promise<void> {
  let result: unknown
  try {
    result = await dispatch(service, channel, request)
  } catch (error) {
    // A refusal naming what was wrong is a fine answer; anything else is a defect.
    if (error instanceof WattprintError && error.kind === 'bad-input') return
    throw error
  }
  const parsed = invokeChannels[channel].response.safeParse(result)
  expect(parsed.success, `${channel} ${JSON.stringify(request).slice(0, 300)} → ${parsed.error?.message.slice(0, 400)}`).toBe(true)
  // And nothing that JSON would turn into null.
  expect(JSON.stringify(result)).toBe(JSON.stringify(JSON.parse(JSON.stringify(result))))
  const nonFinite: string[] = []
  JSON.stringify(result, (key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) nonFinite.push(key)
    return value
  })
  expect(nonFinite, `${channel} ${JSON.stringify(request).slice(0, 300)}`).toEqual([])
}

const RUNS = Number(process.env.WATTPRINT_PROPERTY_RUNS ?? 300)

describe('no output is NaN, Infinity or a null where a number is promised', () => {
  it('estimate:training, over the whole accepted range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ gpuHours: upTo(BOUNDS.gpuHours) }),
          fc.record({
            paramsB: upTo(BOUNDS.paramsB),
            tokensB: upTo(BOUNDS.tokensB),
            mfu: fc.option(fc.double({ min: 1e-6, max: 1, noNaN: true }), { nil: undefined }),
          }),
        ),
        fc.constantFrom(...hardwareIds()),
        fc.option(fc.double({ min: 1, max: 3, noNaN: true }), { nil: undefined }),
        grid,
        async (work, hardwareId, pue, g) => checkResponse('estimate:training', strip({ ...work, hardwareId, pue, ...g })),
      ),
      { numRuns: RUNS },
    )
  })

  it('estimate:finetune', async () => {
    await fc.assert(
      fc.asyncProperty(
        upTo(BOUNDS.paramsB),
        upTo(BOUNDS.tokensB),
        upTo(BOUNDS.tokensB),
        fc.constantFrom('full', 'lora', 'qlora'),
        fc.constantFrom(...hardwareIds()),
        grid,
        async (paramsB, tokensB, pretrainTokensB, method, hardwareId, g) =>
          checkResponse('estimate:finetune', strip({ paramsB, tokensB, pretrainTokensB, method, hardwareId, ...g })),
      ),
      { numRuns: RUNS },
    )
  })

  it('estimate:inference, measured and modelled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ energyJ: upTo(BOUNDS.energyJ), tokens: upTo(BOUNDS.tokens, 1) }),
          fc.record({
            paramsB: upTo(BOUNDS.paramsB),
            bitsPerWeight: fc.double({ min: 1, max: 32, noNaN: true }),
            hardwareId: fc.constantFrom(...hardwareIds()),
          }),
        ),
        grid,
        async (work, g) => checkResponse('estimate:inference', strip({ ...work, ...g })),
      ),
      { numRuns: RUNS },
    )
  })

  it('compare:period, report:range and history:query over any period', async () => {
    await fc.assert(
      fc.asyncProperty(epoch, epoch, fc.integer({ min: 1, max: 1e15 }), async (a, b, queries) => {
        const [sinceMs, untilMs] = a < b ? [a, b] : [b, a + 1]
        await checkResponse('compare:period', { sinceMs, untilMs: Math.min(untilMs, BOUNDS.epochMs), queries })
        await checkResponse('report:range', { sinceMs, untilMs: Math.min(untilMs, BOUNDS.epochMs) })
        await checkResponse('history:query', { sinceMs, untilMs: Math.min(untilMs, sinceMs + 30 * 86_400_000), bucket: 'day', withPrevious: true })
      }),
      { numRuns: 100 },
    )
  })

  it('scenario:run with every baseline and lever', async () => {
    const lever = fc.oneof(
      fc.record({ type: fc.constant('distillation'), teacherParamsB: upTo(BOUNDS.paramsB), studentParamsB: upTo(BOUNDS.paramsB) }),
      fc.record({
        type: fc.constant('quantization'),
        fromBits: fc.double({ min: 1, max: 32, noNaN: true }),
        toBits: fc.double({ min: 1, max: 32, noNaN: true }),
      }),
      fc.record({
        type: fc.constant('finetune-instead-of-pretrain'),
        paramsB: upTo(BOUNDS.paramsB),
        finetuneTokensB: upTo(BOUNDS.tokensB),
        pretrainTokensB: upTo(BOUNDS.tokensB),
        method: fc.constantFrom('full', 'lora', 'qlora'),
      }),
      fc.record({ type: fc.constant('pue'), pue: fc.double({ min: 1, max: 3, noNaN: true }) }),
      fc.record({ type: fc.constant('grid'), countryIso3: fc.constantFrom('FRA', 'POL', 'NOR', 'USA', 'WORLD') }),
      fc.record({ type: fc.constant('renewable-share'), percent: fc.double({ min: 0, max: 100, noNaN: true }) }),
      fc.record({ type: fc.constant('hardware'), fromId: fc.constantFrom(...hardwareIds()), toId: fc.constantFrom(...hardwareIds()) }),
      fc.record({ type: fc.constant('time-shift'), gCo2ePerKWh: fc.double({ min: 0, max: 2000, noNaN: true }) }),
      fc.record({ type: fc.constant('location'), to: fc.constantFrom('local', 'cloud') }),
    )
    const baseline = fc.oneof(
      fc.record({ kind: fc.constant('energy'), itEnergyKWh: fc.oneof(fc.constant(0), upTo(BOUNDS.energyKWh)) }),
      fc.record({ kind: fc.constant('training-run'), runId: fc.constantFrom(...runIds()) }),
      fc.record({ kind: fc.constant('measured'), since: fc.constant('2023-07-14'), until: fc.constant('2023-07-15') }),
      fc.record({
        kind: fc.constant('finetune'),
        paramsB: upTo(BOUNDS.paramsB),
        tokensB: upTo(BOUNDS.tokensB),
        method: fc.constantFrom('full', 'lora', 'qlora'),
        hardwareId: fc.constantFrom(...hardwareIds()),
      }),
      fc.record({
        kind: fc.constant('inference'),
        tokens: upTo(BOUNDS.tokens, 1),
        paramsB: upTo(BOUNDS.paramsB),
        bitsPerWeight: fc.double({ min: 1, max: 32, noNaN: true }),
        hardwareId: fc.constantFrom(...hardwareIds()),
      }),
    )
    const site = fc.record({
      countryIso3: fc.constantFrom('FRA', 'USA', 'WORLD'),
      pue: fc.double({ min: 1, max: 3, noNaN: true }),
      wueLPerKWh: fc.double({ min: 0, max: 20, noNaN: true }),
      pricePerKWh: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
    })
    await fc.assert(
      fc.asyncProperty(baseline, site, fc.array(fc.array(lever, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }), async (b, s, variants) =>
        checkResponse('scenario:run', { name: 'generated', baseline: b, site: s, variants: variants.map((levers, i) => ({ name: `v${i}`, levers })) }),
      ),
      { numRuns: RUNS },
    )
  })
})

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}
