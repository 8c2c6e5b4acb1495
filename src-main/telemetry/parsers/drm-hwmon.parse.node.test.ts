import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { drmRuntimeStatus, isDrmCardAsleep, readDrmCard, scanDrmHwmon, type DrmGpu } from './drm-hwmon.parse.ts'
import { fixtureTree, memoryTree } from '../../../test/sysfs-trees.ts'
import type { FileReader } from '../reading.ts'

const WALL_MS = Date.UTC(2026, 10, 30, 12)

/** A LACT capture (`cardN/device/...`) mounted as /sys/class/drm. */
function capture(dir: string): DrmGpu {
  const tree = fixtureTree({ 'class/drm': dir })
  const scan = scanDrmHwmon(tree.read, tree.list, WALL_MS)
  expect(scan.skipped).toEqual([])
  expect(scan.asleep).toEqual([])
  expect(scan.gpus).toHaveLength(1)
  const gpu = scan.gpus[0]
  if (!gpu) throw new Error(`${dir}: no GPU`)
  expect(gpu.reading.deviceId).toBe(gpu.device.deviceId)
  expect(gpu.reading.wallMs).toBe(WALL_MS)
  return gpu
}

describe('amdgpu hwmon on the nine LACT captures', () => {
  it('RX 7900 XTX: power1_average 68 W, cap 290 W, edge 53 °C, busy 3 %', () => {
    const gpu = capture('amd/lact-sysfs__rx7900xtx')
    expect(gpu.device).toMatchObject({
      deviceId: 'drm:0000:03:00.0',
      index: 0,
      name: 'AMD Radeon RX 7900 XT / XTX / GRE (Navi 31)',
      source: 'drm-hwmon',
      domain: 'gpu',
      method: 'sampled-power',
      pciAddress: '0000:03:00.0',
      vendor: 'amd',
    })
    expect(gpu.reading).toMatchObject({ powerW: 68, powerLimitW: 290, tempC: 53, utilPct: 3, smClockMhz: 31, energyCounterJ: null, counterRangeJ: null })
    expect(gpu).toMatchObject({ driver: 'amdgpu', hwmon: 'hwmon8', powerLabel: 'PPT', notes: [] })
  })

  it('RX 9070 XT: 55 W under a cap lowered to 120 W (default 304 W)', () => {
    const gpu = capture('amd/lact-sysfs__rx9070xt')
    expect(gpu.device).toMatchObject({ deviceId: 'drm:0000:0f:00.0', name: 'AMD Radeon RX 9070 / 9070 XT (Navi 48)', domain: 'gpu' })
    expect(gpu.reading).toMatchObject({ powerW: 55, powerLimitW: 120, tempC: 42, utilPct: 3 })
  })

  it('RX 6900 XT: values padded with NUL bytes (a page read whole) still read as numbers', () => {
    const gpu = capture('amd/lact-sysfs__rx6900xt')
    expect(gpu.device).toMatchObject({ deviceId: 'drm:0000:0c:00.0', name: 'AMD Radeon RX 6800 / 6800 XT / 6900 XT (Navi 21)' })
    expect(gpu.reading).toMatchObject({ powerW: 36, powerLimitW: 289, tempC: 56, utilPct: 3, smClockMhz: 500 })
    expect(gpu.notes).toEqual([])
  })

  it('RX 580 (Polaris): 41.045 W, cap 155 W', () => {
    const gpu = capture('amd/lact-sysfs__rx580')
    expect(gpu.device).toMatchObject({ deviceId: 'drm:0000:09:00.0', index: 0, domain: 'gpu' })
    expect(gpu.reading).toMatchObject({ powerW: 41.045, powerLimitW: 155, tempC: 44, utilPct: 11, smClockMhz: 798.08 })
  })

  it('RX 7600S laptop dGPU idles at exactly 1 W: a real reading, kept as it is', () => {
    const gpu = capture('amd/lact-sysfs__rx7600s')
    expect(gpu.reading.powerW).toBe(1)
    expect(gpu.reading).toMatchObject({ powerLimitW: 95, tempC: 53, utilPct: 0, smClockMhz: 0 })
    // temp*_crit_hyst = -273150 ("none") is never read as a temperature.
    expect(gpu.notes).toEqual([])
  })

  it('R7 240 (old GCN) has a power1_label but no power file: power unknown (null), never 0', () => {
    const gpu = capture('amd/lact-sysfs__r7-240')
    expect(gpu.reading.powerW).toBeNull()
    expect(gpu.reading.energyCounterJ).toBeNull()
    expect(gpu.reading.tempC).toBe(52)
    expect(gpu.notes.map((n) => n.note)).toEqual(['no-power-sensor'])
    expect(gpu.device).toMatchObject({ deviceId: 'drm:0000:01:00.0', name: 'AMD Radeon R7 240 / 340 / 520 (Oland)', method: 'sampled-power' })
  })

  it('Van Gogh (Steam Deck): power1 (slowPPT average, 3.218 W) is the socket; power2 (fastPPT) is not added', () => {
    const gpu = capture('amd/lact-sysfs__vangogh')
    expect(gpu.powerLabel).toBe('slowPPT')
    expect(gpu.reading.powerW).toBe(3.218)
    expect(gpu.reading.powerLimitW).toBe(15)
    expect(gpu.device.domain).toBe('soc')
    expect(gpu.notes.map((n) => n.note).sort()).toEqual(['apu-socket-power', 'second-power-ignored'])
  })

  it.each([
    ['phoenix', 3.103, 'drm:0000:64:00.0', 25],
    ['strixpoint', 9.087, 'drm:0000:c1:00.0', 38],
  ])('%s APU: power1_average preferred over power1_input, domain soc (the whole chip, CPU included)', (name, powerW, id, tempC) => {
    const gpu = capture(`amd/lact-sysfs__${name}`)
    expect(gpu.reading.powerW).toBe(powerW)
    expect(gpu.reading.powerLimitW).toBeNull()
    expect(gpu.reading.tempC).toBe(tempC)
    expect(gpu.device).toMatchObject({ deviceId: id, domain: 'soc', vendor: 'amd' })
    expect(gpu.notes.map((n) => n.note)).toEqual(['apu-socket-power'])
  })
})

