import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { integrateSeries, intervalEnergy, type PowerPoint } from './integration.ts'

const MAX_GAP_S = 10

/** Time-ordered readings with 0.05-5 s steps (never a gap) and 0-1000 W. */
const series = fc
  .array(fc.tuple(fc.integer({ min: 50, max: 5000 }), fc.double({ min: 0, max: 1000, noNaN: true })), { minLength: 2, maxLength: 200 })
  .map((steps) => {
    let t = 1_700_000_000_000
    return steps.map(([dtMs, powerW]): PowerPoint => {
      t += dtMs
      return { tMs: t, powerW }
    })
  })

describe('energy integration (trapezoid rule)', () => {
  it('is additive: energy over [a,c] = [a,b] + [b,c] at any reading b', () => {
    fc.assert(
      fc.property(series, fc.nat(), (points, k) => {
        const b = 1 + (k % (points.length - 1))
        const whole = integrateSeries(points, MAX_GAP_S).energyJ
        const left = integrateSeries(points.slice(0, b + 1), MAX_GAP_S).energyJ
        const right = integrateSeries(points.slice(b), MAX_GAP_S).energyJ
        expect(left + right).toBeCloseTo(whole, 6)
      }),
    )
  })

  it('gives P × t for a constant power P held for t seconds', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2000, noNaN: true }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 100, max: 9000 }), (powerW, n, stepMs) => {
        const points = Array.from({ length: n + 1 }, (_, i) => ({ tMs: i * stepMs, powerW }))
        const totals = integrateSeries(points, MAX_GAP_S)
        expect(totals.energyJ).toBeCloseTo(powerW * ((n * stepMs) / 1000), 6)
        expect(totals.integratedS).toBeCloseTo((n * stepMs) / 1000, 9)
      }),
    )
  })

  it('is exact for a linear ramp (100 W → 300 W over 10 s is 2,000 J)', () => {
    const points = Array.from({ length: 11 }, (_, i) => ({ tMs: i * 1000, powerW: 100 + 20 * i }))
    expect(integrateSeries(points, MAX_GAP_S).energyJ).toBeCloseTo(2000, 9)
  })

  it('is never negative and never more than max power × time', () => {
    fc.assert(
      fc.property(series, (points) => {
        const { energyJ, integratedS } = integrateSeries(points, MAX_GAP_S)
        const maxW = Math.max(...points.map((p) => p.powerW ?? 0))
        expect(energyJ).toBeGreaterThanOrEqual(0)
        expect(energyJ).toBeLessThanOrEqual(maxW * integratedS + 1e-6)
      }),
    )
  })

  it('does not bridge a gap longer than maxGapS, and counts it', () => {
    const points = [
      { tMs: 0, powerW: 100 },
      { tMs: 1000, powerW: 100 },
      { tMs: 61_000, powerW: 100 }, // the machine slept for a minute
      { tMs: 62_000, powerW: 100 },
    ]
    const totals = integrateSeries(points, MAX_GAP_S)
    expect(totals.energyJ).toBe(200)
    expect(totals.gaps).toBe(1)
  })

  it('treats a missing reading as unknown, not as zero watts', () => {
    const outcome = intervalEnergy({ tMs: 0, powerW: 250 }, { tMs: 1000, powerW: null }, MAX_GAP_S)
    expect(outcome.kind).toBe('missing')
    const totals = integrateSeries(
      [
        { tMs: 0, powerW: 250 },
        { tMs: 1000, powerW: null },
        { tMs: 2000, powerW: 250 },
      ],
      MAX_GAP_S,
    )
    expect(totals.energyJ).toBe(0)
    expect(totals.missingIntervals).toBe(2)
  })

  it('ignores readings whose time does not move forward', () => {
    expect(intervalEnergy({ tMs: 1000, powerW: 10 }, { tMs: 1000, powerW: 10 }, MAX_GAP_S).kind).toBe('non-increasing')
    expect(intervalEnergy({ tMs: 2000, powerW: 10 }, { tMs: 1000, powerW: 10 }, MAX_GAP_S).kind).toBe('non-increasing')
  })
})
