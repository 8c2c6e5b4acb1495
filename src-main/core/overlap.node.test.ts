import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { planImport, type StoredReading } from './overlap.ts'

/** Sorted, distinct instants. */
const instants = fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { maxLength: 60 }).map((a) => a.sort((x, y) => x - y))

/** Stored readings as the sampler writes them: each integrated against the previous if within 10 s. */
const storedArb = instants.map((ts): StoredReading[] =>
  ts.map((t, i) => ({ tMs: t, intervalS: i > 0 && t - (ts[i - 1] ?? 0) <= 10_000 ? (t - (ts[i - 1] ?? 0)) / 1000 : null })),
)

describe('planImport: what an import may add', () => {
  it('adds nothing when the same readings are already stored', () => {
    fc.assert(
      fc.property(storedArb, (stored) => {
        expect(
          planImport(
            stored.map((s) => s.tMs),
            stored,
          ).every((s) => !s.keep),
        ).toBe(true)
      }),
    )
  })

  it('keeps everything, bridged in order, over an empty store', () => {
    fc.assert(
      fc.property(instants, (ts) => {
        const steps = planImport(ts, [])
        expect(steps.every((s) => s.keep)).toBe(true)
        expect(steps.map((s) => s.bridge)).toEqual(ts.map((_, i) => i > 0))
      }),
    )
  })

  it('never keeps a reading inside a stored interval, and never bridges across a stored reading', () => {
    fc.assert(
      fc.property(instants, storedArb, (imported, stored) => {
        const steps = planImport(imported, stored)
        imported.forEach((t, i) => {
          const step = steps[i]
          if (!step?.keep) return
          for (const s of stored) {
            if (s.intervalS !== null) expect(t >= s.tMs - s.intervalS * 1000 && t <= s.tMs).toBe(false)
            expect(t).not.toBe(s.tMs)
          }
          if (step.bridge) {
            const previous = imported[i - 1] ?? -1
            expect(steps[i - 1]?.keep).toBe(true)
            expect(stored.some((s) => s.tMs > previous && s.tMs < t)).toBe(false)
          }
        })
      }),
      { numRuns: 500 },
    )
  })

  it('counts time once: stored intervals and bridged imported intervals never overlap', () => {
    fc.assert(
      fc.property(instants, storedArb, (imported, stored) => {
        const steps = planImport(imported, stored)
        const bridged = imported.flatMap((t, i) => (steps[i]?.bridge ? [[imported[i - 1] ?? 0, t] as const] : []))
        for (const [a, b] of bridged) {
          for (const s of stored) {
            if (s.intervalS === null) continue
            const from = s.tMs - s.intervalS * 1000
            expect(Math.min(b, s.tMs) - Math.max(a, from) > 0, `[${a}, ${b}] overlaps stored [${from}, ${s.tMs}]`).toBe(false)
          }
        }
      }),
      { numRuns: 500 },
    )
  })

  it('the caller may mark spans covered (hours only rollups remember)', () => {
    expect(planImport([1, 2, 3], [], (t) => t === 2)).toEqual([
      { keep: true, bridge: false },
      { keep: false, bridge: false },
      { keep: true, bridge: false },
    ])
  })
})
