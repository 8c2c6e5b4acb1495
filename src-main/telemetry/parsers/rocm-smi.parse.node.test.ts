import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseRocmSmiJson, type AmdToolResult } from './rocm-smi.parse.ts'
import { FIXTURES, readFixture } from '../../../test/helpers.ts'
import { isPrintable } from '../../core/text.ts'

const WALL_MS = Date.UTC(2026, 10, 30, 12)
const CAPTURES = readdirSync(join(FIXTURES, 'amd')).filter((f) => f.startsWith('telegraf-rocm-smi__'))

function parseCapture(file: string): Extract<AmdToolResult, { ok: true }> {
  const result = parseRocmSmiJson(readFixture('amd', file), WALL_MS)
  if (!result.ok) throw new Error(`${file}: ${result.detail}`)
  return result
}

describe('rocm-smi --json on the seven telegraf captures (ROCm 4.3 to 6.1)', () => {
  it('has the seven captures', () => expect(CAPTURES).toHaveLength(7))

  it.each(CAPTURES)('%s: every card parses, in order, with its memory and a plausible reading', (file) => {
    const { gpus, skipped } = parseCapture(file)
    expect(skipped).toEqual([])
    expect(gpus.map((g) => g.device.index)).toEqual(gpus.map((_, i) => i))
    for (const { device, reading } of gpus) {
      expect(device).toMatchObject({ source: 'rocm-smi', vendor: 'amd', domain: 'gpu', method: 'sampled-power' })
      expect(device.deviceId).toMatch(/^amd:(0x[0-9a-f]+|[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.\d)$/)
      expect(device.pciAddress).toMatch(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.\d$/)
      expect(device.memTotalB).toBeGreaterThan(8e9)
      expect(reading.deviceId).toBe(device.deviceId)
      expect(reading.wallMs).toBe(WALL_MS)
      expect(reading.powerLimitW).toBeGreaterThan(100)
      expect(reading.tempC).toBeGreaterThan(20)
      expect(reading.utilPct).toBe(0)
      // No capture ran --showenergycounter: no counter, never a 0 one.
      expect(reading.energyCounterJ).toBeNull()
    }
  })

  it('MI100 on ROCm 5.7.1: six cards, "Average Graphics Package Power" in W, keyed by bus (Unique ID N/A)', () => {
    const { gpus } = parseCapture('telegraf-rocm-smi__mi100_rocm571.json')
    expect(gpus.map((g) => g.reading.powerW)).toEqual([39, 37, 35, 39, 39, 40])
    expect(gpus[0]?.device).toMatchObject({ deviceId: 'amd:0000:1e:00.0', name: 'AMD Instinct MI100', memTotalB: 34342961152 })
    expect(gpus[0]?.reading).toMatchObject({ powerLimitW: 290, tempC: 31, memUsedB: 6782976, memUtilPct: 0, smClockMhz: 300 })
  })

  it('MI100 on ROCm 6.0.2: keyed by Unique ID', () => {
    const { gpus } = parseCapture('telegraf-rocm-smi__mi100_rocm602.json')
    expect(gpus.map((g) => g.device.deviceId)).toEqual(['amd:0x79ccd55167a2124a', 'amd:0x4edfb117a17a07d', 'amd:0xd4a9ec48d03d261d', 'amd:0x1b9dd972253c3736'])
    expect(gpus.map((g) => g.reading.powerW)).toEqual([36, 44, 43, 39])
    expect(gpus[1]?.device.pciAddress).toBe('0000:a3:00.0')
  })

  it('RX 6700 XT on ROCm 6.0.2: power "N/A (Secondary die)" is unknown (null) with a note, never 0', () => {
    const { gpus } = parseCapture('telegraf-rocm-smi__rx6700xt_rocm602.json')
    expect(gpus[0]?.reading.powerW).toBeNull()
    expect(gpus[0]?.notes.map((n) => n.note)).toEqual(['secondary-die'])
    expect(gpus[0]?.device.name).toBe('AMD Radeon RX 6700/6700 XT / 6800M')
  })

  it('RX 6700 XT on ROCm 6.1.2: keys change case (Card Series, Card Model): same fields read', () => {
    const { gpus } = parseCapture('telegraf-rocm-smi__rx6700xt_rocm612.json')
    expect(gpus[0]?.device).toMatchObject({ name: 'AMD Radeon RX 6700/6700 XT / 6800M', deviceId: 'amd:0000:07:00.0', memTotalB: 12868124672 })
    expect(gpus[0]?.reading).toMatchObject({ powerW: 6, powerLimitW: 211, tempC: 45, memUsedB: 1572745216, memUtilPct: 0, smClockMhz: 0 })
  })

  it('RX 6700 XT on ROCm 4.3.0: series, model and vendor all "0x1002": named by its GPU id instead', () => {
    const { gpus } = parseCapture('telegraf-rocm-smi__rx6700xt_rocm430.json')
    expect(gpus[0]?.device.name).toBe('AMD GPU (0x73df)')
    expect(gpus[0]?.reading.powerW).toBe(6)
  })

  it('Vega 10 XT: no card series, 15 W; MI50: 26 W, 1725 MHz', () => {
    expect(parseCapture('telegraf-rocm-smi__vega-10-XT.json').gpus[0]).toMatchObject({
      device: { name: 'AMD GPU (0x6861)', deviceId: 'amd:0x2150e7d042a1124' },
      reading: { powerW: 15, powerLimitW: 170, smClockMhz: 1269, memUtilPct: null },
    })
    expect(parseCapture('telegraf-rocm-smi__vega-20-WKS-GL-XE.json').gpus[0]).toMatchObject({
      device: { name: 'AMD Radeon Instinct MI50 32GB' },
      reading: { powerW: 26, powerLimitW: 225, smClockMhz: 1725 },
    })
  })
})

describe('fields the captures lack (written from rocm_smi.py: showPower, showEnergy)', () => {
  const card = (fields: Record<string, string>): string => JSON.stringify({ card0: { 'PCI Bus': '0000:C1:00.0', 'Unique ID': 'N/A', ...fields }, system: {} })

  it('MI300: "Current Socket Graphics Package Power (W)" and the energy accumulator in µJ (method counter)', () => {
    const r = parseRocmSmiJson(
      card({ 'Current Socket Graphics Package Power (W)': '133.0', 'Energy counter': '29112406548', 'Accumulated Energy (uJ)': '445419820197.6' }),
      WALL_MS,
    )
    expect(r.ok && r.gpus[0]?.reading).toMatchObject({ powerW: 133, energyCounterJ: 445419.8201976, counterRangeJ: null })
    expect(r.ok && r.gpus[0]?.device).toMatchObject({ method: 'counter', deviceId: 'amd:0000:c1:00.0', pciAddress: '0000:c1:00.0' })
  })

  it('an accumulator at 0 is not kept by the GPU: unknown', () => {
    const r = parseRocmSmiJson(card({ 'Average Graphics Package Power (W)': '10.0', 'Accumulated Energy (uJ)': '0' }), WALL_MS)
    expect(r.ok && r.gpus[0]?.reading.energyCounterJ).toBeNull()
    expect(r.ok && r.gpus[0]?.device.method).toBe('sampled-power')
  })
})

describe('bad input: a refusal with a reason, or a note; never a throw', () => {
  it.each([
    ['', 'not-json'],
    ['ERROR: GPU[0]\t\t: Unable to get Average or Current Socket Graphics Package Power Consumption', 'not-json'],
    ['[1, 2]', 'not-an-object'],
    ['null', 'not-an-object'],
    ['{"system": {"Driver version": "6.3.6"}}', 'no-gpus'],
    ['{"card0": "oops"}', 'no-gpus'],
  ])('%j → %s', (text, reason) => {
    const r = parseRocmSmiJson(text, WALL_MS)
    expect(r).toMatchObject({ ok: false, reason })
    expect(r.ok || r.detail.length > 0).toBe(true)
  })

  it('a wrong value is null with a bad-value note; other fields still read', () => {
    const r = parseRocmSmiJson(
      JSON.stringify({ card0: { 'Average Graphics Package Power (W)': '-5', 'GPU use (%)': 'lots', 'Temperature (Sensor edge) (C)': '45.0' } }),
      WALL_MS,
    )
    expect(r.ok && r.gpus[0]?.reading).toMatchObject({ powerW: null, utilPct: null, tempC: 45 })
    expect(r.ok && r.gpus[0]?.notes.map((n) => n.note)).toEqual(['bad-value', 'bad-value'])
    expect(r.ok && r.gpus[0]?.device.deviceId).toBe('amd:card0')
  })

  it('property: random text or random card objects, no throw, every figure plausible or null', () => {
    const value = fc.oneof(fc.string(), fc.double().map(String), fc.constantFrom('N/A', 'N/A (Secondary die)', '1e400', '-0', '12.5', ''))
    const cardObject = fc.record({
      'Average Graphics Package Power (W)': value,
      'Max Graphics Package Power (W)': value,
      'Accumulated Energy (uJ)': value,
      'GPU use (%)': value,
      'Temperature (Sensor edge) (C)': value,
      'VRAM Total Used Memory (B)': value,
      'PCI Bus': value,
      'Unique ID': value,
      'Card Series': value,
    })
    const text = fc.oneof(
      fc.string(),
      fc.json(),
      fc.array(cardObject, { minLength: 1, maxLength: 3 }).map((cards) => JSON.stringify(Object.fromEntries(cards.map((c, i) => [`card${i}`, c])))),
    )
    fc.assert(
      fc.property(text, (t) => {
        const r = parseRocmSmiJson(t, WALL_MS)
        if (!r.ok) return
        for (const { reading, device } of r.gpus) {
          expect(reading.powerW === null || (reading.powerW >= 0 && reading.powerW <= 3000)).toBe(true)
          expect(reading.energyCounterJ === null || (reading.energyCounterJ > 0 && Number.isFinite(reading.energyCounterJ))).toBe(true)
          expect(reading.utilPct === null || (reading.utilPct >= 0 && reading.utilPct <= 100)).toBe(true)
          expect(reading.tempC === null || (reading.tempC >= -40 && reading.tempC <= 150)).toBe(true)
          expect(device.name.length).toBeGreaterThan(0)
          expect(isPrintable(device.name)).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })
})
