import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defined } from '../../test/helpers.ts'
import { IDLE_WATCH, STUCK_HOLD_MS, watchReading, type StuckWatch } from './stuck-gpu.ts'

const T0 = Date.parse('2026-11-18T14:00:00Z')

/** Feeds one reading a second; returns the seconds at which a report fell. */
function run(readings: readonly { powerW: number | null; utilPct: number | null }[], thresholdW = 50): number[] {
  let watch: StuckWatch = IDLE_WATCH
  const reports: number[] = []
  readings.forEach((r, s) => {
    const step = watchReading(watch, { tMs: T0 + s * 1000, ...r }, thresholdW)
    watch = step.watch
    if (step.report) reports.push(s)
  })
  return reports
}

const repeat = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value)

describe('a GPU drawing power at 0 % use', () => {
  it('is reported once, after 10 minutes above the threshold at 0 %', () => {
    expect(run(repeat(1200, { powerW: 80, utilPct: 0 }))).toEqual([STUCK_HOLD_MS / 1000])
  })

  it('is not reported when it works, draws little, or cannot say its use', () => {
    expect(run(repeat(1200, { powerW: 300, utilPct: 40 }))).toEqual([])
    expect(run(repeat(1200, { powerW: 30, utilPct: 0 }))).toEqual([])
    expect(run(repeat(1200, { powerW: 80, utilPct: null }))).toEqual([])
  })

  it('starts counting again after a moment of use, and reports again after a new stretch', () => {
    const stretch = repeat(700, { powerW: 80, utilPct: 0 })
    expect(run([...repeat(500, { powerW: 80, utilPct: 0 }), { powerW: 200, utilPct: 30 }, ...repeat(500, { powerW: 80, utilPct: 0 })])).toEqual([])
    expect(run([...stretch, { powerW: 200, utilPct: 30 }, ...stretch])).toEqual([600, 1301])
  })

  it('a break in the readings (sleep, pause) starts the watch again', () => {
    let watch = watchReading(IDLE_WATCH, { tMs: T0, powerW: 80, utilPct: 0 }, 50).watch
    const later = watchReading(watch, { tMs: T0 + STUCK_HOLD_MS, powerW: 80, utilPct: 0 }, 50)
    expect(later.report).toBe(false)
    watch = later.watch
    expect(watch.sinceMs).toBe(T0 + STUCK_HOLD_MS)
  })

  it('slow polling (a minute apart, on battery) still reports once the gap allowed is scaled to it', () => {
    let watch: StuckWatch = IDLE_WATCH
    const reports: number[] = []
    for (let i = 0; i <= 12; i++) {
      const step = watchReading(watch, { tMs: T0 + i * 70_000, powerW: 80, utilPct: 0 }, 50, STUCK_HOLD_MS, 300_000)
      watch = step.watch
      if (step.report) reports.push(i)
    }
    // 70 s apart: the 10 minutes are reached at the 9th reading (630 s).
    expect(reports).toEqual([9])
  })

  it('never reports twice in one stretch, whatever the readings (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ powerW: fc.option(fc.integer({ min: 0, max: 400 })), utilPct: fc.option(fc.constantFrom(0, 0, 0, 5, 90)) }), { maxLength: 3000 }),
        (readings) => {
          const reports = run(readings)
          // Between two reports there is a reading that broke the stretch, and each report has 10 minutes of stuck readings before it.
          for (const s of reports)
            expect(readings.slice(s - STUCK_HOLD_MS / 1000, s + 1).every((r) => r.powerW !== null && r.powerW > 50 && r.utilPct === 0)).toBe(true)
          for (let i = 1; i < reports.length; i++) {
            const between = readings.slice(defined(reports[i - 1], 'report'), defined(reports[i], 'report'))
            expect(between.some((r) => !(r.powerW !== null && r.powerW > 50 && r.utilPct === 0))).toBe(true)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
