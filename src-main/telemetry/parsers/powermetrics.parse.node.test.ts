import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  APPLE_DEVICES,
  diagnosePowermetricsOutput,
  parsePowermetricsBlock,
  parsePowermetricsDate,
  parsePowermetricsText,
  POWERMETRICS_ARGS,
  powermetricsSudoersRule,
  PowermetricsStream,
  type AppleSample,
  type PowermetricsEvent,
} from './powermetrics.parse.ts'
import { fixtureText } from '../../../test/sysfs-trees.ts'
import { formatText } from '../../contract/messages.ts'

const M1 = fixtureText('apple', 'codecarbon-powermetrics__macbookair10_1-m1.txt')

function samples(events: readonly PowermetricsEvent[]): AppleSample[] {
  return events.flatMap((e) => (e.kind === 'sample' ? [e.sample] : []))
}
const watts = (s: AppleSample, part: string): number | null | undefined => s.parts.find((p) => p.part === part)?.reading.powerW

describe('powermetrics text on a MacBook Air M1 (macOS 12, 10 samples of ~100 ms)', () => {
  const events = parsePowermetricsText(M1)
  const all = samples(events)

  it('every block is a sample, stamped with its header time and length', () => {
    expect(events.map((e) => e.kind)).toEqual(Array(10).fill('sample'))
    expect(all[0]?.wallMs).toBe(Date.UTC(2023, 10, 10, 11, 37, 8))
    expect(all[9]?.wallMs).toBe(Date.UTC(2023, 10, 10, 11, 37, 9))
    expect(all.map((s) => s.elapsedMs)).toEqual([104.51, 104.81, 105.93, 108.22, 109.24, 108.45, 108.38, 106.72, 108.88, 108.92])
  })

  it('first sample: Package 1473 mW is the SoC; CPU 947, GPU 153, ANE 0, DRAM 220 mW are parts inside it', () => {
    const first = all[0]
    if (!first) throw new Error('no sample')
    expect(first.soc).toMatchObject({
      basis: 'package',
      device: { deviceId: 'apple:soc', domain: 'soc', source: 'powermetrics', vendor: 'apple' },
      reading: { powerW: 1.473 },
    })
    expect(first.parts.map((p) => [p.part, p.device.deviceId, p.device.domain, p.reading.powerW])).toEqual([
      ['cpu', 'apple:cpu', 'cpu-package', 0.947],
      ['gpu', 'apple:gpu', 'gpu', 0.153],
      ['ane', 'apple:ane', 'ane', 0], // printed "0 mW": the Neural Engine was power-gated, a real 0
      ['dram', 'apple:dram', 'dram', 0.22],
    ])
    expect(first.platform).toEqual([])
    for (const figure of [first.soc, ...first.parts]) expect(figure?.reading).toMatchObject({ energyCounterJ: null, tempC: null, wallMs: first.wallMs })
  })

  it('the package is not the sum of the parts (so the parts are never added to it)', () => {
    const sumOfParts = (s: AppleSample): number => s.parts.reduce((t, p) => t + (p.reading.powerW ?? 0), 0)
    // Over the capture the package holds more (fabric, caches…)…
    const packageJ = all.reduce((t, s) => t + (s.soc?.reading.powerW ?? 0) * (s.elapsedMs ?? 0), 0)
    const partsJ = all.reduce((t, s) => t + sumOfParts(s) * (s.elapsedMs ?? 0), 0)
    expect(packageJ / partsJ).toBeGreaterThan(1.1)
    // …but in the fourth sample it is less: each estimate is refreshed at its own moment.
    expect(all[3]?.soc?.reading.powerW).toBe(0.12)
    expect(sumOfParts(all[3] as AppleSample)).toBeCloseTo(0.148, 6)
  })

  it('fed in chunks of any size (a live process), the stream gives the same samples', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const stream = new PowermetricsStream()
        const got: PowermetricsEvent[] = []
        let at = 0
        for (let i = 0; at < M1.length; i++) {
          const size = sizes[i % sizes.length] ?? 1
          got.push(...stream.push(M1.slice(at, at + size)))
          at += size
        }
        got.push(...stream.end())
        expect(got).toEqual(events)
      }),
      { numRuns: 50 },
    )
  })

  it('a block is complete when the next header starts it (or the stream ends)', () => {
    const second = M1.indexOf('*** Sampled system activity', 10 + M1.indexOf('*** Sampled system activity'))
    const stream = new PowermetricsStream()
    expect(stream.push(M1.slice(0, second))).toEqual([])
    // Half of the next header line: not yet a header.
    expect(stream.push(M1.slice(second, second + 40))).toEqual([])
    const out = stream.push(M1.slice(second + 40, M1.indexOf('\n', second) + 1))
    expect(samples(out).map((s) => s.soc?.reading.powerW)).toEqual([1.473])
  })
})

