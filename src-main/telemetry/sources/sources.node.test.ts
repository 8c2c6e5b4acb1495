import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, tempDir, waitFor } from '../../../test/helpers.ts'
import { testSourceEnv } from '../../../test/source-env.ts'
import { fixtureTree, memoryTree, type SysfsTree } from '../../../test/sysfs-trees.ts'
import { Recorder } from '../../recording/recorder.ts'
import { openDatabase } from '../../store/database.ts'
import { SampleStore } from '../../store/sample-store.ts'
import type { DeviceInfo, Reading } from '../reading.ts'
import { probeAll, SOURCE_ORDER, SOURCES } from '../registry.ts'
import { selectSources } from '../selection.ts'
import type { PollReader, ProbeResult, StreamReader } from '../source.ts'
import { amdSmiSource, rocmSmiSource } from './amd-tools.source.ts'
import { macmonSource, powermetricsSource } from './apple.source.ts'
import { drmHwmonSource } from './drm-hwmon.source.ts'
import { raplSource } from './rapl.source.ts'

const T0 = Date.UTC(2026, 10, 30, 12)

/** A stand-in executable: a shell script. */
function script(dir: string, name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

describe('drm-hwmon source (AMD and Intel GPUs through sysfs)', () => {
  it('finds an RX 7900 XTX in its real sysfs capture and reads it each poll', async () => {
    const env = testSourceEnv({ tree: fixtureTree({ 'class/drm': 'amd/lact-sysfs__rx7900xtx' }) })
    const probe = await drmHwmonSource.probe(env)
    expect(probe).toMatchObject({ state: 'ok', precision: 'sampled-power' })
    expect(probe.devices.map((d) => [d.deviceId, d.domain, d.vendor, d.pciAddress])).toEqual([['drm:0000:03:00.0', 'gpu', 'amd', '0000:03:00.0']])
    const reader = drmHwmonSource.open(env, probe.devices, { intervalMs: 1000 }) as PollReader
    const { readings, status } = await reader.read()
    expect(status).toBeNull()
    expect(readings[0]?.reading.powerW).toBe(68)
    expect(readings[0]?.reading.tempC).toBe(53)
  })

  it('reads an Intel Arc B580 (xe) from its energy counter', async () => {
    const env = testSourceEnv({ tree: fixtureTree({ 'class/drm': 'intel/lact-sysfs__b580' }) })
    const probe = await drmHwmonSource.probe(env)
    expect(probe).toMatchObject({ state: 'ok', precision: 'counter' })
    const reader = drmHwmonSource.open(env, probe.devices, { intervalMs: 1000 }) as PollReader
    expect((await reader.read()).readings[0]?.reading.energyCounterJ).toBeCloseTo(11031.745544, 6)
  })

  it('keeps a card without a power sensor (R7 240) with power unknown, and says so', async () => {
    const probe = await drmHwmonSource.probe(testSourceEnv({ tree: fixtureTree({ 'class/drm': 'amd/lact-sysfs__r7-240' }) }))
    expect(probe.state).toBe('ok')
    expect(probe.message.code).toBe('source.no-power-reading')
  })

  it('marks an APU (Strix Point) as the whole SoC, which then takes the place of RAPL’s package', async () => {
    const env = testSourceEnv({ tree: fixtureTree({ 'class/drm': 'amd/lact-sysfs__strixpoint', 'class/powercap': 'intel/codecarbon-rapl-laptop-psys' }) })
    const [drm, rapl] = await Promise.all([drmHwmonSource.probe(env), raplSource.probe(env)])
    expect(drm.devices[0]?.domain).toBe('soc')
    const { selected, dropped } = selectSources([drm, rapl], SOURCE_ORDER)
    const kept = selected.flatMap((s) => s.devices.map((d) => d.domain))
    expect(kept).toEqual(['soc', 'dram'])
    expect(dropped.map((d) => d.reason.code).sort()).toEqual(['source.inside-soc', 'source.platform-not-added'])
  })

  it('reports a card that went to sleep as asleep, without reading its hwmon, and reads it again when it wakes', async () => {
    const files: Record<string, string> = { 'class/drm/card1/device/power/runtime_status': 'active\n' }
    const base = fixtureTree({ 'class/drm': 'amd/lact-sysfs__rx7600s' })
    const tree: SysfsTree = { read: (p) => files[p] ?? base.read(p), list: base.list }
    const env = testSourceEnv({ tree })
    const probe = await drmHwmonSource.probe(env)
    const reader = drmHwmonSource.open(env, probe.devices, { intervalMs: 1000 }) as PollReader
    expect((await reader.read()).readings).toHaveLength(1)
    files['class/drm/card1/device/power/runtime_status'] = 'suspended\n'
    const asleep = await reader.read()
    expect(asleep).toMatchObject({ readings: [], status: { state: 'asleep' } })
    files['class/drm/card1/device/power/runtime_status'] = 'active\n'
    expect((await reader.read()).readings).toHaveLength(1)
  })

  it('finds no device on a machine without amdgpu/xe cards', async () => {
    expect(await drmHwmonSource.probe(testSourceEnv({}))).toMatchObject({ state: 'no-device', devices: [] })
  })
})

describe('RAPL source (CPU package and DRAM through powercap)', () => {
  it('records package-0 and its DRAM, never psys (the platform), from a real laptop tree', async () => {
    const env = testSourceEnv({ tree: fixtureTree({ 'class/powercap': 'intel/codecarbon-rapl-laptop-psys' }) })
    const probe = await raplSource.probe(env)
    expect(probe.state).toBe('ok')
    expect(probe.precision).toBe('counter')
    expect(probe.devices.map((d) => [d.deviceId, d.domain])).toEqual([
      ['rapl:package-0', 'cpu-package'],
      ['rapl:package-0/dram', 'dram'],
      ['rapl:psys', 'platform'],
    ])
    const { selected } = selectSources([probe], SOURCE_ORDER)
    expect(selected[0]?.devices.map((d) => d.domain)).toEqual(['cpu-package', 'dram'])
  })

  it('says energy_uj is root-only (CVE-2020-8694) and gives the group + udev fix, not "run as root"', async () => {
    const files: Record<string, string | null> = {
      'class/powercap/intel-rapl:0/name': 'package-0\n',
      'class/powercap/intel-rapl:0/energy_uj': null,
      'class/powercap/intel-rapl:0/max_energy_range_uj': '262143328850\n',
    }
    const probe = await raplSource.probe(testSourceEnv({ tree: memoryTree(files) }))
    expect(probe.state).toBe('permission')
    expect(probe.message).toMatchObject({ code: 'source.rapl-permission', params: { path: expect.stringContaining('intel-rapl:0/energy_uj') } })
    expect(probe.fix?.code).toBe('fix.rapl-permission')
    expect(JSON.stringify(probe.fix)).toMatch(/udev/)
    expect(JSON.stringify(probe.fix)).not.toMatch(/sudo wattprint|sudo npm/)
  })

  it('through the recorder: the counter wraps at max_energy_range_uj and no energy is lost', async () => {
    const files: Record<string, string> = {
      'class/powercap/intel-rapl:0/name': 'package-0\n',
      'class/powercap/intel-rapl:0/energy_uj': '262143000000\n',
      'class/powercap/intel-rapl:0/max_energy_range_uj': '262143328850\n',
    }
    const env = testSourceEnv({ tree: memoryTree(files) })
    const probe = await raplSource.probe(env)
    const reader = raplSource.open(env, probe.devices, { intervalMs: 1000 }) as PollReader
    const store = new SampleStore(openDatabase(join(tempDir(), 'rapl.db')))
    let ms = 0
    const recorder = new Recorder({
      readers: [],
      sink: store,
      maxGapS: 10,
      flushIntervalMs: 60_000,
      pollIntervalMs: () => 1000,
      wallNowMs: () => T0 + ms,
      monotonicNowMs: () => ms,
    })
    // 25 W for three seconds, crossing the wrap between the first and second reads.
    for (const uj of [262143000000, 24671150, 49671150, 74671150]) {
      files['class/powercap/intel-rapl:0/energy_uj'] = `${uj}\n`
      for (const { reading, device } of (await reader.read()).readings) recorder.accept({ ...reading, wallMs: T0 + ms }, device)
      ms += 1000
    }
    recorder.flush()
    expect(store.totals(T0, T0 + 10_000).energyJ).toBeCloseTo(75, 6)
    expect(recorder.counts.counterIntervals).toBe(3)
  })

  it('finds no zones on a machine without RAPL and says how to load the driver', async () => {
    expect(await raplSource.probe(testSourceEnv({}))).toMatchObject({ state: 'no-device', fix: { code: 'fix.rapl-no-zones' } })
  })
})

describe('AMD tools (rocm-smi, amd-smi), run as stand-in executables', () => {
  it('reads rocm-smi --json as the tool prints it (a real MI100 capture), each poll a fresh run', async () => {
    const dir = tempDir()
    const rocmSmi = script(dir, 'rocm-smi', `cat '${join(FIXTURES, 'amd', 'telegraf-rocm-smi__mi100_rocm602.json')}'`)
    const env = testSourceEnv({ executables: { rocmSmi } })
    const probe = await rocmSmiSource.probe(env)
    expect(probe.state).toBe('ok')
    expect(probe.devices.length).toBeGreaterThan(0)
    expect(probe.devices.every((d) => d.vendor === 'amd' && d.source === 'rocm-smi')).toBe(true)
    const reader = rocmSmiSource.open(env, probe.devices, { intervalMs: 1000 }) as PollReader
    const { readings } = await reader.read()
    expect(readings).toHaveLength(probe.devices.length)
    expect(readings.some((r) => r.reading.powerW !== null)).toBe(true)
  })

  it('is not installed when the tool is not there, and says the sysfs readings do without it', async () => {
    expect(await amdSmiSource.probe(testSourceEnv({}))).toMatchObject({ state: 'not-installed', fix: { code: 'fix.amd-smi-not-installed' } })
  })

  it('says what the tool printed when its output is not JSON', async () => {
    const dir = tempDir()
    const rocmSmi = script(dir, 'rocm-smi', `echo 'ERROR: GPU[0]: Driver not initialized (amdgpu not found in modules)' >&2; echo 'not json'`)
    const probe = await rocmSmiSource.probe(testSourceEnv({ executables: { rocmSmi } }))
    expect(probe.state).toBe('no-device')
    expect(probe.raw).toMatch(/amdgpu not found in modules/)
  })
})

describe('Apple Silicon (powermetrics, macmon), run as stand-in executables', () => {
  const powermetricsText = join(FIXTURES, 'apple', 'codecarbon-powermetrics__macbookair10_1-m1.txt')

  it('powermetrics without permission: the exact command, sudo’s words and the fix; Wattprint never asks for a password', async () => {
    const dir = tempDir()
    const powermetrics = script(dir, 'powermetrics', 'exit 0')
    const sudo = script(dir, 'sudo', 'echo "sudo: a password is required" >&2; exit 1')
    const probe = await powermetricsSource.probe(testSourceEnv({ platform: 'darwin', executables: { powermetrics, sudo } }))
    expect(probe).toMatchObject({ state: 'permission', message: { code: 'source.powermetrics-root' }, fix: { code: 'fix.powermetrics-root' } })
    expect(probe.raw).toMatch(/password is required/)
  })

  it('powermetrics allowed by sudoers: records the SoC, shows CPU/GPU/ANE inside it without adding them', async () => {
    const dir = tempDir()
    const powermetrics = script(dir, 'powermetrics', `cat '${powermetricsText}'; exec sleep 30`)
    // sudo -n -l COMMAND: allowed; sudo -n COMMAND ARGS: runs it.
    const sudo = script(dir, 'sudo', '[ "$1" = "-n" ] || exit 1; shift; [ "$1" = "-l" ] && exit 0; exec "$@"')
    const env = testSourceEnv({ platform: 'darwin', executables: { powermetrics, sudo } })
    const probe = await powermetricsSource.probe(env)
    expect(probe.state).toBe('ok')
    const reader = powermetricsSource.open(env, [], { intervalMs: 1000 }) as StreamReader
    const got: { reading: Reading; device: DeviceInfo }[] = []
    reader.start({ onReading: (reading, device) => got.push({ reading, device }), onStatus: () => undefined })
    // The last block completes only at the next header: nine of ten samples arrive while it runs.
    await waitFor(() => got.filter((g) => g.device.deviceId === 'apple:soc').length >= 9, 'nine SoC samples')
    await reader.stop()
    const soc = got.filter((g) => g.device.deviceId === 'apple:soc')
    expect(soc.every((g) => g.device.domain === 'soc' && !g.device.partOf)).toBe(true)
    const parts = got.filter((g) => g.device.partOf === 'apple:soc')
    expect(new Set(parts.map((p) => p.device.deviceId))).toEqual(new Set(['apple:cpu', 'apple:gpu', 'apple:ane', 'apple:dram']))
  })

  it('macmon (no administrator rights) reads its JSON lines, and only the SoC is recorded', async () => {
    const dir = tempDir()
    // One line every 0.2 s, as macmon prints them (each line stamped when it is read).
    const macmon = script(
      dir,
      'macmon',
      `while IFS= read -r line; do echo "$line"; sleep 0.2; done < '${join(FIXTURES, 'apple', 'codecarbon-macmon-pipe__jsonl.txt')}'; exec sleep 30`,
    )
    const env = testSourceEnv({ platform: 'darwin', executables: { macmon }, clock: { nowMs: () => Date.now() } })
    expect((await macmonSource.probe(env)).state).toBe('ok')
    const store = new SampleStore(openDatabase(join(tempDir(), 'mac.db')))
    const recorder = new Recorder({
      readers: [macmonSource.open(env, [], { intervalMs: 1000 })],
      sink: store,
      maxGapS: 10,
      flushIntervalMs: 60_000,
      pollIntervalMs: () => 1000,
      wallNowMs: () => T0,
    })
    recorder.start()
    await waitFor(() => recorder.counts.samples >= 10, 'ten macmon lines')
    await recorder.stop()
    expect(store.devices().map((d) => d.deviceId)).toEqual(['apple:soc'])
    expect(recorder.status().devices.filter((d) => d.partOf === 'apple:soc').length).toBeGreaterThan(0)
  })
})

describe('the registry on a machine with nothing to read', () => {
  it('probes every source, each with a state and words; nothing is selected; nothing throws', async () => {
    const results: ProbeResult[] = await probeAll(testSourceEnv({}))
    expect(results.map((r) => r.sourceId)).toEqual(SOURCES.map((s) => s.id))
    expect(results.every((r) => r.state !== 'ok')).toBe(true)
    expect(results.every((r) => typeof r.message.code === 'string')).toBe(true)
    expect(results.filter((r) => r.sourceId === 'macmon' || r.sourceId === 'powermetrics').every((r) => r.message.code === 'source.not-on-platform')).toBe(true)
    expect(selectSources(results, SOURCE_ORDER).selected).toEqual([])
  })
})
