import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { RAPL_FIX_COMMANDS, RAPL_UDEV_RULE, RAPL_UDEV_RULE_FILE, raplDomains, raplReadings, scanRapl, type RaplZone } from './rapl.parse.ts'
import { fixtureText, fixtureTree, memoryTree, ttarTree } from '../../../test/sysfs-trees.ts'
import { formatText } from '../../contract/messages.ts'

const WALL_MS = Date.UTC(2026, 10, 30, 12)

describe('RAPL powercap on the CodeCarbon laptop tree (package-0 with core, uncore, dram; psys)', () => {
  const tree = fixtureTree({ 'class/powercap': 'intel/codecarbon-rapl-laptop-psys' })
  const scan = scanRapl(tree.read, tree.list)

  it('finds the five zones, nested as copied, each once, counters in J with their wrap range', () => {
    expect(scan.state).toBe('ok')
    expect(scan.fix).toBeNull()
    expect(scan.zones.map((z) => [z.id, z.name, z.parentId])).toEqual([
      ['intel-rapl:0', 'package-0', null],
      ['intel-rapl:0:0', 'core', 'intel-rapl:0'],
      ['intel-rapl:0:1', 'uncore', 'intel-rapl:0'],
      ['intel-rapl:0:2', 'dram', 'intel-rapl:0'],
      ['intel-rapl:1', 'psys', null],
    ])
    expect(scan.zones[0]).toMatchObject({ energyCounterJ: 52649.883221, counterRangeJ: 262143.32885, energyProblem: null })
    expect(scan.zones.find((z) => z.name === 'dram')?.energyCounterJ).toBe(10642.772192)
  })

  it('records package-0 and its DRAM, shows psys apart, never core/uncore: nothing counted twice', () => {
    const selection = raplDomains(scan.zones)
    expect(selection.record.map((p) => [p.device.deviceId, p.device.domain, p.role])).toEqual([
      ['rapl:package-0', 'cpu-package', 'cpu-package'],
      ['rapl:package-0/dram', 'dram', 'dram'],
    ])
    expect(selection.platform.map((p) => [p.device.deviceId, p.device.domain])).toEqual([['rapl:psys', 'platform']])
    expect(selection.ignored.map((i) => [i.zone.name, i.role])).toEqual([
      ['core', 'inside-package'],
      ['uncore', 'inside-package'],
    ])
    // psys covers the package and DRAM (and more): adding it would count them twice.
    const recorded = selection.record.reduce((sum, p) => sum + (p.zone.energyCounterJ ?? 0), 0)
    expect(selection.platform[0]?.zone.energyCounterJ).toBeGreaterThan(recorded)
    for (const { device } of [...selection.record, ...selection.platform]) expect(device).toMatchObject({ source: 'rapl', method: 'counter', vendor: null })
  })

  it('readings carry the counter and the wrap range, everything else unknown', () => {
    const [pkg] = raplReadings(raplDomains(scan.zones).record, WALL_MS)
    expect(pkg?.reading).toEqual({
      deviceId: 'rapl:package-0',
      wallMs: WALL_MS,
      powerW: null,
      energyCounterJ: 52649.883221,
      counterRangeJ: 262143.32885,
      powerLimitW: null,
      utilPct: null,
      memUtilPct: null,
      memUsedB: null,
      tempC: null,
      smClockMhz: null,
      pstate: null,
    })
  })
})

describe('RAPL on the procfs ttar excerpt (the flat links of a live /sys/class/powercap)', () => {
  const tree = ttarTree(fixtureText('intel', 'procfs-ttar-excerpt__sys_class_powercap.ttar'), 'fixtures/sys/')
  const scan = scanRapl(tree.read, tree.list)

  it('reads intel-rapl:0, its core subzone, and the hex-numbered intel-rapl:a (package-10)', () => {
    expect(scan.state).toBe('ok')
    expect(scan.zones.map((z) => [z.id, z.name, z.energyCounterJ])).toEqual([
      ['intel-rapl:0', 'package-0', 240422.366267],
      ['intel-rapl:0:0', 'core', 118821.284256],
      ['intel-rapl:a', 'package-10', 240422.366267],
    ])
    expect(raplDomains(scan.zones).record.map((p) => [p.device.deviceId, p.device.index, p.device.name])).toEqual([
      ['rapl:package-0', 0, 'CPU package 0'],
      ['rapl:package-10', 10, 'CPU package 10'],
    ])
  })
})

/** A live-like flat powercap tree; `energy: null` is a file that exists but only root may read. */
function liveTree(energy: string | null, extra: Record<string, string | null> = {}): ReturnType<typeof memoryTree> {
  return memoryTree({
    'class/powercap/intel-rapl/enabled': '1\n',
    'class/powercap/intel-rapl:0/name': 'package-0\n',
    'class/powercap/intel-rapl:0/energy_uj': energy,
    'class/powercap/intel-rapl:0/max_energy_range_uj': '262143328850\n',
    'class/powercap/intel-rapl:0:0/name': 'core\n',
    'class/powercap/intel-rapl:0:0/energy_uj': energy,
    'class/powercap/intel-rapl-mmio:0/name': 'package-0\n',
    'class/powercap/intel-rapl-mmio:0/energy_uj': '123\n',
    ...extra,
  })
}