// Hand-written in the shape of macOS 13+ output (Processor usage, then GPU usage, each with its
// power line), as printed by `powermetrics --samplers cpu_power,gpu_power,ane_power`: Package and
// DRAM are gone, "Combined Power (CPU + GPU + ANE)" is printed instead and GPU Power appears twice.
const MACOS_14_BLOCK = `*** Sampled system activity (Tue Mar  5 09:12:44 2024 -0800) (1004.12ms elapsed) ***

**** Processor usage ****

E-Cluster HW active frequency: 1293 MHz
P-Cluster HW active frequency: 3204 MHz
CPU Power: 8916 mW
GPU Power: 9462 mW
ANE Power: 0 mW
Combined Power (CPU + GPU + ANE): 18378 mW

**** GPU usage ****

GPU HW active frequency: 1398 MHz
GPU HW active residency:  98.21% (389 MHz:   0% 486 MHz:   0% 1398 MHz:  98%)
GPU idle residency:   1.79%
GPU Power: 9470 mW
`

describe('macOS 13+ output (hand-written in its shape: Combined Power, no Package or DRAM)', () => {
  it('the SoC is "Combined Power (CPU + GPU + ANE)", said so by its basis; the first GPU Power is the one used', () => {
    const [sample] = samples(parsePowermetricsText(MACOS_14_BLOCK))
    expect(sample?.wallMs).toBe(Date.UTC(2024, 2, 5, 17, 12, 44))
    expect(sample?.soc).toMatchObject({ basis: 'cpu+gpu+ane', reading: { powerW: 18.378 } })
    expect(sample && watts(sample, 'gpu')).toBe(9.462)
    expect(sample?.parts.map((p) => p.part)).toEqual(['cpu', 'gpu', 'ane'])
  })

  it('without a Combined line the SoC is the sum of CPU, GPU and ANE', () => {
    const [sample] = samples(parsePowermetricsText(MACOS_14_BLOCK.replace(/^Combined.*\n/m, '')))
    expect(sample?.soc?.basis).toBe('cpu+gpu+ane')
    expect(sample?.soc?.reading.powerW).toBeCloseTo(18.378, 9)
  })
})

