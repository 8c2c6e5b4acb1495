import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MACMON_ARGS, parseMacmonLine, parseMacmonText } from './macmon.parse.ts'
import { fixtureText } from '../../../test/sysfs-trees.ts'

const WALL_MS = Date.UTC(2026, 10, 30, 12)
const CAPTURE = fixtureText('apple', 'codecarbon-macmon-pipe__jsonl.txt')

describe('macmon pipe on the CodeCarbon capture (10 lines, an 8 GB Apple Silicon Mac, W floats)', () => {
  const results = parseMacmonText(CAPTURE, (i) => WALL_MS + 1000 * i)

  it('every line is a sample, timed when it was read (the lines carry no timestamp)', () => {
    expect(results.map((r) => r.ok)).toEqual(Array(10).fill(true))
    expect(results.map((r) => (r.ok ? r.sample.wallMs - WALL_MS : null))).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000])
  })

  it('first line: SoC = all_power (CPU + GPU + ANE); parts inside it; sys_power is platform, shown apart', () => {
    const first = results[0]
    if (!first?.ok) throw new Error('not parsed')
    const { sample } = first
    expect(sample.soc).toMatchObject({
      basis: 'cpu+gpu+ane',
      reading: { powerW: 0.5030737 },
      device: { deviceId: 'apple:soc', source: 'macmon', domain: 'soc' },
    })
    expect(sample.parts.map((p) => [p.part, p.reading.powerW])).toEqual([
      ['cpu', 0.47729987],
      ['gpu', 0.025773834],
      ['ane', 0],
    ])
    expect(sample.platform.map((p) => [p.device.deviceId, p.device.domain, p.reading.powerW])).toEqual([['apple:system', 'platform', 12.617373]])
    expect(sample.elapsedMs).toBeNull()
  })

  it('ram_power 0.0 on every line means "not reported": no DRAM figure, never a 0 W one', () => {
    for (const r of results) expect(r.ok && r.sample.parts.some((p) => p.part === 'dram')).toBe(false)
  })

  it('the seventh line: 0.869 W of CPU under a burst', () => {
    const seventh = results[6]
    expect(seventh?.ok && seventh.sample.parts.find((p) => p.part === 'cpu')?.reading.powerW).toBe(0.86930436)
    expect(seventh?.ok && seventh.sample.soc?.reading.powerW).toBe(0.89854306)
  })
})

describe('lines the capture does not show', () => {
  it('a reported ram_power is DRAM, added to the SoC figure (basis says so)', () => {
    const r = parseMacmonLine('{"cpu_power":2.5,"gpu_power":10.25,"ane_power":0.5,"all_power":13.25,"ram_power":0.75,"sys_power":31.0}', WALL_MS)
    expect(r.ok && r.sample.soc).toMatchObject({ basis: 'cpu+gpu+ane+dram', reading: { powerW: 14 } })
    expect(r.ok && r.sample.parts.map((p) => p.part)).toEqual(['cpu', 'gpu', 'ane', 'dram'])
  })

  it('a line with a timestamp is timed by it', () => {
    const r = parseMacmonLine('{"timestamp":"2026-11-30T12:00:05.250Z","cpu_power":1,"gpu_power":2,"ane_power":0,"all_power":3}', 0)
    expect(r.ok && r.sample.wallMs).toBe(Date.UTC(2026, 10, 30, 12, 0, 5, 250))
  })

  it('the command: macmon pipe at the interval asked, never faster than 100 ms', () => {
    expect(MACMON_ARGS(1000)).toEqual(['pipe', '-i', '1000'])
    expect(MACMON_ARGS(5)).toEqual(['pipe', '-i', '100'])
  })
})

describe('bad lines: a reason, never a throw', () => {
  it.each([
    ['', 'not-json'],
    ['Error: IOReport not available', 'not-json'],
    ['[1,2]', 'not-an-object'],
    ['null', 'not-an-object'],
    ['{"temp":{"cpu_temp_avg":40}}', 'no-power'],
    ['{"cpu_power":-1}', 'bad-value'],
    ['{"cpu_power":"0.4"}', 'bad-value'],
    ['{"cpu_power":1e308}', 'bad-value'],
  ])('%j → %s', (line, reason) => {
    expect(parseMacmonLine(line, WALL_MS)).toMatchObject({ ok: false, reason })
  })

  it('property: random text and random objects, no throw, every power 0–1000 W', () => {
    const power = fc.oneof(fc.double(), fc.constant(0), fc.string(), fc.constant(null))
    const line = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record({ cpu_power: power, gpu_power: power, ane_power: power, all_power: power, ram_power: power, sys_power: power }).map((o) => JSON.stringify(o)),
    )
    fc.assert(
      fc.property(line, (text) => {
        const r = parseMacmonLine(text, WALL_MS)
        if (!r.ok) return
        for (const figure of [...(r.sample.soc ? [r.sample.soc] : []), ...r.sample.parts, ...r.sample.platform]) {
          expect(figure.reading.powerW).toBeGreaterThanOrEqual(0)
          expect(figure.reading.powerW).toBeLessThanOrEqual(3000)
        }
      }),
      { numRuns: 300 },
    )
  })
})
