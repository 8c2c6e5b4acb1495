import { createRequire } from 'node:module'
import { endianness } from 'node:os'
import { win32 } from 'node:path'
import type * as Koffi from 'koffi'

// Every signature, struct layout and constant below is NVIDIA's, from nvml.h of NVML 13.3.29
// (github.com/NVIDIA/go-nvml, gen/nvml/nvml.h at commit 2f9e261fe40a7a1c54783d66805e8920564763b4).
// The library is loaded at run time by koffi (no compiler on the user's machine), and only when
// openNvml() is called: importing this module loads neither koffi nor NVML.

/** NVML return codes (nvmlReturn_t) that the binding tells apart. */
export const NVML_RETURN = {
  SUCCESS: 0,
  UNINITIALIZED: 1,
  NOT_SUPPORTED: 3,
  NO_PERMISSION: 4,
  NOT_FOUND: 6,
  INSUFFICIENT_SIZE: 7,
  DRIVER_NOT_LOADED: 9,
  LIBRARY_NOT_FOUND: 12,
  FUNCTION_NOT_FOUND: 13,
  GPU_IS_LOST: 15,
  LIB_RM_VERSION_MISMATCH: 18,
  GPU_NOT_FOUND: 28,
  UNKNOWN: 999,
} as const

const NVML_TEMPERATURE_GPU = 0
const NVML_CLOCK_SM = 1
const NVML_PSTATE_UNKNOWN = 32
/** NVML_VALUE_NOT_AVAILABLE, (-1) in an unsigned long long: e.g. a process's memory under WDDM. */
const NVML_VALUE_NOT_AVAILABLE = 0xffff_ffff_ffff_ffffn
/** gpuInstanceId / computeInstanceId outside MIG. */
const NVML_NO_INSTANCE = 0xffff_ffff
const NVML_DEVICE_UUID_V2_BUFFER_SIZE = 96
const NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96
const PROCESS_NAME_BUFFER_SIZE = 256
/** Processes start between the count call and the fill call: room for a few more, and a few tries. */
const PROCESS_SLACK = 4
const PROCESS_TRIES = 4

/** An NVML call that did not succeed: its return code and NVML's own words for it (nvmlErrorString). */
export interface NvmlFailure {
  ok: false
  code: number
  text: string
}
export type NvmlResult<T> = { ok: true; value: T } | NvmlFailure

/** Why NVML cannot be used on this machine, in the registry's terms. */
export type NvmlUnavailableState = 'not-installed' | 'no-device' | 'permission' | 'driver-error'
export interface NvmlUnavailable extends NvmlFailure {
  state: NvmlUnavailableState
  /** The library paths tried, in order. */
  tried: string[]
}
export type NvmlOpenResult = { ok: true; nvml: Nvml } | NvmlUnavailable

export interface NvmlOpenOptions {
  /** Forces one library (tests, a user's setting); null or absent: the platform's usual places. */
  libraryPath?: string | null
  platform?: NodeJS.Platform
  env?: NodeJS.ProcessEnv
}

/** nvmlUtilization_t: percent of the last sample period (1/6 s to 1 s, by product). */
export interface NvmlUtilization {
  gpuPct: number
  memoryPct: number
}

/** nvmlMemory_t, bytes. */
export interface NvmlMemory {
  totalB: number
  freeB: number
  usedB: number
}

/** nvmlProcessInfo_t: a process with a compute context on the GPU. */
export interface NvmlProcessInfo {
  pid: number
  /** GPU memory the process uses, bytes; null where NVML cannot tell (Windows WDDM). */
  usedGpuMemoryB: number | null
  /** MIG instance ids; null outside MIG. */
  gpuInstanceId: number | null
  computeInstanceId: number | null
}

/** nvmlProcessUtilizationSample_t: one process's share of the GPU over the driver's last sample period, %. */
export interface NvmlProcessUtilization {
  pid: number
  /** When the driver took the sample: CPU time, µs since the Unix epoch. */
  timeStampUs: number
  smPct: number
  memPct: number
  encPct: number
  decPct: number
}