describe('bad input: skipped with a reason, never a throw', () => {
  it.each([
    ['*** Sampled system activity (yesterday) (100ms elapsed) ***\nCPU Power: 5 mW', 'bad-header'],
    ['*** Sampled system activity (Fri Nov 10 25:37:08 2023 +0100) (100ms elapsed) ***\nCPU Power: 5 mW', 'bad-header'],
    ['*** Sampled system activity (Fri Nov 10 12:37:08 2023 +0100) (100ms elapsed) ***\n**** Processor usage ****\n', 'no-power'],
    ['*** Sampled system activity (Fri Nov 10 12:37:08 2023 +0100) (100ms elapsed) ***\nCPU Power: 99999999 mW', 'implausible-power'],
  ])('%j → %s', (text, reason) => {
    expect(parsePowermetricsText(text)).toEqual([expect.objectContaining({ kind: 'skipped', reason })])
  })

  it('text with no header at all (an error, a preamble) gives no event', () => {
    expect(parsePowermetricsText('powermetrics must be invoked as the superuser\n')).toEqual([])
    expect(parsePowermetricsText('')).toEqual([])
  })

  it('dates: day padded with a space, offsets either side of UTC; nonsense is null', () => {
    expect(parsePowermetricsDate('Fri Sep  4 17:15:14 2015 +1000')).toBe(Date.UTC(2015, 8, 4, 7, 15, 14))
    expect(parsePowermetricsDate('Tue Mar  5 09:12:44 2024 -0800')).toBe(Date.UTC(2024, 2, 5, 17, 12, 44))
    expect(parsePowermetricsDate('Fri Foo 10 12:37:08 2023 +0100')).toBeNull()
    expect(parsePowermetricsBlock([])).toMatchObject({ kind: 'skipped', reason: 'bad-header' })
  })

  it('property: random text and mangled captures, no throw, every power 0–1000 W', () => {
    const mangled = fc
      .tuple(fc.integer({ min: 0, max: M1.length }), fc.integer({ min: 0, max: 2000 }), fc.string())
      .map(([at, cut, junk]) => M1.slice(0, at) + junk + M1.slice(at + cut))
    fc.assert(
      fc.property(fc.oneof(fc.string(), mangled), (text) => {
        for (const sample of samples(parsePowermetricsText(text))) {
          for (const figure of [...(sample.soc ? [sample.soc] : []), ...sample.parts]) {
            expect(figure.reading.powerW).toBeGreaterThanOrEqual(0)
            expect(figure.reading.powerW).toBeLessThanOrEqual(1000)
          }
          expect(Number.isFinite(sample.wallMs)).toBe(true)
        }
      }),
      { numRuns: 200 },
    )
  })
})

describe('needs administrator rights: said plainly, with a safe fix', () => {
  it("powermetrics' own words → permission, with macmon or one sudoers rule for exactly Wattprint's command", () => {
    const diagnosis = diagnosePowermetricsOutput('powermetrics must be invoked as the superuser\n', 'alice')
    expect(diagnosis.state).toBe('permission')
    const text = formatText('en', diagnosis.fix ?? { code: '', params: {} })
    expect(text).toContain('brew install macmon')
    expect(text).toContain('sudo visudo -f /etc/sudoers.d/wattprint-powermetrics')
    expect(text).toContain('alice ALL=(root) NOPASSWD: /usr/bin/powermetrics --samplers cpu_power\\,gpu_power\\,ane_power -i 1000')
    expect(text).toContain('sudo -n /usr/bin/powermetrics --samplers cpu_power,gpu_power,ane_power -i 1000')
    expect(text).not.toMatch(/NOPASSWD: ALL|sudo wattprint/i)
    expect(formatText('fr', diagnosis.fix ?? { code: '', params: {} })).toContain('brew install macmon')
  })

  it('sudo refusing without a password is the same problem; other words are not', () => {
    expect(diagnosePowermetricsOutput('sudo: a password is required\n', 'bob').state).toBe('permission')
    expect(diagnosePowermetricsOutput('powermetrics: unrecognized sampler: ane_power', 'bob')).toEqual({ state: 'other', fix: null })
  })

  it('the rule names one user; a name that is not a macOS short name (or is ALL) becomes a placeholder', () => {
    expect(powermetricsSudoersRule('bob')).toBe(`bob ALL=(root) NOPASSWD: /usr/bin/powermetrics --samplers cpu_power\\,gpu_power\\,ane_power -i 1000`)
    // "ALL" is sudoers' keyword for every user: never written as the user.
    expect(powermetricsSudoersRule('ALL')).toMatch(/^YOUR_USER_NAME /)
    expect(powermetricsSudoersRule('x ALL=(ALL) NOPASSWD: ALL\n#')).toMatch(/^YOUR_USER_NAME ALL=\(root\) NOPASSWD: \/usr\/bin\/powermetrics /)
    expect(POWERMETRICS_ARGS).toEqual(['--samplers', 'cpu_power,gpu_power,ane_power', '-i', '1000'])
  })

  it('the devices are fixed, one per part, and only the SoC is domain soc', () => {
    expect(Object.values(APPLE_DEVICES).map((d) => [d.deviceId, d.domain])).toEqual([
      ['apple:soc', 'soc'],
      ['apple:cpu', 'cpu-package'],
      ['apple:gpu', 'gpu'],
      ['apple:ane', 'ane'],
      ['apple:dram', 'dram'],
      ['apple:system', 'platform'],
    ])
  })
})
