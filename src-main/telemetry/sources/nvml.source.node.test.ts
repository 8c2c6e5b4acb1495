import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildNvmlStandIn } from '../../../test/stand-ins/nvml/build.ts'
import { laptopGpuFiles, testSourceEnv } from '../../../test/source-env.ts'
import { memoryTree } from '../../../test/sysfs-trees.ts'
import { tempDir } from '../../../test/helpers.ts'
import { Recorder } from '../../recording/recorder.ts'
import { openDatabase } from '../../store/database.ts'
import { SampleStore } from '../../store/sample-store.ts'
import { selectSources } from '../selection.ts'
import { SOURCE_ORDER } from '../registry.ts'
import type { PollReader, ProbeResult } from '../source.ts'
import { nvmlSource } from './nvml.source.ts'
import { nvidiaSmiSource } from './nvidia-smi.source.ts'
import { sourceEnv as machineSourceEnv } from '../env.ts'

// The NVML source, through koffi, against the stand-in libnvidia-ml.so compiled from C here.

let library = ''
beforeAll(() => {
  library = buildNvmlStandIn()
})
afterEach(() => clearStandInEnv())

const T0 = Date.UTC(2026, 10, 30, 12)

function clearStandInEnv(): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('WATTPRINT_NVML_')) Reflect.deleteProperty(process.env, key)
}

async function probe(env: Record<string, string>, files: Record<string, string> = {}): Promise<ProbeResult> {
  clearStandInEnv()
  Object.assign(process.env, env)
  return nvmlSource.probe(testSourceEnv({ nvmlLibrary: library, tree: memoryTree(files) }))
}