/** One full read of a device's dynamic values; each is null where the GPU does not support it or the query failed. */
export interface NvmlSample {
  /** Energy used since the driver was loaded, mJ (Volta and newer): it restarts from 0 when the driver reloads. */
  totalEnergyMj: number | null
  /** Power draw, mW (averaged over 1 s on Ampere and newer, except GA100). */
  powerMw: number | null
  powerLimitMw: number | null
  gpuUtilPct: number | null
  memUtilPct: number | null
  memTotalB: number | null
  memUsedB: number | null
  tempC: number | null
  smClockMhz: number | null
  /** Performance state, 0 (maximum) to 15 (minimum). */
  pstate: number | null
  /** Queries that failed for another reason than "not supported", with NVML's words. */
  failures: { query: string; code: number; text: string }[]
}

/** One GPU, by its NVML index. Every method returns a value, never throws; "not supported" is a null value, not a failure. */
export interface NvmlDevice {
  readonly index: number
  /** `GPU-xxxxxxxx-…`: stable across reboots and re-ordering. */
  uuid(): NvmlResult<string>
  name(): NvmlResult<string>
  /** NVML's bus id, `00000000:01:00.0` (see pciAddressFromBusId for sysfs' form). */
  pciBusId(): NvmlResult<string>
  totalEnergyMj(): NvmlResult<number | null>
  powerUsageMw(): NvmlResult<number | null>
  enforcedPowerLimitMw(): NvmlResult<number | null>
  utilizationRates(): NvmlResult<NvmlUtilization | null>
  memoryInfo(): NvmlResult<NvmlMemory | null>
  temperatureC(): NvmlResult<number | null>
  smClockMhz(): NvmlResult<number | null>
  performanceState(): NvmlResult<number | null>
  computeRunningProcesses(): NvmlResult<NvmlProcessInfo[] | null>
  /** Per-process samples newer than lastSeenUs (µs since the epoch, 0: all the driver keeps); [] when there are none. */
  processUtilization(lastSeenUs: number): NvmlResult<NvmlProcessUtilization[] | null>
  /** Every dynamic value at once (the recorder's poll); the energy counter only when asked (it is the costly one). */
  read(options?: { energy?: boolean }): NvmlSample
}

/** An initialised NVML. After shutdown() every call fails with UNINITIALIZED without reaching the library. */
export interface Nvml {
  readonly libraryPath: string
  deviceCount(): NvmlResult<number>
  device(index: number): NvmlResult<NvmlDevice>
  /** The name of a process (as the driver sees it); null when it no longer exists. */
  processName(pid: number): NvmlResult<string | null>
  errorString(code: number): string
  shutdown(): NvmlResult<null>
}

/** Where NVIDIA's drivers put NVML, in the order tried. */
export function nvmlLibraryCandidates(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'win32') {
    const candidates: string[] = []
    // Older drivers: NVSMI beside nvidia-smi.exe; DCH drivers (R418+): System32.
    const programFiles = env.ProgramW6432 ?? env.ProgramFiles
    if (programFiles) candidates.push(win32.join(programFiles, 'NVIDIA Corporation', 'NVSMI', 'nvml.dll'))
    candidates.push(win32.join(env.SystemRoot ?? 'C:\\Windows', 'System32', 'nvml.dll'))
    return candidates
  }
  if (platform === 'darwin') return []
  // The dynamic loader's own search (ld.so.cache, LD_LIBRARY_PATH): .so.1 is what the driver installs, .so comes with dev packages.
  return ['libnvidia-ml.so.1', 'libnvidia-ml.so']
}

