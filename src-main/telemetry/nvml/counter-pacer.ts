/**
 * How often NVML's total-energy counter is read, and what a reading carries between two reads.
 *
 * On an H200 (driver 580) one nvmlDeviceGetTotalEnergyConsumption costs 3.9 ms of CPU (an RPC to
 * the GPU's firmware), a thousand times any other query Wattprint makes (power, utilisation,
 * memory, clocks: 1-7 µs each; test/fixtures/nvidia-h200/nvml-cost.json). Read every second it was
 * three quarters of the recorder's CPU. So the counter is read every `everyReads` polls and the
 * polls between carry a counter value extended by the sampled power (trapezoid), which NVML
 * averages over 1 s on Ampere and newer. At the next real read the counter takes over again:
 * over any span that ends at a real read the energy is the counter's, and between reads the
 * extension is off by what sampled power is off over the span (measured on the H200: -0.26 to
 * +0.36 % at one reading a second). A counter value never goes back, except when the counter
 * itself went back (a driver reload), which the recorder bridges as it always has.
 */
export class CounterPacer {
  private readonly everyReads: number
  private readonly maxExtendMs: number
  private readsSinceCounter = Infinity
  /** The last value passed on, J, and the last real counter value, J. */
  private emittedJ: number | null = null
  private lastCounterJ: number | null = null
  private last: { wallMs: number; powerW: number | null } | null = null

  /**
   * @param everyReads read the counter on one poll in this many (1: every poll).
   * @param maxExtendMs a poll later than this after the previous one reads the counter (a pause or a
   *   suspend is not filled with power).
   */
  constructor(everyReads: number, maxExtendMs: number) {
    this.everyReads = Math.max(1, Math.floor(everyReads))
    this.maxExtendMs = maxExtendMs
  }

  /** Whether this poll, at `wallMs`, should read the counter. */
  wantsCounter(wallMs: number): boolean {
    if (this.emittedJ === null || this.last === null) return true
    if (this.readsSinceCounter + 1 >= this.everyReads) return true
    const stepMs = wallMs - this.last.wallMs
    return !(stepMs >= 0 && stepMs <= this.maxExtendMs) || this.last.powerW === null
  }

  /**
   * The counter value this poll's reading carries, J: the real one when it was read (never below
   * what was already passed on, unless the counter went back), else the last value extended by
   * the power between the two polls; null when neither is known.
   */
  next(wallMs: number, powerW: number | null, counterJ: number | null): number | null {
    let value: number | null
    if (counterJ !== null) {
      const wentBack = this.lastCounterJ !== null && counterJ < this.lastCounterJ
      value = wentBack || this.emittedJ === null ? counterJ : Math.max(counterJ, this.emittedJ)
      this.lastCounterJ = counterJ
      this.readsSinceCounter = 0
    } else if (this.emittedJ !== null && this.last !== null && this.last.powerW !== null && powerW !== null) {
      const stepS = Math.max(0, wallMs - this.last.wallMs) / 1000
      value = this.emittedJ + ((this.last.powerW + powerW) / 2) * stepS
      this.readsSinceCounter++
    } else {
      value = null
    }
    this.emittedJ = value
    this.last = { wallMs, powerW }
    return value
  }
}

/** Polls between two counter reads for a poll interval: about one read every `counterEveryMs`. */
export function counterEveryReads(counterEveryMs: number, pollIntervalMs: number): number {
  if (!(counterEveryMs > 0) || !(pollIntervalMs > 0)) return 1
  return Math.max(1, Math.round(counterEveryMs / pollIntervalMs))
}
