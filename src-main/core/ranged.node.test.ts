import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { divide, exact, minus, plus, ranged, times, within, type Ranged } from './ranged.ts'

/** A ranged figure and one inside it (a narrower input). */
const boxed = (min: number, max: number): fc.Arbitrary<{ outer: Ranged; inner: Ranged }> =>
  fc
    .tuple(
      fc.double({ min, max, noNaN: true }),
      fc.double({ min, max, noNaN: true }),
      fc.double({ min, max, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    )
    .map(([a, b, c, s, t]) => {
      const [low, value, high] = [a, b, c].sort((x, y) => x - y) as [number, number, number]
      const innerLow = low + (value - low) * s
      const innerHigh = high - (high - value) * t
      return { outer: { value, low, high }, inner: { value, low: innerLow, high: innerHigh } }
    })

describe('ranged arithmetic', () => {
  it('keeps the central value inside its range, for every operation', () => {
    fc.assert(
      fc.property(boxed(-1e6, 1e6), boxed(-1e6, 1e6), boxed(1e-3, 1e6), (a, b, pos) => {
        for (const r of [plus(a.outer, b.outer), minus(a.outer, b.outer), times(a.outer, b.outer), divide(a.outer, pos.outer)]) {
          expect(r.low).toBeLessThanOrEqual(r.value + 1e-9 * Math.max(1, Math.abs(r.value)))
          expect(r.high).toBeGreaterThanOrEqual(r.value - 1e-9 * Math.max(1, Math.abs(r.value)))
        }
      }),
    )
  })

  it('never widens the result when an input narrows', () => {
    fc.assert(
      fc.property(boxed(-1e6, 1e6), boxed(-1e6, 1e6), boxed(1e-3, 1e6), (a, b, pos) => {
        expect(within(plus(a.inner, b.inner), plus(a.outer, b.outer))).toBe(true)
        expect(within(minus(a.inner, b.inner), minus(a.outer, b.outer))).toBe(true)
        expect(within(times(a.inner, b.inner), times(a.outer, b.outer))).toBe(true)
        expect(within(divide(a.inner, pos.inner), divide(a.outer, pos.outer))).toBe(true)
      }),
    )
  })

  it('is exact where its inputs are', () => {
    expect(times(exact(3), exact(4))).toEqual(exact(12))
    expect(ranged(5, 7, 1)).toEqual({ value: 5, low: 1, high: 7 })
    expect(() => divide(exact(1), ranged(1, 0, 2))).toThrow(RangeError)
  })
})
