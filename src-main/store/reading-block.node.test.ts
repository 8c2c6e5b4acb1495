import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BlockEncoder, BlockFormatError, decodeBlock, encodeBlock, type StoredReadingRow } from './reading-block.ts'

const MINUTE = Date.UTC(2026, 10, 30, 12, 0)

/** A value as the block keeps it: rounded to its stored unit. */
const kept = (v: number | null, scale: number): number | null => (v === null ? null : Math.round(v * scale) / scale + 0)

function asStored(r: StoredReadingRow): StoredReadingRow {
  return {
    ...r,
    tMs: Math.round(r.tMs),
    powerW: kept(r.powerW, 1000),
    energyJ: kept(r.energyJ, 1000),
    intervalS: kept(r.intervalS, 1000),
    powerLimitW: kept(r.powerLimitW, 1000),
    utilPct: kept(r.utilPct, 10),
    memUtilPct: kept(r.memUtilPct, 10),
    memUsedB: r.memUsedB,
    tempC: kept(r.tempC, 100),
    smClockMhz: kept(r.smClockMhz, 10),
    pstate: r.pstate,
  }
}

const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 5 })
const reading = (tMs: number): fc.Arbitrary<StoredReadingRow> =>
  fc.record({
    tMs: fc.constant(tMs),
    powerW: nullable(fc.double({ min: -5, max: 3000, noNaN: true })),
    energyJ: nullable(fc.double({ min: 0, max: 200_000, noNaN: true })),
    intervalS: nullable(fc.double({ min: 0, max: 60, noNaN: true })),
    gap: fc.boolean(),
    method: fc.constantFrom('sampled-power' as const, 'counter' as const, 'estimated' as const, null),
    powerLimitW: nullable(fc.double({ min: 0, max: 2000, noNaN: true })),
    utilPct: nullable(fc.double({ min: 0, max: 100, noNaN: true })),
    memUtilPct: nullable(fc.double({ min: 0, max: 100, noNaN: true })),
    // Up to 1 PiB of GPU memory, in bytes.
    memUsedB: nullable(fc.integer({ min: 0, max: 2 ** 50 })),
    tempC: nullable(fc.double({ min: -40, max: 130, noNaN: true })),
    smClockMhz: nullable(fc.double({ min: 0, max: 5000, noNaN: true })),
    pstate: nullable(fc.integer({ min: 0, max: 15 })),
  })

/** A minute of readings at increasing instants (any spacing, any missing field). */
const minuteOfReadings = fc
  .uniqueArray(fc.integer({ min: 0, max: 59_999 }), { minLength: 0, maxLength: 80 })
  .map((offsets) => offsets.sort((a, b) => a - b))
  .chain((offsets) => fc.tuple(...offsets.map((o) => reading(MINUTE + o))))

describe('a minute of readings as one compact block', () => {
  it('gives back every reading to its stored unit (mW, mJ, ms, 0.1 %, bytes, 0.01 °C, 0.1 MHz), whatever is missing', () => {
    fc.assert(
      fc.property(minuteOfReadings, (rows) => {
        expect(decodeBlock(MINUTE, encodeBlock(MINUTE, rows))).toEqual(rows.map(asStored))
      }),
      { numRuns: 300 },
    )
  })

  it('appending reading by reading writes the same bytes as encoding the minute at once', () => {
    fc.assert(
      fc.property(minuteOfReadings, (rows) => {
        const e = new BlockEncoder(MINUTE)
        for (const r of rows) e.append(r)
        expect([...e.bytes()]).toEqual([...encodeBlock(MINUTE, rows)])
      }),
      { numRuns: 100 },
    )
  })

  it('refuses bytes it cannot read, naming what is wrong, instead of inventing readings', () => {
    expect(() => decodeBlock(MINUTE, new Uint8Array([]))).toThrow(BlockFormatError)
    expect(() => decodeBlock(MINUTE, new Uint8Array([9, 0, 0]))).toThrow(/unknown reading block format 9/)
    const good = encodeBlock(MINUTE, [
      {
        ...asStored({
          tMs: MINUTE,
          powerW: 30,
          energyJ: 30,
          intervalS: 1,
          gap: false,
          method: 'counter',
          powerLimitW: null,
          utilPct: null,
          memUtilPct: null,
          memUsedB: null,
          tempC: null,
          smClockMhz: null,
          pstate: null,
        }),
      },
    ])
    expect(() => decodeBlock(MINUTE, good.subarray(0, good.length - 1))).toThrow(/ends inside a number|a reading block/)
    expect(() => decodeBlock(MINUTE, new Uint8Array([1, ...Array.from({ length: 12 }, () => 0xff)]))).toThrow(BlockFormatError)
  })

  it('refuses readings out of time order', () => {
    const e = new BlockEncoder(MINUTE)
    const r = asStored({
      tMs: MINUTE + 500,
      powerW: 1,
      energyJ: null,
      intervalS: null,
      gap: false,
      method: null,
      powerLimitW: null,
      utilPct: null,
      memUtilPct: null,
      memUsedB: null,
      tempC: null,
      smClockMhz: null,
      pstate: null,
    })
    e.append(r)
    expect(() => e.append({ ...r, tMs: MINUTE + 500 })).toThrow(RangeError)
    expect(() => e.append({ ...r, tMs: MINUTE + 100 })).toThrow(RangeError)
  })
})
