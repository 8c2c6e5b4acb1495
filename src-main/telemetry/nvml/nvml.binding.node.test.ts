import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildNvmlStandIn } from '../../../test/stand-ins/nvml/build.ts'
import { NVML_RETURN, nvmlLibraryCandidates, openNvml, pciAddressFromBusId, type Nvml, type NvmlDevice } from './nvml.binding.ts'

// The FFI path runs for real against test/stand-ins/nvml/libnvidia-ml.c, compiled here with gcc;
// the stand-in's WATTPRINT_NVML_* variables (documented at the top of that file) shape its GPUs.

let library = ''
const opened: Nvml[] = []

beforeAll(() => {
  library = buildNvmlStandIn()
})

afterEach(() => {
  // The stand-in reads its variables when NVML's reference count goes from 0 to 1: shut every open down.
  for (const nvml of opened.splice(0)) nvml.shutdown()
  for (const key of Object.keys(process.env)) if (key.startsWith('WATTPRINT_NVML_')) Reflect.deleteProperty(process.env, key)
})

function useStandIn(env: Record<string, string>): void {
  Object.assign(process.env, env)
}

function open(env: Record<string, string> = {}): Nvml {
  useStandIn(env)
  const result = openNvml({ libraryPath: library })
  if (!result.ok) throw new Error(`NVML stand-in did not open: ${result.state} ${result.text}`)
  opened.push(result.nvml)
  return result.nvml
}

function device(nvml: Nvml, index = 0): NvmlDevice {
  const result = nvml.device(index)
  if (!result.ok) throw new Error(`device ${index}: ${result.text}`)
  return result.value
}

function value<T>(result: { ok: true; value: T } | { ok: false; text: string }): T {
  if (!result.ok) throw new Error(result.text)
  return result.value
}