/** `00000000:01:00.0` (NVML) → `0000:01:00.0` (sysfs, lspci), lower case; null when it is not a bus id. */
export function pciAddressFromBusId(busId: string): string | null {
  const match = /^([0-9a-f]{4,8}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(busId.trim())
  if (!match) return null
  const [, domain = '', bus = '', device = '', fn = ''] = match
  return `${domain.slice(-4)}:${bus}:${device}.${fn}`.toLowerCase()
}

type Ret = number
/** nvmlDevice_t: an opaque pointer, which koffi 3 hands over as a BigInt. */
type Handle = bigint

/** The native functions, typed as the binding calls them (out parameters are typed arrays koffi passes as pointers). */
interface NativeNvml {
  nvmlInit_v2(): Ret
  nvmlShutdown(): Ret
  nvmlErrorString(result: number): string | null
  nvmlDeviceGetCount_v2(deviceCount: Uint32Array): Ret
  nvmlDeviceGetHandleByIndex_v2(index: number, device: BigUint64Array): Ret
  nvmlDeviceGetUUID(device: Handle, uuid: Uint8Array, length: number): Ret
  nvmlDeviceGetName(device: Handle, name: Uint8Array, length: number): Ret
  nvmlDeviceGetPciInfo_v3(device: Handle, pci: Uint8Array): Ret
  nvmlDeviceGetTotalEnergyConsumption(device: Handle, energy: BigUint64Array): Ret
  nvmlDeviceGetPowerUsage(device: Handle, power: Uint32Array): Ret
  nvmlDeviceGetEnforcedPowerLimit(device: Handle, limit: Uint32Array): Ret
  nvmlDeviceGetUtilizationRates(device: Handle, utilization: Uint8Array): Ret
  nvmlDeviceGetMemoryInfo(device: Handle, memory: Uint8Array): Ret
  nvmlDeviceGetTemperature(device: Handle, sensorType: number, temp: Uint32Array): Ret
  nvmlDeviceGetClockInfo(device: Handle, type: number, clock: Uint32Array): Ret
  nvmlDeviceGetPerformanceState(device: Handle, pState: Int32Array): Ret
  nvmlDeviceGetComputeRunningProcesses_v3(device: Handle, infoCount: Uint32Array, infos: Uint8Array | null): Ret
  nvmlDeviceGetProcessUtilization(device: Handle, utilization: Uint8Array | null, processSamplesCount: Uint32Array, lastSeenTimeStamp: bigint): Ret
  nvmlSystemGetProcessName(pid: number, name: Uint8Array, length: number): Ret
}

const PROTOTYPES: Readonly<Record<keyof NativeNvml, string>> = {
  nvmlInit_v2: 'nvmlReturn_t nvmlInit_v2(void)',
  nvmlShutdown: 'nvmlReturn_t nvmlShutdown(void)',
  nvmlErrorString: 'const char *nvmlErrorString(nvmlReturn_t result)',
  nvmlDeviceGetCount_v2: 'nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount)',
  nvmlDeviceGetHandleByIndex_v2: 'nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)',
  nvmlDeviceGetUUID: 'nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)',
  nvmlDeviceGetName: 'nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)',
  nvmlDeviceGetPciInfo_v3: 'nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci)',
  nvmlDeviceGetTotalEnergyConsumption: 'nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy)',
  nvmlDeviceGetPowerUsage: 'nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power)',
  nvmlDeviceGetEnforcedPowerLimit: 'nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit)',
  nvmlDeviceGetUtilizationRates: 'nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization)',
  nvmlDeviceGetMemoryInfo: 'nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)',
  nvmlDeviceGetTemperature: 'nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensorType, unsigned int *temp)',
  nvmlDeviceGetClockInfo: 'nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int *clock)',
  nvmlDeviceGetPerformanceState: 'nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, nvmlPstates_t *pState)',
  nvmlDeviceGetComputeRunningProcesses_v3:
    'nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_t *infos)',
  nvmlDeviceGetProcessUtilization:
    'nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t *utilization, unsigned int *processSamplesCount, unsigned long long lastSeenTimeStamp)',
  nvmlSystemGetProcessName: 'nvmlReturn_t nvmlSystemGetProcessName(unsigned int pid, char *name, unsigned int length)',
}

/** Without these NVML is unusable; any other missing symbol (an older driver) answers FUNCTION_NOT_FOUND. */
const REQUIRED: readonly (keyof NativeNvml)[] = ['nvmlInit_v2', 'nvmlShutdown', 'nvmlErrorString', 'nvmlDeviceGetCount_v2', 'nvmlDeviceGetHandleByIndex_v2']

/** Byte offsets of the struct fields the binding reads, as koffi lays the header's structs out. */
interface Layouts {
  utilization: { size: number; gpu: number; memory: number }
  memory: { size: number; total: number; free: number; used: number }
  pci: { size: number; busId: number; busIdLength: number }
  processInfo: { size: number; pid: number; usedGpuMemory: number; gpuInstanceId: number; computeInstanceId: number }
  sample: { size: number; pid: number; timeStamp: number; smUtil: number; memUtil: number; encUtil: number; decUtil: number }
}

const requireHere = createRequire(import.meta.url)
let koffiTypes: { koffi: typeof Koffi; layouts: Layouts } | null = null
const libraries = new Map<string, NativeNvml>()
const LITTLE_ENDIAN = endianness() === 'LE'

/** Loads koffi and declares NVML's types once (koffi's type names are process-wide). */
function koffiWithTypes(): { koffi: typeof Koffi; layouts: Layouts } {
  if (koffiTypes) return koffiTypes
  const koffi = requireHere('koffi') as typeof Koffi
  koffi.alias('nvmlReturn_t', 'int')
  koffi.pointer('nvmlDevice_t', koffi.opaque('nvmlDevice_st'))
  koffi.alias('nvmlTemperatureSensors_t', 'int')
  koffi.alias('nvmlClockType_t', 'int')
  koffi.alias('nvmlPstates_t', 'int')
  const utilization = koffi.struct('nvmlUtilization_t', { gpu: 'unsigned int', memory: 'unsigned int' })
  const memory = koffi.struct('nvmlMemory_t', { total: 'unsigned long long', free: 'unsigned long long', used: 'unsigned long long' })
  const pci = koffi.struct('nvmlPciInfo_t', {
    busIdLegacy: koffi.array('char', 16),
    domain: 'unsigned int',
    bus: 'unsigned int',
    device: 'unsigned int',
    pciDeviceId: 'unsigned int',
    pciSubSystemId: 'unsigned int',
    busId: koffi.array('char', 32),
  })
  // nvmlProcessInfo_t is nvmlProcessInfo_v2_t since NVML 12.2 (the _v3 call's element; 12.0–12.1 headers briefly added a field the library never wrote).
  const processInfo = koffi.struct('nvmlProcessInfo_t', {
    pid: 'unsigned int',
    usedGpuMemory: 'unsigned long long',
    gpuInstanceId: 'unsigned int',
    computeInstanceId: 'unsigned int',
  })
  const sample = koffi.struct('nvmlProcessUtilizationSample_t', {
    pid: 'unsigned int',
    timeStamp: 'unsigned long long',
    smUtil: 'unsigned int',
    memUtil: 'unsigned int',
    encUtil: 'unsigned int',
    decUtil: 'unsigned int',
  })
  const at = (type: Koffi.TypeObject, field: string): number => koffi.offsetof(type, field)
  koffiTypes = {
    koffi,
    layouts: {
      utilization: { size: koffi.sizeof(utilization), gpu: at(utilization, 'gpu'), memory: at(utilization, 'memory') },
      memory: { size: koffi.sizeof(memory), total: at(memory, 'total'), free: at(memory, 'free'), used: at(memory, 'used') },
      pci: { size: koffi.sizeof(pci), busId: at(pci, 'busId'), busIdLength: 32 },
      processInfo: {
        size: koffi.sizeof(processInfo),
        pid: at(processInfo, 'pid'),
        usedGpuMemory: at(processInfo, 'usedGpuMemory'),
        gpuInstanceId: at(processInfo, 'gpuInstanceId'),
        computeInstanceId: at(processInfo, 'computeInstanceId'),
      },
      sample: {
        size: koffi.sizeof(sample),
        pid: at(sample, 'pid'),
        timeStamp: at(sample, 'timeStamp'),
        smUtil: at(sample, 'smUtil'),
        memUtil: at(sample, 'memUtil'),
        encUtil: at(sample, 'encUtil'),
        decUtil: at(sample, 'decUtil'),
      },
    },
  }
  return koffiTypes
}

/** Binds every function; a missing one becomes a stub answering FUNCTION_NOT_FOUND, or the name of a missing required one. */
function bind(library: Koffi.LibraryHandle): NativeNvml | string {
  const missing = (): Ret => NVML_RETURN.FUNCTION_NOT_FOUND
  const native: Partial<Record<keyof NativeNvml, unknown>> = {}
  for (const name of Object.keys(PROTOTYPES) as (keyof NativeNvml)[]) {
    try {
      native[name] = library.func(PROTOTYPES[name])
    } catch {
      if (REQUIRED.includes(name)) return name
      native[name] = missing
    }
  }
  return native as NativeNvml
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function unavailable(state: NvmlUnavailableState, code: number, text: string, tried: string[]): NvmlUnavailable {
  return { ok: false, state, code, text, tried }
}

/** How an nvmlInit_v2 failure reads in the registry's terms. */
function stateOfInitFailure(code: number): NvmlUnavailableState {
  if (code === NVML_RETURN.NO_PERMISSION) return 'permission'
  if (code === NVML_RETURN.GPU_NOT_FOUND) return 'no-device'
  return 'driver-error'
}

/**
 * Loads NVML (the forced path, or the platform's usual places), initialises it and counts the GPUs.
 * Never throws: no library is `not-installed`, DRIVER_NOT_LOADED / LIB_RM_VERSION_MISMATCH (and
 * any other init failure) `driver-error`, NO_PERMISSION `permission`, no GPU `no-device`.
 */
export function openNvml(options: NvmlOpenOptions = {}): NvmlOpenResult {
  const tried = options.libraryPath ? [options.libraryPath] : nvmlLibraryCandidates(options.platform, options.env)
  let ffi: { koffi: typeof Koffi; layouts: Layouts }
  try {
    ffi = koffiWithTypes()
  } catch (error) {
    return unavailable('not-installed', NVML_RETURN.LIBRARY_NOT_FOUND, `the FFI library (koffi) cannot load: ${describe(error)}`, tried)
  }
  const { koffi, layouts } = ffi
  if (tried.length === 0)
    return unavailable('not-installed', NVML_RETURN.LIBRARY_NOT_FOUND, `NVML does not exist on ${options.platform ?? process.platform}`, tried)

  const loadErrors: string[] = []
  let native: NativeNvml | null = null
  let libraryPath = ''
  for (const candidate of tried) {
    const cached = libraries.get(candidate)
    if (cached) {
      native = cached
      libraryPath = candidate
      break
    }
    try {
      // Kept loaded for the process's life (never dlclose'd): NVML keeps threads and state, and a later open reuses it.
      const bound = bind(koffi.load(candidate))
      if (typeof bound === 'string') {
        return unavailable(
          'driver-error',
          NVML_RETURN.FUNCTION_NOT_FOUND,
          `${candidate} has no ${bound}: the driver is too old or the library is not NVML`,
          tried,
        )
      }
      libraries.set(candidate, bound)
      native = bound
      libraryPath = candidate
      break
    } catch (error) {
      loadErrors.push(`${candidate}: ${describe(error)}`)
    }
  }
  if (!native) return unavailable('not-installed', NVML_RETURN.LIBRARY_NOT_FOUND, loadErrors.join('; '), tried)

  const nvml = createNvml(native, layouts, libraryPath)
  const init = guarded(() => native.nvmlInit_v2())
  if (init !== NVML_RETURN.SUCCESS) return unavailable(stateOfInitFailure(init), init, lastThrown ?? nvml.errorString(init), tried)
  const count = nvml.deviceCount()
  if (!count.ok || count.value === 0) {
    nvml.shutdown()
    if (!count.ok) return unavailable('driver-error', count.code, count.text, tried)
    return unavailable('no-device', NVML_RETURN.GPU_NOT_FOUND, nvml.errorString(NVML_RETURN.GPU_NOT_FOUND), tried)
  }
  return { ok: true, nvml }
}

/** What koffi threw in the last guarded call, if it threw. */
let lastThrown: string | null = null

/** Calls into the library; koffi's own exceptions (a bad argument) come back as UNKNOWN, never escape. */
function guarded(call: () => Ret): Ret {
  lastThrown = null
  try {
    return call()
  } catch (error) {
    lastThrown = describe(error)
    return NVML_RETURN.UNKNOWN
  }
}

function cString(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  const view = bytes.subarray(offset, offset + length)
  const end = view.indexOf(0)
  return Buffer.from(view.buffer, view.byteOffset, end < 0 ? view.length : end).toString('utf8')
}

function isUnsupported(code: number): boolean {
  return code === NVML_RETURN.NOT_SUPPORTED || code === NVML_RETURN.FUNCTION_NOT_FOUND
}

function createNvml(native: NativeNvml, layouts: Layouts, libraryPath: string): Nvml {
  let open = true
  // One scratch area for every out parameter: calls are synchronous, and reads allocate nothing for it.
  const scratch = new ArrayBuffer(128)
  const u32 = new Uint32Array(scratch, 0, 1)
  const i32 = new Int32Array(scratch, 0, 1)
  const u64 = new BigUint64Array(scratch, 0, 1)
  const bytes = new Uint8Array(scratch)
  const data = new DataView(scratch)

  const errorString = (code: number): string => {
    try {
      return native.nvmlErrorString(code) ?? `NVML error ${code}`
    } catch {
      return `NVML error ${code}`
    }
  }
  const fail = (code: number): NvmlFailure => ({ ok: false, code, text: code === NVML_RETURN.UNKNOWN && lastThrown !== null ? lastThrown : errorString(code) })
  const closed: NvmlFailure = { ok: false, code: NVML_RETURN.UNINITIALIZED, text: 'NVML was shut down' }
  const run = (call: () => Ret): Ret => (open ? guarded(call) : NVML_RETURN.UNINITIALIZED)

  /** A value query: SUCCESS → read(), NOT_SUPPORTED (or a symbol this driver lacks) → null. */
  function query<T>(call: () => Ret, read: () => T): NvmlResult<T | null> {
    if (!open) return closed
    const code = guarded(call)
    if (code === NVML_RETURN.SUCCESS) return { ok: true, value: read() }
    return isUnsupported(code) ? { ok: true, value: null } : fail(code)
  }

  function text(call: (buffer: Uint8Array, length: number) => Ret, size: number): NvmlResult<string> {
    const buffer = new Uint8Array(size)
    const code = run(() => call(buffer, size))
    return code === NVML_RETURN.SUCCESS ? { ok: true, value: cString(buffer) } : open ? fail(code) : closed
  }

  function device(index: number, handle: Handle): NvmlDevice {
    const u32Value = (): number => u32[0] ?? 0
    const self: NvmlDevice = {
      index,
      uuid: () => text((buffer, length) => native.nvmlDeviceGetUUID(handle, buffer, length), NVML_DEVICE_UUID_V2_BUFFER_SIZE),
      name: () => text((buffer, length) => native.nvmlDeviceGetName(handle, buffer, length), NVML_DEVICE_NAME_V2_BUFFER_SIZE),
      pciBusId: () => {
        const buffer = new Uint8Array(layouts.pci.size)
        const code = run(() => native.nvmlDeviceGetPciInfo_v3(handle, buffer))
        if (code !== NVML_RETURN.SUCCESS) return open ? fail(code) : closed
        return { ok: true, value: cString(buffer, layouts.pci.busId, layouts.pci.busIdLength) }
      },
      totalEnergyMj: () =>
        query(
          () => native.nvmlDeviceGetTotalEnergyConsumption(handle, u64),
          () => Number(u64[0] ?? 0n),
        ),
      powerUsageMw: () => query(() => native.nvmlDeviceGetPowerUsage(handle, u32), u32Value),
      enforcedPowerLimitMw: () => query(() => native.nvmlDeviceGetEnforcedPowerLimit(handle, u32), u32Value),
      utilizationRates: () =>
        query(
          () => native.nvmlDeviceGetUtilizationRates(handle, bytes),
          () => ({ gpuPct: data.getUint32(layouts.utilization.gpu, LITTLE_ENDIAN), memoryPct: data.getUint32(layouts.utilization.memory, LITTLE_ENDIAN) }),
        ),
      memoryInfo: () =>
        query(
          () => native.nvmlDeviceGetMemoryInfo(handle, bytes),
          () => ({
            totalB: Number(data.getBigUint64(layouts.memory.total, LITTLE_ENDIAN)),
            freeB: Number(data.getBigUint64(layouts.memory.free, LITTLE_ENDIAN)),
            usedB: Number(data.getBigUint64(layouts.memory.used, LITTLE_ENDIAN)),
          }),
        ),
      temperatureC: () => query(() => native.nvmlDeviceGetTemperature(handle, NVML_TEMPERATURE_GPU, u32), u32Value),
      smClockMhz: () => query(() => native.nvmlDeviceGetClockInfo(handle, NVML_CLOCK_SM, u32), u32Value),
      performanceState: () => {
        const result = query(
          () => native.nvmlDeviceGetPerformanceState(handle, i32),
          () => i32[0] ?? NVML_PSTATE_UNKNOWN,
        )
        return result.ok && result.value === NVML_PSTATE_UNKNOWN ? { ok: true, value: null } : result
      },
      computeRunningProcesses: () => {
        const layout = layouts.processInfo
        const count = new Uint32Array(1)
        let capacity = 0
        for (let attempt = 0; attempt < PROCESS_TRIES; attempt++) {
          const infos = capacity > 0 ? new Uint8Array(capacity * layout.size) : null
          count[0] = capacity
          const code = run(() => native.nvmlDeviceGetComputeRunningProcesses_v3(handle, count, infos))
          if (code === NVML_RETURN.INSUFFICIENT_SIZE) {
            capacity = (count[0] ?? 0) + PROCESS_SLACK
            continue
          }
          if (code !== NVML_RETURN.SUCCESS) return !open ? closed : isUnsupported(code) ? { ok: true, value: null } : fail(code)
          const view = infos ? new DataView(infos.buffer) : null
          const list: NvmlProcessInfo[] = []
          for (let i = 0; view && i < (count[0] ?? 0); i++) {
            const base = i * layout.size
            const used = view.getBigUint64(base + layout.usedGpuMemory, LITTLE_ENDIAN)
            const gpuInstance = view.getUint32(base + layout.gpuInstanceId, LITTLE_ENDIAN)
            const computeInstance = view.getUint32(base + layout.computeInstanceId, LITTLE_ENDIAN)
            list.push({
              pid: view.getUint32(base + layout.pid, LITTLE_ENDIAN),
              usedGpuMemoryB: used === NVML_VALUE_NOT_AVAILABLE ? null : Number(used),
              gpuInstanceId: gpuInstance === NVML_NO_INSTANCE ? null : gpuInstance,
              computeInstanceId: computeInstance === NVML_NO_INSTANCE ? null : computeInstance,
            })
          }
          return { ok: true, value: list }
        }
        return fail(NVML_RETURN.INSUFFICIENT_SIZE)
      },
      processUtilization: (lastSeenUs) => {
        const layout = layouts.sample
        const since = BigInt(Math.max(0, Math.floor(lastSeenUs)))
        const count = new Uint32Array(1)
        let samples: Uint8Array | null = null
        for (let attempt = 0; attempt < PROCESS_TRIES; attempt++) {
          const code = run(() => native.nvmlDeviceGetProcessUtilization(handle, samples, count, since))
          if (code === NVML_RETURN.INSUFFICIENT_SIZE) {
            count[0] = (count[0] ?? 0) + PROCESS_SLACK
            samples = new Uint8Array((count[0] ?? 0) * layout.size)
            continue
          }
          if (code === NVML_RETURN.NOT_FOUND) return { ok: true, value: [] }
          if (code !== NVML_RETURN.SUCCESS) return !open ? closed : isUnsupported(code) ? { ok: true, value: null } : fail(code)
          const view = samples ? new DataView(samples.buffer) : null
          const list: NvmlProcessUtilization[] = []
          for (let i = 0; view && i < (count[0] ?? 0); i++) {
            const base = i * layout.size
            const u = (offset: number): number => view.getUint32(base + offset, LITTLE_ENDIAN)
            list.push({
              pid: u(layout.pid),
              timeStampUs: Number(view.getBigUint64(base + layout.timeStamp, LITTLE_ENDIAN)),
              smPct: u(layout.smUtil),
              memPct: u(layout.memUtil),
              encPct: u(layout.encUtil),
              decPct: u(layout.decUtil),
            })
          }
          return { ok: true, value: list }
        }
        return fail(NVML_RETURN.INSUFFICIENT_SIZE)
      },
      read: ({ energy = true } = {}) => {
        const failures: NvmlSample['failures'] = []
        const take = <T>(queryName: keyof NativeNvml, result: NvmlResult<T | null>): T | null => {
          if (result.ok) return result.value
          failures.push({ query: queryName, code: result.code, text: result.text })
          return null
        }
        const util = take('nvmlDeviceGetUtilizationRates', self.utilizationRates())
        const memory = take('nvmlDeviceGetMemoryInfo', self.memoryInfo())
        return {
          totalEnergyMj: energy ? take('nvmlDeviceGetTotalEnergyConsumption', self.totalEnergyMj()) : null,
          powerMw: take('nvmlDeviceGetPowerUsage', self.powerUsageMw()),
          powerLimitMw: take('nvmlDeviceGetEnforcedPowerLimit', self.enforcedPowerLimitMw()),
          gpuUtilPct: util?.gpuPct ?? null,
          memUtilPct: util?.memoryPct ?? null,
          memTotalB: memory?.totalB ?? null,
          memUsedB: memory?.usedB ?? null,
          tempC: take('nvmlDeviceGetTemperature', self.temperatureC()),
          smClockMhz: take('nvmlDeviceGetClockInfo', self.smClockMhz()),
          pstate: take('nvmlDeviceGetPerformanceState', self.performanceState()),
          failures,
        }
      },
    }
    return self
  }

  return {
    libraryPath,
    errorString,
    deviceCount: () => {
      const code = run(() => native.nvmlDeviceGetCount_v2(u32))
      if (code !== NVML_RETURN.SUCCESS) return open ? fail(code) : closed
      return { ok: true, value: u32[0] ?? 0 }
    },
    device: (index) => {
      const handle = new BigUint64Array(1)
      const code = run(() => native.nvmlDeviceGetHandleByIndex_v2(index, handle))
      if (code !== NVML_RETURN.SUCCESS) return open ? fail(code) : closed
      return { ok: true, value: device(index, handle[0] ?? 0n) }
    },
    processName: (pid) => {
      const result = text((buffer, length) => native.nvmlSystemGetProcessName(pid, buffer, length), PROCESS_NAME_BUFFER_SIZE)
      return !result.ok && result.code === NVML_RETURN.NOT_FOUND ? { ok: true, value: null } : result
    },
    shutdown: () => {
      if (!open) return closed
      const code = guarded(() => native.nvmlShutdown())
      open = false
      return code === NVML_RETURN.SUCCESS ? { ok: true, value: null } : fail(code)
    },
  }
}