describe('permission: energy_uj readable by root only (CVE-2020-8694)', () => {
  it('zones with names but unreadable counters: state permission, with the udev fix', () => {
    const tree = liveTree(null)
    const scan = scanRapl(tree.read, tree.list)
    expect(scan.state).toBe('permission')
    expect(scan.zones[0]).toMatchObject({ name: 'package-0', energyCounterJ: null, energyProblem: 'unreadable', counterRangeJ: 262143.32885 })
    expect(scan.fix?.code).toBe('fix.rapl-permission')
    const text = formatText('en', scan.fix ?? { code: '', params: {} })
    expect(text).toContain(RAPL_UDEV_RULE_FILE)
    expect(text).toContain('SUBSYSTEM=="powercap", ACTION=="add", RUN+="/bin/chgrp powercap /sys%p/energy_uj", RUN+="/bin/chmod g+r /sys%p/energy_uj"')
    expect(text).toContain('sudo groupadd -f powercap && sudo usermod -aG powercap $USER')
    expect(text).toContain('log out and back in')
    expect(formatText('fr', scan.fix ?? { code: '', params: {} })).toContain(RAPL_UDEV_RULE)
  })

  it('the fix never runs Wattprint (or anything but the named system tools) as root', () => {
    for (const command of RAPL_FIX_COMMANDS.split(' && ')) {
      expect(command).toMatch(/^(sudo (groupadd|usermod|tee|udevadm) |echo ')/)
      expect(command).not.toMatch(/wattprint(?!-rapl\.rules)/i)
    }
    expect(RAPL_FIX_COMMANDS).not.toMatch(/chmod [0-7]*[4-7]\b|a\+r|o\+r/)
  })

  it('readable counters: ok; intel-rapl-mmio is never read (it is package-0 again)', () => {
    const tree = liveTree('1234567\n')
    const scan = scanRapl(tree.read, tree.list)
    expect(scan.state).toBe('ok')
    expect(scan.zones.map((z) => z.id)).toEqual(['intel-rapl:0', 'intel-rapl:0:0'])
    expect(raplDomains(scan.zones).record.map((p) => p.zone.energyCounterJ)).toEqual([1.234567])
  })
})

describe('missing and bad files give a reason, never a throw', () => {
  it('no powercap zones (a VM, an old CPU, no driver): no-zones, with how to load the driver', () => {
    const scan = scanRapl(memoryTree({}).read, memoryTree({}).list)
    expect(scan).toMatchObject({ state: 'no-zones', zones: [] })
    expect(formatText('en', scan.fix ?? { code: '', params: {} })).toContain('modprobe intel_rapl_msr')
  })

  it('a counter that is not a number is a bad value, not a permission problem', () => {
    const scan = scanRapl(liveTree('lots\n').read, liveTree('lots\n').list)
    expect(scan.state).toBe('ok')
    expect(scan.zones[0]).toMatchObject({ energyCounterJ: null, energyProblem: 'bad-value' })
  })

  it('unknown zone names are ignored with a reason; an AMD package (same names) is recorded', () => {
    const zones: RaplZone[] = [
      { id: 'intel-rapl:0', parentId: null, name: 'package-0', path: '', energyCounterJ: 5, counterRangeJ: 65536, energyProblem: null },
      { id: 'intel-rapl:0:0', parentId: 'intel-rapl:0', name: 'core', path: '', energyCounterJ: 3, counterRangeJ: 65536, energyProblem: null },
      { id: 'intel-rapl:2', parentId: null, name: 'gpu-thing', path: '', energyCounterJ: 1, counterRangeJ: null, energyProblem: null },
      { id: 'intel-rapl:3', parentId: null, name: 'package-1-die-1', path: '', energyCounterJ: 1, counterRangeJ: null, energyProblem: null },
    ]
    const selection = raplDomains(zones)
    expect(selection.record.map((p) => [p.device.deviceId, p.device.name])).toEqual([
      ['rapl:package-0', 'CPU package 0'],
      ['rapl:package-1-die-1', 'CPU package 1, die 1'],
    ])
    expect(selection.ignored.map((i) => i.why)).toEqual(["core is part of its package's energy", 'unknown RAPL zone "gpu-thing" (intel-rapl:2)'])
  })

  it('property: any file content, no throw, counters finite and non-negative or null', () => {
    const value = fc.oneof(fc.string(), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), fc.constant(null))
    const name = fc.oneof(fc.constantFrom('package-0\n', 'dram\n', 'psys\n', 'core\n', 'package-0-die-1\n'), fc.string())
    fc.assert(
      fc.property(fc.tuple(name, value, value, name, value), ([n0, e0, r0, n1, e1]) => {
        const tree = memoryTree({
          'class/powercap/intel-rapl:0/name': n0,
          'class/powercap/intel-rapl:0/energy_uj': e0,
          'class/powercap/intel-rapl:0/max_energy_range_uj': r0,
          'class/powercap/intel-rapl:0:2/name': n1,
          'class/powercap/intel-rapl:0:2/energy_uj': e1,
        })
        const scan = scanRapl(tree.read, tree.list)
        expect(['ok', 'permission']).toContain(scan.state)
        for (const zone of scan.zones) {
          expect(zone.energyCounterJ === null || (zone.energyCounterJ >= 0 && Number.isFinite(zone.energyCounterJ))).toBe(true)
          expect(zone.counterRangeJ === null || (zone.counterRangeJ > 0 && Number.isFinite(zone.counterRangeJ))).toBe(true)
        }
        const selection = raplDomains(scan.zones)
        expect(selection.record.length + selection.platform.length + selection.ignored.length).toBe(scan.zones.length)
        for (const { reading } of raplReadings(selection.record, WALL_MS)) expect(reading.powerW).toBeNull()
      }),
      { numRuns: 300 },
    )
  })
})
