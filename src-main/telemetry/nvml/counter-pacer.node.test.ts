import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CounterPacer, counterEveryReads } from './counter-pacer.ts'

/** Polls a pacer once a second over a GPU whose true power is `powersW` (one per second), its counter the exact integral. */
function run(pacer: CounterPacer, powersW: readonly number[], startJ = 1000): { wanted: boolean[]; emitted: (number | null)[]; trueJ: number[] } {
  const wanted: boolean[] = []
  const emitted: (number | null)[] = []
  const trueJ: number[] = []
  let counterJ = startJ
  powersW.forEach((powerW, i) => {
    if (i > 0) counterJ += (((powersW[i - 1] ?? 0) + powerW) / 2) * 1
    const wallMs = i * 1000
    const wants = pacer.wantsCounter(wallMs)
    wanted.push(wants)
    emitted.push(pacer.next(wallMs, powerW, wants ? counterJ : null))
    trueJ.push(counterJ)
  })
  return { wanted, emitted, trueJ }
}

describe('CounterPacer: the energy counter every N polls, sampled power between', () => {
  it('reads the counter on the first poll and then one poll in N', () => {
    const { wanted } = run(new CounterPacer(10, 5000), Array(25).fill(100))
    expect(wanted.flatMap((w, i) => (w ? [i] : []))).toEqual([0, 10, 20])
  })

  it('every poll when N is 1: the counter passes through untouched', () => {
    const powers = [30, 300, 280, 50, 400]
    const { wanted, emitted, trueJ } = run(new CounterPacer(1, 5000), powers)
    expect(wanted.every(Boolean)).toBe(true)
    expect(emitted).toEqual(trueJ)
  })

  it('fills the polls between with the trapezoid of power, and lands on the counter at each read', () => {
    // Power linear between polls: the trapezoid is exact, so every value equals the true counter.
    const powers = Array.from({ length: 21 }, (_, i) => 100 + 20 * i)
    const { emitted, trueJ } = run(new CounterPacer(5, 5000), powers)
    emitted.forEach((value, i) => expect(value).toBeCloseTo(trueJ[i] ?? NaN, 9))
  })

  it('never goes back when power overshot the counter: the next reads carry nothing until it catches up', () => {
    const pacer = new CounterPacer(3, 5000)
    expect(pacer.next(0, 100, 1000)).toBe(1000)
    expect(pacer.wantsCounter(1000)).toBe(false)
    expect(pacer.next(1000, 100, null)).toBe(1100)
    expect(pacer.next(2000, 100, null)).toBe(1200)
    // The counter says 1150 J: the 50 J already passed on is not taken back (no negative interval).
    expect(pacer.wantsCounter(3000)).toBe(true)
    expect(pacer.next(3000, 100, 1150)).toBe(1200)
    expect(pacer.next(4000, 100, null)).toBe(1300)
    expect(pacer.next(5000, 100, null)).toBe(1400)
    // Caught up: from here on the counter's own value.
    expect(pacer.next(6000, 100, 1450)).toBe(1450)
  })

  it('passes a counter that went back (a driver reload) straight on, for the recorder to bridge', () => {
    const pacer = new CounterPacer(2, 5000)
    pacer.next(0, 100, 1_000_000)
    pacer.next(1000, 100, null)
    expect(pacer.next(2000, 100, 40)).toBe(40)
    expect(pacer.next(3000, 100, null)).toBe(140)
  })

  it('reads the counter after a pause, and when power is missing (nothing to fill with)', () => {
    const pacer = new CounterPacer(10, 5000)
    pacer.next(0, 100, 1000)
    expect(pacer.wantsCounter(1000)).toBe(false)
    expect(pacer.wantsCounter(60_000)).toBe(true)
    expect(pacer.wantsCounter(-1000)).toBe(true)
    pacer.next(1000, null, null)
    expect(pacer.wantsCounter(2000)).toBe(true)
  })

  it('property: non-decreasing, equal to the counter at every read it was not overshot, never further off than one window of power error', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 2, maxLength: 120 }),
        fc.array(fc.double({ min: 0.8, max: 1.2, noNaN: true }), { minLength: 120, maxLength: 120 }),
        fc.integer({ min: 1, max: 12 }),
        (truePowers, sensorError, every) => {
          const pacer = new CounterPacer(every, 5000)
          let counterJ = 5000
          let previous = -Infinity
          for (let i = 0; i < truePowers.length; i++) {
            const powerW = truePowers[i] ?? 0
            if (i > 0) counterJ += (((truePowers[i - 1] ?? 0) + powerW) / 2) * 1
            const wants = pacer.wantsCounter(i * 1000)
            // The power reading is off by up to ±20 %: the counter is what counts.
            const value = pacer.next(i * 1000, powerW * (sensorError[i] ?? 1), wants ? counterJ : null) ?? NaN
            expect(value).toBeGreaterThanOrEqual(previous)
            if (wants) {
              expect(value).toBeGreaterThanOrEqual(counterJ)
              // What was passed on beyond the counter is at most one window of power error.
              expect(value - counterJ).toBeLessThanOrEqual(every * 700 * 0.2 * 2 + 1e-6)
            }
            previous = value
          }
        },
      ),
    )
  })

  it('counterEveryReads: about one read per period, at least every poll', () => {
    expect(counterEveryReads(10_000, 1000)).toBe(10)
    expect(counterEveryReads(10_000, 100)).toBe(100)
    expect(counterEveryReads(10_000, 30_000)).toBe(1)
    expect(counterEveryReads(0, 1000)).toBe(1)
  })
})
