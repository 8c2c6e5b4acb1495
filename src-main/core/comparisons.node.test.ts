import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Range } from '../contract/footprint.ts'
import { compareWithInference, compareWithTraining, equivalences, runEnergyKWh, type UsagePeriod } from './comparisons.ts'
import { bundledDataPack } from './data-pack.ts'

const pack = bundledDataPack()
const DAY_S = 86_400

/** A usage with its range, and the same usage with a range inside it (a narrower input). */
const usages = fc
  .tuple(
    fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
    fc.double({ min: 0, max: 0.5, noNaN: true }),
    fc.double({ min: 0, max: 0.5, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 10, max: 900, noNaN: true }),
    fc.integer({ min: 1, max: 3650 }),
  )
  .map(([kWh, down, up, narrow, grid, days]) => {
    const wide: Range = [kWh * (1 - down), kWh * (1 + up)]
    const tight: Range = [kWh * (1 - down * narrow), kWh * (1 + up * narrow)]
    const of = (r: Range): UsagePeriod => ({
      energyKWh: kWh,
      energyRangeKWh: r,
      co2eKg: (kWh * grid) / 1000,
      co2eRangeKg: [(r[0] * grid) / 1000, (r[1] * grid) / 1000],
      durationS: days * DAY_S,
    })
    return { wide: of(wide), tight: of(tight) }
  })

const inside = (value: number | null, range: Range | null): void => {
  if (value === null) return
  expect(range).not.toBeNull()
  const [low, high] = range ?? [0, 0]
  const slack = 1e-9 * Math.max(1, Math.abs(value))
  expect(low).toBeLessThanOrEqual(value + slack)
  expect(high).toBeGreaterThanOrEqual(value - slack)
}
const within = (inner: Range | null, outer: Range | null): void => {
  if (inner === null || outer === null) return
  expect(inner[0]).toBeGreaterThanOrEqual(outer[0] * (1 - 1e-9))
  expect(inner[1]).toBeLessThanOrEqual(outer[1] * (1 + 1e-9))
}

describe('comparisons with ranges', () => {
  it('keeps every central figure inside its range, and a narrower usage never widens one', () => {
    fc.assert(
      fc.property(usages, ({ wide, tight }) => {
        for (const run of pack.trainingRuns) {
          const w = compareWithTraining(wide, run)
          const t = compareWithTraining(tight, run)
          inside(w.energyRatio, w.energyRatioRange)
          inside(w.co2eRatio, w.co2eRatioRange)
          inside(w.yearsToEqual, w.yearsToEqualRange)
          within(t.energyRatioRange, w.energyRatioRange)
          within(t.yearsToEqualRange, w.yearsToEqualRange)
          within(t.co2eRatioRange, w.co2eRatioRange)
        }
        for (const figure of pack.inference) {
          const w = compareWithInference(wide, figure)
          inside(w.equivalentCount, w.equivalentCountRange)
          within(compareWithInference(tight, figure).equivalentCountRange, w.equivalentCountRange)
        }
        const tightEq = equivalences(tight, pack.factors)
        equivalences(wide, pack.factors).forEach((e, i) => {
          inside(e.amount, e.amountRange)
          within(tightEq[i]?.amountRange ?? null, e.amountRange)
        })
      }),
      { numRuns: 200 },
    )
  })

  it('gives GPT-3 at a steady 1 kWh a day its years with both ends', () => {
    const gpt3 = pack.trainingRuns.find((r) => r.id === 'gpt3-patterson2021')
    if (!gpt3) throw new Error('GPT-3 is in the data pack')
    const c = compareWithTraining({ energyKWh: 30, energyRangeKWh: [27, 33], co2eKg: null, co2eRangeKg: null, durationS: 30 * DAY_S }, gpt3)
    // 1,287 MWh at 1 kWh a day: 1,287,000 days = 3,524 years; ±10 % on your energy gives 3,203-3,915.
    expect(c.yearsToEqual).toBeCloseTo(1_287_000 / 365.25, 6)
    expect(c.yearsToEqualRange?.[0]).toBeCloseTo(1_287_000 / 365.25 / 1.1, 6)
    expect(c.yearsToEqualRange?.[1]).toBeCloseTo(1_287_000 / 365.25 / 0.9, 6)
    expect(c.co2eRatio).toBeNull()
  })

  it('says a run derived without a published PUE may have drawn up to a data centre’s PUE more', () => {
    const derived = pack.trainingRuns.find((r) => r.energyMWh === null && r.gpuHours !== null && r.powerPerAcceleratorW !== null && r.pue === null)
    if (!derived) return
    const e = runEnergyKWh(derived)
    expect(e?.range[0]).toBe(e?.energyKWh)
    expect(e?.range[1]).toBeCloseTo((e?.energyKWh ?? 0) * 1.58, 6)
    expect(e?.how).toMatch(/no PUE published/)
  })

  it('gives no upper bound on the years when nothing may have been used', () => {
    const gpt3 = pack.trainingRuns.find((r) => r.id === 'gpt3-patterson2021')
    if (!gpt3) throw new Error('GPT-3 is in the data pack')
    const c = compareWithTraining({ energyKWh: 1, energyRangeKWh: [0, 2], co2eKg: null, co2eRangeKg: null, durationS: DAY_S }, gpt3)
    expect(c.yearsToEqual).not.toBeNull()
    expect(c.yearsToEqualRange).toBeNull()
  })
})