describe('Intel xe and i915 hwmon on the three LACT captures', () => {
  it('Arc B580 (xe): the card energy counter (energy1, label card) in J, so the method is counter', () => {
    const gpu = capture('intel/lact-sysfs__b580')
    expect(gpu).toMatchObject({ driver: 'xe', energyLabel: 'card', powerLabel: 'card' })
    expect(gpu.reading.energyCounterJ).toBe(11031.745544)
    expect(gpu.reading.powerW).toBeNull()
    expect(gpu.reading.powerLimitW).toBe(190)
    expect(gpu.reading.tempC).toBe(54)
    expect(gpu.device).toMatchObject({ deviceId: 'drm:0000:09:00.0', name: 'Intel Arc B580 (Battlemage)', method: 'counter', vendor: 'intel', domain: 'gpu' })
  })

  it('Arc B580 on kernel 6.16: energy1 (card) reads 0 = not reported, so the pkg counter is used', () => {
    const gpu = capture('intel/lact-sysfs__b580-6.16')
    expect(gpu.energyLabel).toBe('pkg')
    expect(gpu.reading.energyCounterJ).toBe(29523.753173)
    expect(gpu.notes.map((n) => n.note)).toEqual(['energy-counter-unreported'])
    // Only power1_crit: a critical threshold, not the sustained limit.
    expect(gpu.reading.powerLimitW).toBeNull()
    expect(gpu.reading.tempC).toBe(46)
  })

  it('Arc A380 (i915): an unlabelled energy1_input, power1_max as the limit', () => {
    const gpu = capture('intel/lact-sysfs__a380-i915')
    expect(gpu).toMatchObject({ driver: 'i915', energyLabel: 'energy1' })
    expect(gpu.reading).toMatchObject({ energyCounterJ: 25637.161804, powerLimitW: 55, tempC: 55, powerW: null })
    expect(gpu.device).toMatchObject({ deviceId: 'drm:0000:0b:00.0', method: 'counter' })
  })
})

/** A minimal amdgpu card with its hwmon, plus any extra files. */
function amdCard(extra: Record<string, string | null> = {}): Record<string, string | null> {
  return {
    'class/drm/card0/device/uevent': 'DRIVER=amdgpu\nPCI_ID=1002:744C\nPCI_SLOT_NAME=0000:03:00.0\n',
    'class/drm/card0/device/hwmon/hwmon3/name': 'amdgpu\n',
    'class/drm/card0/device/hwmon/hwmon3/power1_average': '250000000\n',
    'class/drm/card0/device/hwmon/hwmon3/temp1_input': '70000\n',
    'class/drm/card0/device/hwmon/hwmon3/temp1_label': 'edge\n',
    'class/drm/card0/device/gpu_busy_percent': '99\n',
    ...extra,
  }
}

