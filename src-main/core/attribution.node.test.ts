import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IDLE_APP, splitInterval, UNATTRIBUTED_APP } from './attribution.ts'

const byApp = (split: ReturnType<typeof splitInterval>): Record<string, number> => Object.fromEntries(split.apps.map((a) => [a.app, a.energyJ]))

describe('splitInterval (Kepler’s recipe: idle apart, active by SM use)', () => {
  it('keeps the idle power × time as idle and shares the rest by SM utilisation', () => {
    // 300 J in 1 s with a 30 W idle: 270 J active, ollama 90 % SM, a game 10 %.
    const split = splitInterval(300, 1, 30, [
      { app: 'ollama', smPct: 90, memUsedB: 8e9 },
      { app: 'games-graphics', smPct: 10, memUsedB: 1e9 },
    ])
    expect(split.method).toBe('sm-utilisation')
    expect(byApp(split)).toEqual({ [IDLE_APP]: 30, ollama: 243, 'games-graphics': 27 })
  })

  it('falls back to memory share when no process has an SM figure, and says so', () => {
    const split = splitInterval(130, 1, 30, [
      { app: 'ollama', smPct: null, memUsedB: 3e9 },
      { app: 'comfyui', smPct: null, memUsedB: 1e9 },
    ])
    expect(split.method).toBe('memory-share')
    expect(byApp(split)).toEqual({ [IDLE_APP]: 30, ollama: 75, comfyui: 25 })
  })

  it('leaves active energy unattributed when there is nothing to share it by, never guessing', () => {
    expect(byApp(splitInterval(100, 1, 20, []))).toEqual({ [IDLE_APP]: 20, [UNATTRIBUTED_APP]: 80 })
    expect(splitInterval(100, 1, 20, [{ app: 'ollama', smPct: null, memUsedB: null }]).method).toBe('none')
  })

  it('gives everything to idle when the device drew no more than its idle power', () => {
    expect(byApp(splitInterval(15, 1, 20, [{ app: 'ollama', smPct: 50, memUsedB: 1 }]))).toEqual({ [IDLE_APP]: 15 })
  })

  it('adds processes of the same app together', () => {
    expect(
      byApp(
        splitInterval(100, 1, null, [
          { app: 'pytorch', smPct: 30, memUsedB: null },
          { app: 'pytorch', smPct: 30, memUsedB: null },
          { app: 'other', smPct: 40, memUsedB: null },
        ]),
      ),
    ).toEqual({ pytorch: 60, other: 40 })
  })

  it('property: the parts sum to the interval’s energy and none is negative', () => {
    const proc = fc.record({
      app: fc.constantFrom('ollama', 'comfyui', 'other', 'games-graphics'),
      smPct: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
      memUsedB: fc.option(fc.double({ min: 0, max: 1e11, noNaN: true })),
    })
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0.001, max: 60, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 1000, noNaN: true })),
        fc.array(proc, { maxLength: 8 }),
        (energyJ, durationS, idleW, processes) => {
          const split = splitInterval(energyJ, durationS, idleW, processes)
          const sum = split.apps.reduce((s, a) => s + a.energyJ, 0)
          expect(Math.abs(sum - energyJ)).toBeLessThanOrEqual(1e-9 * Math.max(1, energyJ))
          expect(split.apps.every((a) => a.energyJ >= 0)).toBe(true)
        },
      ),
    )
  })
})
