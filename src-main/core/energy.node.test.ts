import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { energyBetween, type EnergyPoint } from './energy.ts'

const at = (s: number, extra: Partial<EnergyPoint> = {}): EnergyPoint => ({
  wallMs: 1_700_000_000_000 + s * 1000,
  monoMs: s * 1000,
  powerW: null,
  energyCounterJ: null,
  counterRangeJ: null,
  ...extra,
})

describe('energy between two readings', () => {
  it('takes the counter difference, whatever the sampled power says', () => {
    expect(energyBetween(at(0, { energyCounterJ: 1000, powerW: 10 }), at(1, { energyCounterJ: 1300, powerW: 10 }), 10)).toEqual({
      kind: 'energy',
      energyJ: 300,
      durationS: 1,
      method: 'counter',
    })
  })

  it('adds the range when a RAPL counter wraps', () => {
    const range = 262_143.32885 // max_energy_range_uj 262143328850 µJ, a real laptop's
    expect(energyBetween(at(0, { energyCounterJ: range - 5, counterRangeJ: range }), at(1, { energyCounterJ: 7, counterRangeJ: range }), 10)).toMatchObject({
      kind: 'energy',
      method: 'counter',
      energyJ: expect.closeTo(12, 9),
    })
  })

  it('falls back to sampled power for the interval where a counter was reset (driver reload)', () => {
    const r = energyBetween(at(0, { energyCounterJ: 5e6, powerW: 100 }), at(2, { energyCounterJ: 40, powerW: 120 }), 10)
    expect(r).toEqual({ kind: 'energy', energyJ: 220, durationS: 2, method: 'sampled-power' })
    expect(energyBetween(at(0, { energyCounterJ: 5e6 }), at(2, { energyCounterJ: 40 }), 10)).toEqual({ kind: 'unknown', durationS: 2 })
  })

  it('integrates sampled power by the trapezoid without a counter, and refuses what is not known', () => {
    expect(energyBetween(at(0, { powerW: 100 }), at(1, { powerW: 300 }), 10)).toEqual({ kind: 'energy', energyJ: 200, durationS: 1, method: 'sampled-power' })
    expect(energyBetween(at(0, { powerW: 100 }), at(1), 10)).toEqual({ kind: 'unknown', durationS: 1 })
  })

  it('does not bridge a gap, a wall-clock step, or a repeated instant', () => {
    expect(energyBetween(at(0, { powerW: 1 }), at(30, { powerW: 1 }), 10)).toMatchObject({ kind: 'gap' })
    expect(energyBetween(at(0, { powerW: 1 }), { ...at(1, { powerW: 1 }), wallMs: at(0).wallMs + 3_600_000 }, 10)).toMatchObject({ kind: 'gap' })
    expect(energyBetween(at(5, { powerW: 1 }), { ...at(5, { powerW: 1 }), monoMs: 5010 }, 10)).toEqual({ kind: 'repeat' })
  })

  it('never returns negative, NaN or infinite energy (property)', () => {
    const num = fc.option(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { nil: null })
    fc.assert(
      fc.property(
        fc.nat(10_000),
        fc.nat(100_000),
        num,
        num,
        num,
        num,
        fc.option(fc.double({ min: 1, max: 1e12, noNaN: true }), { nil: null }),
        (t0, dt, p0, p1, c0, c1, range) => {
          const r = energyBetween(
            at(t0 / 1000, { powerW: p0 === null ? null : Math.abs(p0) % 3000, energyCounterJ: c0, counterRangeJ: range }),
            at((t0 + dt) / 1000, { powerW: p1 === null ? null : Math.abs(p1) % 3000, energyCounterJ: c1, counterRangeJ: range }),
            10,
          )
          if (r.kind === 'energy') expect(r.energyJ >= 0 && Number.isFinite(r.energyJ)).toBe(true)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
