import { describe, expect, it } from 'vitest'
import { detectFrozenPower, looksInterleaved } from './log-sanity.ts'

describe('log sanity checks', () => {
  it('flags a power value frozen for 100+ readings while the temperature moves', () => {
    const readings = Array.from({ length: 200 }, (_, i) => ({ tMs: i * 500, powerW: 46.19, tempC: 32 + i / 10, utilPct: null }))
    expect(detectFrozenPower(readings)).toEqual({ powerW: 46.19, readings: 200, durationS: 99.5 })
  })

  it('does not flag a truly flat, idle GPU (nothing else moves either) or a short log', () => {
    const flat = Array.from({ length: 200 }, (_, i) => ({ tMs: i * 500, powerW: 11, tempC: 30, utilPct: 0 }))
    expect(detectFrozenPower(flat)).toBeNull()
    const short = Array.from({ length: 50 }, (_, i) => ({ tMs: i * 500, powerW: 46.19, tempC: i, utilPct: null }))
    expect(detectFrozenPower(short)).toBeNull()
  })

  it('sees rows of two GPUs interleaved without an index column', () => {
    const pairs = Array.from({ length: 20 }, (_, i) => [i * 5000, i * 5000 + 4]).flat()
    expect(looksInterleaved(pairs)).toBe(true)
    expect(looksInterleaved(Array.from({ length: 40 }, (_, i) => i * 1000))).toBe(false)
    // nvidia-smi's periodic ~4 s stalls under load (seen in a real RTX 4090 log) are not interleaving.
    const stalls = Array.from({ length: 200 }, (_, i) => i * 1000 + Math.floor(i / 32) * 3000)
    expect(looksInterleaved(stalls)).toBe(false)
  })
})
