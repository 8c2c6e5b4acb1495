import { describe, expect, it } from 'vitest'
import { energyInWindow, measuredInWindow, summarise, windowCovered } from './model-measure.ts'

const exact = { id: 'exact', label: 'exact', value: 1, unit: '×', year: null, origin: 'assumption' as const, source: null }
const fivePct = { ...exact, id: 'five', low: 0.95, high: 1.05 }

describe('energy in a window', () => {
  it('takes whole intervals inside and the overlapping share of those at the edges', () => {
    // 1 s intervals of 100 J ending at 1000, 2000, 3000 ms.
    const iv = [1000, 2000, 3000].map((endMonoMs) => ({ deviceId: 'g', endMonoMs, durationS: 1, energyJ: 100 }))
    expect(energyInWindow(iv, 500, 2500)).toBeCloseTo(200, 9)
    expect(energyInWindow(iv, 0, 3000)).toBeCloseTo(300, 9)
    expect(energyInWindow(iv, 3000, 4000)).toBe(0)
    expect(energyInWindow(iv, 0, 3000, new Set(['other']))).toBe(0)
    expect(windowCovered(iv, 2999, new Set(['g']))).toBe(true)
    expect(windowCovered(iv, 3001, new Set(['g']))).toBe(false)
  })

  it('says how much of the window readings cover, so idle is charged only for measured time', () => {
    const iv = [1000, 2000, 3000].map((endMonoMs) => ({ deviceId: 'g', endMonoMs, durationS: 1, energyJ: 100 }))
    // The window runs 1.5 s past the last reading: 2.5 s covered of 4 s.
    expect(measuredInWindow(iv, 500, 4500)).toEqual({ energyJ: 250, coveredS: 2.5 })
    expect(measuredInWindow(iv, 3000, 4000)).toEqual({ energyJ: 0, coveredS: 0 })
  })
})

describe('summarise a measurement', () => {
  it('gives Wh per 1,000 output tokens above idle, with the spread of responses widened by the factor', () => {
    // Idle 30 W. Two responses of 10 s at 230 W (2,300 J): 2,000 J above idle each, 500 and 400 tokens.
    const s = summarise(
      [
        { promptTokens: 50, outputTokens: 500, durationS: 10, promptMs: 1000, generationMs: 9000, energyJ: 2300 },
        { promptTokens: 50, outputTokens: 400, durationS: 10, promptMs: 1000, generationMs: 9000, energyJ: 2300 },
      ],
      30,
      fivePct,
    )
    expect(s.energyAboveIdleJ).toBe(4000)
    expect(s.whPer1kTokens.value).toBeCloseTo((4000 / 900) * (1000 / 3600), 12)
    expect(s.whPer1kTokens.low).toBeCloseTo((2000 / 500) * (1000 / 3600) * 0.95, 12)
    expect(s.whPer1kTokens.high).toBeCloseTo((2000 / 400) * (1000 / 3600) * 1.05, 12)
    expect(s.whPerResponse.value).toBeCloseTo(2000 / 3600, 12)
    expect(s.split?.promptJ).toBeCloseTo(400, 9)
    expect(s.split?.generationJ).toBeCloseTo(3600, 9)
    expect(s.tokensPerS).toBeCloseTo(900 / 18, 9)
  })

  it('never counts below idle, and gives no split without the server’s timings', () => {
    const s = summarise([{ promptTokens: null, outputTokens: 100, durationS: 2, promptMs: null, generationMs: null, energyJ: 40 }], 30, exact)
    expect(s.energyAboveIdleJ).toBe(0)
    expect(s.split).toBeNull()
    expect(s.tokensPerS).toBeNull()
  })
})