/** Records every path read, so a test can say what was not touched. */
function recording(read: FileReader): { read: FileReader; paths: string[] } {
  const paths: string[] = []
  return {
    paths,
    read: (path) => {
      paths.push(path)
      return read(path)
    },
  }
}

describe('a sleeping discrete GPU (PCI runtime PM) is reported, never read', () => {
  it('runtime_status = suspended: asleep, and no hwmon or busy file is opened', () => {
    const tree = memoryTree(amdCard({ 'class/drm/card0/device/power/runtime_status': 'suspended\n' }))
    const spy = recording(tree.read)
    expect(isDrmCardAsleep(tree.read, 'card0')).toBe(true)
    const scan = scanDrmHwmon(spy.read, tree.list, WALL_MS)
    expect(scan.gpus).toEqual([])
    expect(scan.asleep).toEqual([
      { card: 'card0', device: expect.objectContaining({ deviceId: 'drm:0000:03:00.0', pciAddress: '0000:03:00.0', vendor: 'amd' }) },
    ])
    expect(spy.paths.filter((p) => p.includes('/hwmon') || p.endsWith('busy_percent'))).toEqual([])
  })

  it.each(['active', 'resuming', 'unsupported'])('runtime_status = %s: read as usual', (status) => {
    const tree = memoryTree(amdCard({ 'class/drm/card0/device/power/runtime_status': `${status}\n` }))
    expect(drmRuntimeStatus(tree.read, 'card0')).toBe(status)
    expect(isDrmCardAsleep(tree.read, 'card0')).toBe(false)
    expect(scanDrmHwmon(tree.read, tree.list, WALL_MS).gpus[0]?.reading.powerW).toBe(250)
  })

  it('suspending counts as asleep; no runtime_status file (the captures) does not', () => {
    expect(isDrmCardAsleep(memoryTree(amdCard({ 'class/drm/card0/device/power/runtime_status': 'suspending' })).read, 'card0')).toBe(true)
    expect(isDrmCardAsleep(memoryTree(amdCard()).read, 'card0')).toBe(false)
  })
})

describe('missing and bad files give a reason, never a throw', () => {
  it('no class/drm at all: nothing found', () => {
    expect(scanDrmHwmon(memoryTree({}).read, memoryTree({}).list, WALL_MS)).toEqual({ gpus: [], asleep: [], skipped: [] })
  })

  it('connectors and render nodes are not cards; a card without hwmon or with another driver is skipped with a reason', () => {
    const tree = memoryTree({
      'class/drm/card0-DP-1/status': 'connected\n',
      'class/drm/renderD128/dev': '226:128\n',
      'class/drm/version': 'drm 1.1.0 20060810\n',
      'class/drm/card0/device/uevent': 'DRIVER=i915\nPCI_ID=8086:A780\nPCI_SLOT_NAME=0000:00:02.0\n',
      'class/drm/card1/device/uevent': 'DRIVER=nouveau\nPCI_ID=10DE:2684\nPCI_SLOT_NAME=0000:01:00.0\n',
      'class/drm/card1/device/hwmon/hwmon2/name': 'nouveau\n',
    })
    const scan = scanDrmHwmon(tree.read, tree.list, WALL_MS)
    expect(scan.gpus).toEqual([])
    expect(scan.skipped.map((s) => [s.card, s.reason])).toEqual([
      ['card0', 'no-hwmon'],
      ['card1', 'unknown-driver'],
    ])
    expect(readDrmCard(tree.read, tree.list, 'card0-DP-1', WALL_MS)).toMatchObject({ kind: 'skipped', skipped: { reason: 'not-a-card' } })
  })

  it('garbage, negative and impossible values become null with a bad-value note', () => {
    const tree = memoryTree(
      amdCard({
        'class/drm/card0/device/hwmon/hwmon3/power1_average': 'N/A\n',
        'class/drm/card0/device/hwmon/hwmon3/power1_input': '-5000000\n',
        'class/drm/card0/device/hwmon/hwmon3/temp1_input': '-273150\n',
        'class/drm/card0/device/gpu_busy_percent': '250\n',
        'class/drm/card0/device/hwmon/hwmon3/power1_cap': '9999999999999\n',
      }),
    )
    const gpu = scanDrmHwmon(tree.read, tree.list, WALL_MS).gpus[0]
    expect(gpu?.reading).toMatchObject({ powerW: null, tempC: null, utilPct: null, powerLimitW: null })
    expect(gpu?.notes.filter((n) => n.note === 'bad-value')).toHaveLength(5)
  })

  it('a uevent without PCI fields: the device is named and keyed by its card', () => {
    const tree = memoryTree(amdCard({ 'class/drm/card0/device/uevent': 'DRIVER=amdgpu\n' }))
    const gpu = scanDrmHwmon(tree.read, tree.list, WALL_MS).gpus[0]
    expect(gpu?.device).toMatchObject({ deviceId: 'drm:card0', name: 'GPU (card0)', pciAddress: null, vendor: 'amd' })
  })

  it('an unknown PCI id is named by vendor and id', () => {
    const tree = memoryTree(amdCard({ 'class/drm/card0/device/uevent': 'PCI_ID=1002:74A1\nPCI_SLOT_NAME=0000:0A:00.0\n' }))
    expect(scanDrmHwmon(tree.read, tree.list, WALL_MS).gpus[0]?.device).toMatchObject({ name: 'AMD GPU (1002:74A1)', deviceId: 'drm:0000:0a:00.0' })
  })

  it('VRAM and memory busy files are read where present', () => {
    const tree = memoryTree(
      amdCard({
        'class/drm/card0/device/mem_info_vram_used': '1073741824\n',
        'class/drm/card0/device/mem_info_vram_total': '25753026560\n',
        'class/drm/card0/device/mem_busy_percent': '12\n',
      }),
    )
    const gpu = scanDrmHwmon(tree.read, tree.list, WALL_MS).gpus[0]
    expect(gpu?.reading).toMatchObject({ memUsedB: 1073741824, memUtilPct: 12 })
    expect(gpu?.device.memTotalB).toBe(25753026560)
  })

  it('a reader that throws is the same as a missing file', () => {
    const throwing: FileReader = () => {
      throw new Error('EIO')
    }
    expect(() => scanDrmHwmon(throwing, () => ['card0'], WALL_MS)).not.toThrow()
    expect(
      scanDrmHwmon(
        throwing,
        () => {
          throw new Error('EACCES')
        },
        WALL_MS,
      ).gpus,
    ).toEqual([])
  })
})