describe('NVML source', () => {
  it('finds every GPU by UUID with its PCI address, and prefers the energy counter', async () => {
    const result = await probe({ WATTPRINT_NVML_DEVICES: '2', WATTPRINT_NVML_NAME: 'NVIDIA GeForce RTX 4090,NVIDIA GeForce RTX 3060' })
    expect(result.state).toBe('ok')
    expect(result.precision).toBe('counter')
    expect(result.devices.map((d) => [d.name, d.method, d.pciAddress, d.domain, d.source])).toEqual([
      ['NVIDIA GeForce RTX 4090', 'counter', '0000:01:00.0', 'gpu', 'nvml'],
      ['NVIDIA GeForce RTX 3060', 'counter', '0000:02:00.0', 'gpu', 'nvml'],
    ])
    expect(result.devices[0]?.deviceId).toMatch(/^GPU-/)
    expect(result.devices[0]?.memTotalB).toBe(24564 * 2 ** 20)
  })

  it('falls back to sampled power for a GPU without the counter (pre-Volta)', async () => {
    const result = await probe({ WATTPRINT_NVML_DEVICES: '2', WATTPRINT_NVML_NO_ENERGY: '1,0' })
    expect(result.devices.map((d) => d.method)).toEqual(['sampled-power', 'counter'])
    expect(result.precision).toBe('sampled-power')
  })

  it('says why NVML cannot be used, with NVML’s words and the fix', async () => {
    const missing = await nvmlSource.probe(testSourceEnv({ nvmlLibrary: join(tempDir(), 'libnvidia-ml.so.1') }))
    expect(missing).toMatchObject({ state: 'not-installed', message: { code: 'source.nvml-unavailable' }, fix: { code: 'fix.nvml-not-installed' } })
    expect(missing.raw).toMatch(/libnvidia-ml\.so\.1/)
    expect(await probe({ WATTPRINT_NVML_INIT_ERROR: 'no-permission' })).toMatchObject({
      state: 'permission',
      fix: { code: 'fix.nvidia-permission' },
      raw: expect.stringMatching(/Insufficient Permissions/),
    })
    expect(await probe({ WATTPRINT_NVML_INIT_ERROR: 'driver-not-loaded' })).toMatchObject({ state: 'driver-error', fix: { code: 'fix.nvidia-driver' } })
    expect(await probe({ WATTPRINT_NVML_INIT_ERROR: 'rm-version-mismatch' })).toMatchObject({
      state: 'driver-error',
      fix: { code: 'fix.nvidia-version-mismatch' },
    })
    expect(await probe({ WATTPRINT_NVML_DEVICES: '0' })).toMatchObject({ state: 'no-device', fix: { code: 'fix.nvidia-no-device' } })
  })

  it('never loads NVML for a laptop GPU that sleeps: asleep, not 0 W', async () => {
    // A library path that would fail to load: an asleep probe must not even try it.
    const result = await nvmlSource.probe(
      testSourceEnv({ nvmlLibrary: '/nonexistent/libnvidia-ml.so.1', tree: memoryTree(laptopGpuFiles('0000:01:00.0', true)) }),
    )
    expect(result).toMatchObject({ state: 'asleep', devices: [], raw: null })
  })

  it('is preferred over nvidia-smi for the same GPUs (nvidia-smi is then not run at all)', async () => {
    const nvml = await probe({ WATTPRINT_NVML_DEVICES: '1' })
    const smi: ProbeResult = {
      sourceId: 'nvidia-smi',
      state: 'ok',
      devices: [],
      precision: 'sampled-power',
      message: { code: 'source.found', params: {} },
      fix: null,
      raw: null,
    }
    const { selected, dropped } = selectSources([nvml, smi], SOURCE_ORDER)
    expect(selected.map((s) => s.sourceId)).toEqual(['nvml'])
    expect(dropped).toMatchObject([{ sourceId: 'nvidia-smi', reason: { code: 'source.read-by-other' } }])
    expect(nvidiaSmiSource.id).toBe('nvidia-smi')
  })

  it('reads the counter in J: the energy between two reads, split where the load started', async () => {
    // Virtual clock: each energy read moves the GPU's clock 1 s on (the probe's read ends at 1 s, then 2 s, 3 s); load from 2.5 s.
    const env = {
      WATTPRINT_NVML_MACHINE: 'energy',
      WATTPRINT_NVML_STEP_MS: '1000',
      WATTPRINT_NVML_IDLE_W: '30',
      WATTPRINT_NVML_LOAD_W: '300',
      WATTPRINT_NVML_LOAD_AFTER_MS: '2500',
    }
    const result = await probe(env)
    const sourceEnv = testSourceEnv({ nvmlLibrary: library })
    const reader = nvmlSource.open(sourceEnv, result.devices, { intervalMs: 1000 }) as PollReader
    expect(reader.kind).toBe('poll')
    expect(reader.precision).toBe('counter')
    const first = await reader.read()
    const second = await reader.read()
    reader.close()
    const [a, b] = [first.readings[0]?.reading, second.readings[0]?.reading]
    expect(a?.powerW).toBe(30)
    expect(b?.powerW).toBe(300)
    // Half a second at 30 W, half at 300 W: 165 J, read off the counter (mJ → J).
    expect((b?.energyCounterJ ?? 0) - (a?.energyCounterJ ?? 0)).toBeCloseTo(165, 6)
  })

  it('reads the costly energy counter one poll in N (every 30 s by default), filling the polls between with power', async () => {
    // Virtual clock: each energy read moves the GPU's clock 3 s on, so a counter read every third poll sees 3 s at 50 W.
    Object.assign(process.env, { WATTPRINT_NVML_MACHINE: 'paced', WATTPRINT_NVML_STEP_MS: '3000', WATTPRINT_NVML_IDLE_W: '50' })
    let wallMs = T0
    const sourceEnv = testSourceEnv({ nvmlLibrary: library, nvmlCounterEveryMs: 3000, clock: { nowMs: () => wallMs } })
    const found = await nvmlSource.probe(sourceEnv)
    const reader = nvmlSource.open(sourceEnv, found.devices, { intervalMs: 1000 }) as PollReader
    const counters: number[] = []
    for (let i = 0; i < 10; i++) {
      const { readings } = await reader.read()
      counters.push(readings[0]?.reading.energyCounterJ ?? NaN)
      wallMs += 1000
    }
    reader.close()
    const steps = counters.slice(1).map((c, i) => c - (counters[i] ?? NaN))
    // Read every poll, the stand-in's counter would step 150 J a poll; paced, each poll carries 50 W × 1 s.
    steps.forEach((step) => expect(step).toBeCloseTo(50, 6))
    // The real machine's default, and WATTPRINT_NVML_COUNTER_MS (0: every poll; nonsense: the default).
    const fromProcess = (): number => machineSourceEnv({ clock: { nowMs: () => T0 } }).nvmlCounterEveryMs
    expect(fromProcess()).toBe(30_000)
    process.env.WATTPRINT_NVML_COUNTER_MS = '0'
    expect(fromProcess()).toBe(0)
    process.env.WATTPRINT_NVML_COUNTER_MS = 'soon'
    expect(fromProcess()).toBe(30_000)
  })

  it('through the recorder: counter intervals, a driver reload bridged by sampled power, nothing lost', async () => {
    Object.assign(process.env, {
      WATTPRINT_NVML_MACHINE: 'reload',
      WATTPRINT_NVML_STEP_MS: '100',
      WATTPRINT_NVML_IDLE_W: '50',
      WATTPRINT_NVML_RESET_AFTER_READS: '6',
    })
    const sourceEnv = testSourceEnv({ nvmlLibrary: library })
    const found = await nvmlSource.probe(sourceEnv)
    const db = openDatabase(join(tempDir(), 'nvml.db'))
    const store = new SampleStore(db)
    let wallMs = T0
    let monoMs = 0
    const recorder = new Recorder({
      readers: [],
      sink: store,
      maxGapS: 10,
      flushIntervalMs: 60_000,
      pollIntervalMs: () => 1000,
      wallNowMs: () => wallMs,
      monotonicNowMs: () => monoMs,
    })
    const reader = nvmlSource.open(sourceEnv, found.devices, { intervalMs: 1000 }) as PollReader
    for (let i = 0; i < 10; i++) {
      const { readings } = await reader.read()
      for (const { reading, device } of readings) recorder.accept({ ...reading, wallMs }, device)
      wallMs += 1000
      monoMs += 1000
    }
    reader.close()
    recorder.flush()
    // Nine intervals: one of them across the reload, bridged by the trapezoid of power (50 W × 1 s).
    expect(recorder.counts.counterIntervals).toBe(8)
    expect(recorder.counts.sampledIntervals).toBe(1)
    const totals = store.totals(T0, wallMs)
    // The counter saw 100 ms per read (the stand-in's virtual clock) = 5 J per interval; the reload interval is power × 1 s.
    expect(totals.energyJ).toBeCloseTo(8 * 5 + 50, 6)
    expect(totals.devices[0]?.method).toBe('counter')
  })

  it('on a laptop, opens NVML only while the GPU is awake and closes it after each read', async () => {
    Object.assign(process.env, { WATTPRINT_NVML_MACHINE: 'laptop', WATTPRINT_NVML_STEP_MS: '1000', WATTPRINT_NVML_IDLE_W: '12' })
    const files: Record<string, string> = laptopGpuFiles('0000:01:00.0', false)
    const tree = memoryTree(files)
    const sourceEnv = testSourceEnv({ nvmlLibrary: library, tree: { read: (p) => files[p] ?? tree.read(p), list: tree.list } })
    const found = await nvmlSource.probe(sourceEnv)
    expect(found.state).toBe('ok')
    const reader = nvmlSource.open(sourceEnv, found.devices, { intervalMs: 1000 }) as PollReader
    const awake = await reader.read()
    expect(awake.readings).toHaveLength(1)
    files['bus/pci/devices/0000:01:00.0/power/runtime_status'] = 'suspended\n'
    const asleep = await reader.read()
    expect(asleep.readings).toEqual([])
    expect(asleep.status).toMatchObject({ state: 'asleep', message: { code: 'source.asleep' } })
    files['bus/pci/devices/0000:01:00.0/power/runtime_status'] = 'active\n'
    const again = await reader.read()
    // The driver's counter went on while NVML was closed (the stand-in keeps it per machine, as a real driver does).
    expect((again.readings[0]?.reading.energyCounterJ ?? 0) - (awake.readings[0]?.reading.energyCounterJ ?? 0)).toBeCloseTo(12, 6)
    reader.close()
  })

  it('reports a GPU that fell off the bus as a driver error with NVML’s words, and keeps polling', async () => {
    Object.assign(process.env, { WATTPRINT_NVML_MACHINE: 'lost', WATTPRINT_NVML_LOST: '1' })
    const sourceEnv = testSourceEnv({ nvmlLibrary: library })
    const reader = nvmlSource.open(
      sourceEnv,
      [{ deviceId: 'GPU-lost', index: 0, name: 'Lost GPU', memTotalB: null, source: 'nvml', domain: 'gpu', method: 'counter' }],
      { intervalMs: 1000 },
    ) as PollReader
    const result = await reader.read()
    expect(result.readings).toEqual([])
    expect(result.status).toMatchObject({ state: 'driver-error' })
    expect(result.status?.raw).toMatch(/not found again/)
    reader.close()
  })
})
