/**
 * A minute of one device's raw readings as one compact blob: each reading as zigzag varints of
 * integers (mW, mJ, ms, 0.1 %, bytes, 0.01 °C, 0.1 MHz) predicted from the reading before it, so
 * a steady reading costs about one byte per field. The rollups keep exact sums; a raw reading
 * keeps power to the milliwatt and energy to the millijoule.
 */

import type { Gauges } from '../contract/telemetry.ts'

/** How an interval's energy is known, as stored: 0 none, 1 sampled power, 2 counter, 3 estimated. */
export type StoredMethod = 'sampled-power' | 'counter' | 'estimated' | null

/** A stored reading: the device's gauges, and the energy of the interval it closed. */
export interface StoredReadingRow extends Gauges {
  tMs: number
  energyJ: number | null
  intervalS: number | null
  gap: boolean
  method: StoredMethod
}

export class BlockFormatError extends Error {}

/** Format of a block (first byte): a later layout gets a new number, and old blocks still read. */
const FORMAT_V1 = 1

// The nullable integer fields after power, energy and interval, with their scale (stored = value × scale).
const PLAIN_FIELDS = [
  ['powerLimitW', 1000],
  ['utilPct', 10],
  ['memUtilPct', 10],
  ['memUsedB', 1],
  ['tempC', 100],
  ['smClockMhz', 10],
  ['pstate', 1],
] as const

const METHOD_CODE: Record<Exclude<StoredMethod, null> | 'none', number> = { none: 0, 'sampled-power': 1, counter: 2, estimated: 3 }
const METHOD_OF: readonly StoredMethod[] = [null, 'sampled-power', 'counter', 'estimated']

// Flag bits: presence of power, energy, interval and the 7 plain fields; gap; method (2 bits).
const HAS_POWER = 1
const HAS_ENERGY = 2
const HAS_INTERVAL = 4
const PLAIN_BIT0 = 8
const GAP_BIT = 1 << 10
const METHOD_SHIFT = 11

/** Growable byte buffer for varints. */
class Writer {
  bytes = new Uint8Array(256)
  length = 0

  byte(b: number): void {
    if (this.length === this.bytes.length) {
      const next = new Uint8Array(this.bytes.length * 2)
      next.set(this.bytes)
      this.bytes = next
    }
    this.bytes[this.length++] = b
  }

  /** Unsigned varint, exact for integers up to 2^53 (arithmetic, not 32-bit bitwise). */
  uvarint(n: number): void {
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80)
      n = Math.floor(n / 0x80)
    }
    this.byte(n)
  }

  svarint(n: number): void {
    const z = n >= 0 ? n * 2 : -n * 2 - 1
    // Never kept rounded: a value this far from the one before cannot be stored exactly.
    if (!Number.isSafeInteger(z)) throw new RangeError(`a reading's change of ${n} is too large to store exactly`)
    this.uvarint(z)
  }
}

class Reader {
  private pos = 0
  private readonly bytes: Uint8Array

  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  get done(): boolean {
    return this.pos >= this.bytes.length
  }

  uvarint(): number {
    let n = 0
    let scale = 1
    for (;;) {
      if (this.pos >= this.bytes.length) throw new BlockFormatError('a reading block ends inside a number')
      const b = this.bytes[this.pos++] as number
      n += (b & 0x7f) * scale
      if (b < 0x80) return n
      scale *= 0x80
      if (scale > 2 ** 56) throw new BlockFormatError('a number in a reading block is too long')
    }
  }

  svarint(): number {
    const z = this.uvarint()
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2
  }
}

const toInt = (v: number, scale: number): number => Math.round(v * scale)

/** Predicted energy of an interval, mJ: the trapezoid of the two stored powers (what sampled power records). */
function predictMj(prevPowerMw: number | null, powerMw: number | null, intervalMs: number | null): number {
  if (powerMw === null || intervalMs === null) return 0
  const from = prevPowerMw ?? powerMw
  return Math.round((((from + powerMw) / 2) * intervalMs) / 1000)
}

/**
 * Encodes one device's readings of one minute, in time order; more can be appended later (the
 * recorder adds a reading a second to the current minute without re-encoding the others).
 */
export class BlockEncoder {
  readonly minuteMs: number
  private readonly w = new Writer()
  private prevT: number
  private prevDt = 0
  private prevFlags = 0
  private prevPowerMw: number | null = null
  private lastPowerMw = 0
  private lastEnergyResidual = 0
  private readonly lastPlain: number[] = PLAIN_FIELDS.map(() => 0)
  /** Readings encoded so far. */
  count = 0

  constructor(minuteMs: number) {
    this.minuteMs = minuteMs
    this.prevT = minuteMs
    this.w.byte(FORMAT_V1)
  }

  /** Time of the last reading, or the minute's start when there is none. */
  get lastMs(): number {
    return this.prevT
  }