describe('NVML binding (koffi) against the stand-in libnvidia-ml.so', () => {
  it('enumerates the GPUs with their UUID, name and PCI bus id', () => {
    const nvml = open({ WATTPRINT_NVML_DEVICES: '2', WATTPRINT_NVML_NAME: 'NVIDIA GeForce RTX 4090,NVIDIA GeForce RTX 3060' })
    expect(nvml.libraryPath).toBe(library)
    expect(nvml.deviceCount()).toEqual({ ok: true, value: 2 })
    const [first, second] = [device(nvml, 0), device(nvml, 1)]
    expect(value(first.uuid())).toMatch(/^GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(value(second.uuid())).not.toBe(value(first.uuid()))
    expect(value(first.name())).toBe('NVIDIA GeForce RTX 4090')
    expect(value(second.name())).toBe('NVIDIA GeForce RTX 3060')
    expect(value(first.pciBusId())).toBe('00000000:01:00.0')
    expect(pciAddressFromBusId(value(second.pciBusId()))).toBe('0000:02:00.0')
    expect(nvml.device(2)).toMatchObject({ ok: false, code: 2, text: 'Invalid Argument' })
  })

  it('reads power, limit, utilisation, memory, temperature, clock and performance state', () => {
    const nvml = open({ WATTPRINT_NVML_IDLE_W: '42.5', WATTPRINT_NVML_LIMIT_W: '320', WATTPRINT_NVML_MEM_TOTAL_MIB: '12288' })
    const gpu = device(nvml)
    expect(gpu.powerUsageMw()).toEqual({ ok: true, value: 42_500 })
    expect(gpu.enforcedPowerLimitMw()).toEqual({ ok: true, value: 320_000 })
    expect(gpu.utilizationRates()).toEqual({ ok: true, value: { gpuPct: 2, memoryPct: 1 } })
    const memory = value(gpu.memoryInfo())
    expect(memory).toEqual({ totalB: 12288 * 2 ** 20, usedB: 512 * 2 ** 20, freeB: (12288 - 512) * 2 ** 20 })
    expect(gpu.temperatureC()).toEqual({ ok: true, value: 38 })
    expect(gpu.smClockMhz()).toEqual({ ok: true, value: 210 })
    expect(gpu.performanceState()).toEqual({ ok: true, value: 8 })
    const sample = gpu.read()
    expect(sample).toMatchObject({ powerMw: 42_500, powerLimitMw: 320_000, gpuUtilPct: 2, memUtilPct: 1, memTotalB: 12288 * 2 ** 20, tempC: 38, failures: [] })
    expect(sample.totalEnergyMj).toBeGreaterThanOrEqual(5_000_000)
  })

  it('advances the energy counter as power × time, on the stand-in’s virtual clock, exactly', () => {
    const stepMs = 100
    const nvml = open({
      WATTPRINT_NVML_STEP_MS: String(stepMs),
      WATTPRINT_NVML_IDLE_W: '30',
      WATTPRINT_NVML_LOAD_W: '300',
      WATTPRINT_NVML_LOAD_AFTER_READS: '7',
    })
    const gpu = device(nvml)
    let energy = value(gpu.totalEnergyMj()) ?? NaN
    let powerMw = value(gpu.powerUsageMw()) ?? NaN
    const deltas: number[] = []
    for (let i = 0; i < 8; i++) {
      const next = value(gpu.totalEnergyMj()) ?? NaN
      // mW × ms / 1000 = mJ: the energy between two reads is the power read at the first, over the step.
      expect(next - energy).toBe((powerMw * stepMs) / 1000)
      deltas.push(next - energy)
      energy = next
      powerMw = value(gpu.powerUsageMw()) ?? NaN
    }
    expect(deltas[0]).toBe(3_000)
    expect(deltas.at(-1)).toBe(30_000)
  })

  it('splits the energy at the moment the load starts (LOAD_AFTER_MS)', () => {
    const nvml = open({ WATTPRINT_NVML_STEP_MS: '100', WATTPRINT_NVML_IDLE_W: '30', WATTPRINT_NVML_LOAD_W: '300', WATTPRINT_NVML_LOAD_AFTER_MS: '250' })
    const gpu = device(nvml)
    const readings = [1, 2, 3, 4].map(() => value(gpu.totalEnergyMj()) ?? NaN)
    // t = 100, 200, 300, 400 ms: 30 W until 250 ms, then 300 W.
    expect(readings.map((e) => e - 5_000_000)).toEqual([3_000, 6_000, 6_000 + 30 * 50 + 300 * 50, 6_000 + 16_500 + 30_000])
  })

  it('advances the energy counter with real time consistently with the power read (monotonic clock)', async () => {
    const nvml = open({ WATTPRINT_NVML_IDLE_W: '200' })
    const gpu = device(nvml)
    const t0 = performance.now()
    const before = value(gpu.totalEnergyMj()) ?? NaN
    const t1 = performance.now()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const t2 = performance.now()
    const after = value(gpu.totalEnergyMj()) ?? NaN
    const t3 = performance.now()
    expect(value(gpu.powerUsageMw())).toBe(200_000)
    // 200 W over the time between the two reads, which lies between t2 − t1 and t3 − t0 (±1 mJ of truncation).
    expect(after - before).toBeGreaterThanOrEqual(200 * (t2 - t1) - 1)
    expect(after - before).toBeLessThanOrEqual(200 * (t3 - t0) + 1)
  })

  it('gives null, not 0 and not a failure, where the GPU does not support the energy counter or power', () => {
    const nvml = open({ WATTPRINT_NVML_DEVICES: '2', WATTPRINT_NVML_NO_ENERGY: '1,0', WATTPRINT_NVML_NO_POWER: '0,1' })
    const [old, other] = [device(nvml, 0), device(nvml, 1)]
    expect(old.totalEnergyMj()).toEqual({ ok: true, value: null })
    expect(old.read()).toMatchObject({ totalEnergyMj: null, powerMw: 30_000, failures: [] })
    expect(other.powerUsageMw()).toEqual({ ok: true, value: null })
    expect(other.read()).toMatchObject({ powerMw: null, failures: [] })
    expect(other.read().totalEnergyMj).toBeGreaterThan(0)
  })

  it('shows a driver reload as the counter starting again from 0', () => {
    const nvml = open({ WATTPRINT_NVML_STEP_MS: '100', WATTPRINT_NVML_RESET_AFTER_READS: '3', WATTPRINT_NVML_ENERGY_START_MJ: '1000000' })
    const gpu = device(nvml)
    const readings = [1, 2, 3, 4, 5].map(() => value(gpu.totalEnergyMj()))
    expect(readings).toEqual([1_003_000, 1_006_000, 1_009_000, 3_000, 6_000])
  })

  it('lists running compute processes (count first), their names and per-process utilisation', () => {
    const nvml = open({
      WATTPRINT_NVML_DEVICES: '2',
      WATTPRINT_NVML_PROCS: '0:4242:ollama:60:8192;0:5151:python3:0:-;1:777:ComfyUI:25:2048',
    })
    const [first, second] = [device(nvml, 0), device(nvml, 1)]
    expect(first.computeRunningProcesses()).toEqual({
      ok: true,
      value: [
        { pid: 4242, usedGpuMemoryB: 8192 * 2 ** 20, gpuInstanceId: null, computeInstanceId: null },
        { pid: 5151, usedGpuMemoryB: null, gpuInstanceId: null, computeInstanceId: null },
      ],
    })
    expect(value(second.computeRunningProcesses())?.map((p) => p.pid)).toEqual([777])
    expect(nvml.processName(4242)).toEqual({ ok: true, value: 'ollama' })
    expect(nvml.processName(777)).toEqual({ ok: true, value: 'ComfyUI' })
    expect(nvml.processName(1)).toEqual({ ok: true, value: null })

    const sinceUs = Date.now() * 1000 - 1_000_000
    const samples = value(first.processUtilization(sinceUs)) ?? []
    expect(samples.map(({ pid, smPct, memPct }) => ({ pid, smPct, memPct }))).toEqual([{ pid: 4242, smPct: 60, memPct: 30 }])
    expect(samples[0]?.timeStampUs).toBeGreaterThan(sinceUs)
    expect(first.processUtilization((samples[0]?.timeStampUs ?? 0) + 60_000_000)).toEqual({ ok: true, value: [] })
  })

  it('returns no processes as an empty list', () => {
    const gpu = device(open())
    expect(gpu.computeRunningProcesses()).toEqual({ ok: true, value: [] })
    expect(gpu.processUtilization(0)).toEqual({ ok: true, value: [] })
  })

  it.each([
    ['driver-not-loaded', 'driver-error', NVML_RETURN.DRIVER_NOT_LOADED, 'Driver Not Loaded'],
    ['rm-version-mismatch', 'driver-error', NVML_RETURN.LIB_RM_VERSION_MISMATCH, 'RM has detected an NVML/RM version mismatch.'],
    ['no-permission', 'permission', NVML_RETURN.NO_PERMISSION, 'Insufficient Permissions'],
    ['unknown', 'driver-error', NVML_RETURN.UNKNOWN, 'Unknown Error'],
  ])('maps nvmlInit_v2 failing with %s to %s', (mode, state, code, text) => {
    useStandIn({ WATTPRINT_NVML_INIT_ERROR: mode })
    expect(openNvml({ libraryPath: library })).toEqual({ ok: false, state, code, text, tried: [library] })
  })

  it('maps a driver with no GPU to no-device, and shuts NVML down again', () => {
    useStandIn({ WATTPRINT_NVML_DEVICES: '0' })
    expect(openNvml({ libraryPath: library })).toMatchObject({ ok: false, state: 'no-device', code: NVML_RETURN.GPU_NOT_FOUND })
    // Had the failed open kept its reference, these variables would not be read.
    expect(open({ WATTPRINT_NVML_DEVICES: '1' }).deviceCount()).toEqual({ ok: true, value: 1 })
  })

  it('maps a missing library to not-installed, naming every path tried', () => {
    const result = openNvml({ libraryPath: '/nonexistent/libnvidia-ml.so.1' })
    expect(result).toMatchObject({ ok: false, state: 'not-installed', code: NVML_RETURN.LIBRARY_NOT_FOUND, tried: ['/nonexistent/libnvidia-ml.so.1'] })
    expect(!result.ok && result.text).toContain('/nonexistent/libnvidia-ml.so.1')
    expect(openNvml({ platform: 'darwin' })).toMatchObject({ ok: false, state: 'not-installed', tried: [] })
  })

  it('refuses a library that is not NVML as a driver error', () => {
    expect(openNvml({ libraryPath: 'libc.so.6' })).toMatchObject({ ok: false, state: 'driver-error', code: NVML_RETURN.FUNCTION_NOT_FOUND })
  })

  it('looks where the drivers put NVML', () => {
    expect(nvmlLibraryCandidates('linux', {})).toEqual(['libnvidia-ml.so.1', 'libnvidia-ml.so'])
    expect(nvmlLibraryCandidates('win32', { ProgramW6432: 'C:\\Program Files', SystemRoot: 'C:\\WINDOWS' })).toEqual([
      'C:\\Program Files\\NVIDIA Corporation\\NVSMI\\nvml.dll',
      'C:\\WINDOWS\\System32\\nvml.dll',
    ])
    expect(nvmlLibraryCandidates('win32', {})).toEqual(['C:\\Windows\\System32\\nvml.dll'])
  })

  it('turns a lost GPU into failures with NVML’s words, never an exception', () => {
    const gpu = device(open({ WATTPRINT_NVML_LOST: '1' }))
    expect(gpu.uuid()).toEqual({ ok: false, code: NVML_RETURN.GPU_IS_LOST, text: 'GPU is lost' })
    const sample = gpu.read()
    expect(sample).toMatchObject({ totalEnergyMj: null, powerMw: null, gpuUtilPct: null, memUsedB: null, tempC: null, pstate: null })
    expect(sample.failures).toHaveLength(8)
    expect(new Set(sample.failures.map((f) => f.code))).toEqual(new Set([NVML_RETURN.GPU_IS_LOST]))
    expect(gpu.computeRunningProcesses()).toMatchObject({ ok: false, code: NVML_RETURN.GPU_IS_LOST })
  })

  it('answers UNINITIALIZED after shutdown without calling into the library', () => {
    const nvml = open()
    const gpu = device(nvml)
    expect(nvml.shutdown()).toEqual({ ok: true, value: null })
    expect(gpu.read()).toMatchObject({ totalEnergyMj: null, powerMw: null })
    expect(gpu.read().failures.every((f) => f.code === NVML_RETURN.UNINITIALIZED)).toBe(true)
    expect(nvml.deviceCount()).toMatchObject({ ok: false, code: NVML_RETURN.UNINITIALIZED })
    expect(nvml.shutdown()).toMatchObject({ ok: false, code: NVML_RETURN.UNINITIALIZED })
  })

  it.runIf(process.platform === 'linux')('loads neither koffi nor NVML at import time', () => {
    const binding = fileURLToPath(new URL('./nvml.binding.ts', import.meta.url))
    const script = `
      import { readFileSync } from 'node:fs'
      const loaded = () => /koffi|nvidia-ml/.test(readFileSync('/proc/self/maps', 'utf8'))
      const { openNvml } = await import(${JSON.stringify(binding)})
      const before = loaded()
      openNvml({ libraryPath: ${JSON.stringify(library)} })
      console.log(JSON.stringify({ before, after: loaded() }))`
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(JSON.parse(output)).toEqual({ before: false, after: true })
  })

  it('bench: CPU time per full read of one device (printed, not asserted)', () => {
    const gpu = device(open())
    const reads = 10_000
    gpu.read()
    const start = process.cpuUsage()
    const t0 = performance.now()
    for (let i = 0; i < reads; i++) gpu.read()
    const wallMs = performance.now() - t0
    const cpu = process.cpuUsage(start)
    const cpuUsPerRead = (cpu.user + cpu.system) / reads
    console.log(
      `[bench] NVML via koffi (stand-in library): ${cpuUsPerRead.toFixed(2)} µs CPU per full read of one device ` +
        `(8 NVML calls; ${reads} reads, ${(cpu.user / 1000).toFixed(1)} ms user + ${(cpu.system / 1000).toFixed(1)} ms system, ${wallMs.toFixed(1)} ms wall)`,
    )
    expect(cpuUsPerRead).toBeGreaterThan(0)
  })
})