describe('property: any file content, no throw, every figure plausible or null', () => {
  const FILES = [
    'class/drm/card0/device/uevent',
    'class/drm/card0/device/power/runtime_status',
    'class/drm/card0/device/hwmon/hwmon0/name',
    'class/drm/card0/device/hwmon/hwmon0/power1_average',
    'class/drm/card0/device/hwmon/hwmon0/power1_input',
    'class/drm/card0/device/hwmon/hwmon0/power1_cap',
    'class/drm/card0/device/hwmon/hwmon0/energy1_input',
    'class/drm/card0/device/hwmon/hwmon0/energy1_label',
    'class/drm/card0/device/hwmon/hwmon0/temp1_input',
    'class/drm/card0/device/hwmon/hwmon0/freq1_input',
    'class/drm/card0/device/hwmon/hwmon0/freq1_label',
    'class/drm/card0/device/gpu_busy_percent',
    'class/drm/card0/device/mem_info_vram_used',
  ]
  const content = fc.oneof(
    fc.string(),
    fc.integer().map(String),
    fc.constantFrom('amdgpu\n', 'xe\n', 'i915\n', 'suspended\n', 'card\n', 'sclk\n'),
    fc.constant(null),
  )

  it('holds for random trees', () => {
    fc.assert(
      fc.property(fc.tuple(...FILES.map(() => content)), (values) => {
        const tree = memoryTree(Object.fromEntries(FILES.map((f, i) => [f, values[i] ?? null])))
        const scan = scanDrmHwmon(tree.read, tree.list, WALL_MS)
        for (const { reading, device } of scan.gpus) {
          expect(reading.powerW === null || (reading.powerW >= 0 && reading.powerW <= 3000)).toBe(true)
          expect(reading.powerLimitW === null || (reading.powerLimitW > 0 && reading.powerLimitW <= 3000)).toBe(true)
          expect(reading.energyCounterJ === null || (reading.energyCounterJ > 0 && Number.isFinite(reading.energyCounterJ))).toBe(true)
          expect(reading.tempC === null || (reading.tempC >= -40 && reading.tempC <= 150)).toBe(true)
          expect(reading.utilPct === null || (reading.utilPct >= 0 && reading.utilPct <= 100)).toBe(true)
          expect(device.method).toBe(reading.energyCounterJ === null ? 'sampled-power' : 'counter')
          expect(device.deviceId).toMatch(/^drm:/)
        }
      }),
      { numRuns: 300 },
    )
  })
})