  append(r: StoredReadingRow): void {
    const w = this.w
    const tMs = Math.round(r.tMs)
    const dt = tMs - this.prevT
    if (dt < 0 || (dt === 0 && this.count > 0)) throw new RangeError('readings of a block must be in strictly increasing time')
    const powerMw = r.powerW === null ? null : toInt(r.powerW, 1000)
    const energyMj = r.energyJ === null ? null : toInt(r.energyJ, 1000)
    const intervalMs = r.intervalS === null ? null : toInt(r.intervalS, 1000)
    let flags = (powerMw !== null ? HAS_POWER : 0) | (energyMj !== null ? HAS_ENERGY : 0) | (intervalMs !== null ? HAS_INTERVAL : 0)
    for (let i = 0; i < PLAIN_FIELDS.length; i++) if (r[(PLAIN_FIELDS[i] as (typeof PLAIN_FIELDS)[number])[0]] !== null) flags |= PLAIN_BIT0 << i
    if (r.gap) flags |= GAP_BIT
    flags |= METHOD_CODE[r.method ?? 'none'] << METHOD_SHIFT
    w.uvarint(flags ^ this.prevFlags)
    w.svarint(dt - this.prevDt)
    if (powerMw !== null) {
      w.svarint(powerMw - this.lastPowerMw)
      this.lastPowerMw = powerMw
    }
    // The interval is nearly always the time since the reading before.
    if (intervalMs !== null) w.svarint(intervalMs - dt)
    if (energyMj !== null) {
      const residual = energyMj - predictMj(this.prevPowerMw, powerMw, intervalMs)
      w.svarint(residual - this.lastEnergyResidual)
      this.lastEnergyResidual = residual
    }
    for (let i = 0; i < PLAIN_FIELDS.length; i++) {
      const [key, scale] = PLAIN_FIELDS[i] as (typeof PLAIN_FIELDS)[number]
      const v = r[key]
      if (v === null) continue
      const n = toInt(v, scale)
      w.svarint(n - (this.lastPlain[i] as number))
      this.lastPlain[i] = n
    }
    this.prevT = tMs
    this.prevDt = dt
    this.prevFlags = flags
    this.prevPowerMw = powerMw
    this.count++
  }

  /** The block so far (a view: copy it to keep it past the next append). */
  bytes(): Uint8Array {
    return this.w.bytes.subarray(0, this.w.length)
  }
}

/** Encodes readings of one device and minute, sorted by time, starting at `minuteMs`. */
export function encodeBlock(minuteMs: number, readings: readonly StoredReadingRow[]): Uint8Array {
  const e = new BlockEncoder(minuteMs)
  for (const r of readings) e.append(r)
  return e.bytes().slice()
}

/** Decodes a block written by encodeBlock; throws BlockFormatError on bytes it cannot read. */
export function decodeBlock(minuteMs: number, bytes: Uint8Array): StoredReadingRow[] {
  if (bytes.length === 0 || bytes[0] !== FORMAT_V1) throw new BlockFormatError(`unknown reading block format ${bytes[0] ?? '(empty)'}`)
  const r = new Reader(bytes.subarray(1))
  const out: StoredReadingRow[] = []
  let prevT = minuteMs
  let prevDt = 0
  let prevFlags = 0
  let prevPowerMw: number | null = null
  let lastPowerMw = 0
  let lastEnergyResidual = 0
  const lastPlain: number[] = PLAIN_FIELDS.map(() => 0)
  while (!r.done) {
    const flags = r.uvarint() ^ prevFlags
    const dt = prevDt + r.svarint()
    const tMs = prevT + dt
    let powerMw: number | null = null
    if (flags & HAS_POWER) {
      lastPowerMw += r.svarint()
      powerMw = lastPowerMw
    }
    const intervalMs = flags & HAS_INTERVAL ? dt + r.svarint() : null
    let energyMj: number | null = null
    if (flags & HAS_ENERGY) {
      lastEnergyResidual += r.svarint()
      energyMj = predictMj(prevPowerMw, powerMw, intervalMs) + lastEnergyResidual
    }
    const plain = PLAIN_FIELDS.map(([, scale], i) => {
      if (!(flags & (PLAIN_BIT0 << i))) return null
      lastPlain[i] = (lastPlain[i] as number) + r.svarint()
      return (lastPlain[i] as number) / scale
    })
    const method = METHOD_OF[(flags >> METHOD_SHIFT) & 3] ?? null
    out.push({
      tMs,
      powerW: powerMw === null ? null : powerMw / 1000,
      energyJ: energyMj === null ? null : energyMj / 1000,
      intervalS: intervalMs === null ? null : intervalMs / 1000,
      gap: (flags & GAP_BIT) !== 0,
      method,
      powerLimitW: plain[0] ?? null,
      utilPct: plain[1] ?? null,
      memUtilPct: plain[2] ?? null,
      memUsedB: plain[3] ?? null,
      tempC: plain[4] ?? null,
      smClockMhz: plain[5] ?? null,
      pstate: plain[6] ?? null,
    })
    prevT = tMs
    prevDt = dt
    prevFlags = flags
    prevPowerMw = powerMw
  }
  return out
}
