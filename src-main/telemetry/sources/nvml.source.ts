import { message, type Message } from '../../contract/messages.ts'
import { NVML_RETURN, openNvml, pciAddressFromBusId, type Nvml, type NvmlDevice, type NvmlUnavailable } from '../nvml/nvml.binding.ts'
import { pciDisplays, sleepingAmong } from '../pci.ts'
import { emptyReading, type DeviceInfo, type Reading } from '../reading.ts'
import { readCommandLine } from '../processes/command-line.ts'
import { CounterPacer, counterEveryReads } from '../nvml/counter-pacer.ts'
import type { GpuProcess, ProcessReader } from '../processes/process-reader.ts'
import type { PollReader, PollStatus, ProbeResult, SourceEnv, TelemetrySource } from '../source.ts'

const TOOL = 'NVML'

/** The fix for each way NVML can be unavailable, in the same words nvidia-smi's failures get. */
function fixFor(failure: NvmlUnavailable): Message {
  if (failure.state === 'permission') return message('fix.nvidia-permission')
  if (failure.state === 'no-device') return message('fix.nvidia-no-device')
  if (failure.state === 'not-installed') return message('fix.nvml-not-installed')
  if (failure.code === NVML_RETURN.LIB_RM_VERSION_MISMATCH) return message('fix.nvidia-version-mismatch')
  return message('fix.nvidia-driver')
}

function unavailableResult(failure: NvmlUnavailable): ProbeResult {
  return {
    sourceId: 'nvml',
    state: failure.state,
    devices: [],
    precision: null,
    message: message('source.nvml-unavailable', { code: failure.code }),
    fix: fixFor(failure),
    // NVML's own words and every path tried: what a user pastes into a bug report.
    raw: `${failure.text} (tried: ${failure.tried.join(', ') || 'nothing'})`,
  }
}

/** A device's description; its method is `counter` when the GPU has the total-energy counter (Volta and newer). */
function describeDevice(device: NvmlDevice): DeviceInfo | null {
  const uuid = device.uuid()
  if (!uuid.ok) return null
  const name = device.name()
  const bus = device.pciBusId()
  const memory = device.memoryInfo()
  const energy = device.totalEnergyMj()
  return {
    deviceId: uuid.value,
    index: device.index,
    name: name.ok ? name.value : 'NVIDIA GPU',
    memTotalB: memory.ok && memory.value ? memory.value.totalB : null,
    source: 'nvml',
    domain: 'gpu',
    method: energy.ok && energy.value !== null ? 'counter' : 'sampled-power',
    pciAddress: bus.ok ? pciAddressFromBusId(bus.value) : null,
    vendor: 'nvidia',
  }
}

/** Which of these devices sleep, by PCI address (sysfs only: asking NVML would wake them). */
function asleepAddresses(env: SourceEnv, devices: readonly DeviceInfo[]): Set<string> {
  return sleepingAmong(
    env,
    devices.flatMap((d) => (d.pciAddress ? [d.pciAddress.toLowerCase()] : [])),
  )
}

function allNvidiaAsleep(env: SourceEnv): boolean {
  const gpus = pciDisplays(env).filter((d) => d.vendor === 'nvidia')
  return gpus.length > 0 && gpus.every((d) => d.asleep)
}

/** One reading of one device: counter in J (from mJ), power in W (from mW); what the GPU lacks stays null. */
export function readNvmlDevice(device: NvmlDevice, info: DeviceInfo, wallMs: number, pacer?: CounterPacer): { reading: Reading; failures: string[] } {
  const s = device.read({ energy: pacer ? pacer.wantsCounter(wallMs) : true })
  const powerW = s.powerMw === null ? null : s.powerMw / 1000
  const counterJ = s.totalEnergyMj === null ? null : s.totalEnergyMj / 1000
  const reading: Reading = {
    ...emptyReading(info.deviceId, wallMs),
    energyCounterJ: pacer ? pacer.next(wallMs, powerW, counterJ) : counterJ,
    powerW,
    powerLimitW: s.powerLimitMw === null ? null : s.powerLimitMw / 1000,
    utilPct: s.gpuUtilPct,
    memUtilPct: s.memUtilPct,
    memUsedB: s.memUsedB,
    tempC: s.tempC,
    smClockMhz: s.smClockMhz,
    pstate: s.pstate,
  }
  return { reading, failures: s.failures.map((f) => `${f.query}: ${f.text}`) }
}

/**
 * NVIDIA GPUs through NVML, loaded at run time by koffi: the total-energy counter (mJ since the
 * driver loaded, Volta and newer) where the GPU has one, else its 1 s-averaged power. Preferred
 * over nvidia-smi (which is built on NVML) for the same GPUs: no process to supervise, and a
 * counter that sees every burst between two reads. On a laptop whose GPU the kernel suspends, the
 * library is opened only while the GPU is awake anyway, and closed after each read, so Wattprint
 * never keeps it awake.
 */
export const nvmlSource: TelemetrySource = {
  id: 'nvml',
  covers: ['gpu'],
  platforms: ['linux', 'win32'],
  async probe(env) {
    if (allNvidiaAsleep(env))
      return { sourceId: 'nvml', state: 'asleep', devices: [], precision: null, message: message('source.asleep', { tool: TOOL }), fix: null, raw: null }
    const opened = openNvml({ libraryPath: env.nvmlLibrary, platform: env.platform })
    if (!opened.ok) return unavailableResult(opened)
    const { nvml } = opened
    try {
      const devices = enumerate(nvml)
      if (devices.length === 0)
        return {
          sourceId: 'nvml',
          state: 'no-device',
          devices: [],
          precision: null,
          message: message('source.nvml-unavailable', { code: NVML_RETURN.GPU_NOT_FOUND }),
          fix: message('fix.nvidia-no-device'),
          raw: null,
        }
      const precision = devices.every((d) => d.method === 'counter') ? 'counter' : 'sampled-power'
      return {
        sourceId: 'nvml',
        state: 'ok',
        devices,
        precision,
        message: message('source.found-devices', { tool: `${TOOL} (${nvml.libraryPath})`, count: devices.length }),
        fix: null,
        raw: null,
      }
    } finally {
      nvml.shutdown()
    }
  },
  open(env, devices, { intervalMs }) {
    const laptop = pciDisplays(env).some((d) => d.vendor === 'nvidia' && d.runtimePm)
    return new NvmlPoll(env, devices, { holdOpen: !laptop, counterEveryReads: counterEveryReads(env.nvmlCounterEveryMs, intervalMs), intervalMs })
  },
  processes(env, devices) {
    return new NvmlProcesses(env, devices)
  },
}

/**
 * Which processes use each GPU: NVML's running compute processes (with their memory) and its
 * per-process utilisation samples since the last read (SM %, graphics processes included).
 * Sleeping GPUs are not asked.
 */
class NvmlProcesses implements ProcessReader {
  readonly sourceId = 'nvml'
  private readonly env: SourceEnv
  private readonly devices: readonly DeviceInfo[]
  private nvml: Nvml | null = null
  /** NVML's own timestamp of the last utilisation sample read, µs, per device: the next read asks for newer ones. */
  private readonly lastSeenUs = new Map<string, number>()

  constructor(env: SourceEnv, devices: readonly DeviceInfo[]) {
    this.env = env
    this.devices = devices
  }

  async read(): Promise<{ processes: GpuProcess[]; error: string | null }> {
    const asleep = asleepAddresses(this.env, this.devices)
    const awake = this.devices.filter((d) => !d.pciAddress || !asleep.has(d.pciAddress.toLowerCase()))
    if (awake.length === 0) return { processes: [], error: null }
    if (!this.nvml) {
      const opened = openNvml({ libraryPath: this.env.nvmlLibrary, platform: this.env.platform })
      if (!opened.ok) return { processes: [], error: opened.text }
      this.nvml = opened.nvml
    }
    const nvml = this.nvml
    const handles = new Map<string, NvmlDevice>()
    const count = nvml.deviceCount()
    for (let i = 0; count.ok && i < count.value; i++) {
      const device = nvml.device(i)
      const uuid = device.ok ? device.value.uuid() : null
      if (device.ok && uuid?.ok) handles.set(uuid.value, device.value)
    }
    const processes: GpuProcess[] = []
    const errors: string[] = []
    for (const info of awake) {
      const handle = handles.get(info.deviceId)
      if (!handle) continue
      const compute = handle.computeRunningProcesses()
      const utilisation = handle.processUtilization(this.lastSeenUs.get(info.deviceId) ?? 0)
      if (!compute.ok) errors.push(`${info.name}: ${compute.text}`)
      const samples = utilisation.ok ? (utilisation.value ?? []) : []
      if (samples.length) this.lastSeenUs.set(info.deviceId, Math.max(...samples.map((s) => s.timeStampUs)))
      const byPid = new Map<number, GpuProcess>()
      for (const p of compute.ok ? (compute.value ?? []) : []) {
        byPid.set(p.pid, { deviceId: info.deviceId, pid: p.pid, name: '', commandLine: null, type: 'compute', smPct: null, memUsedB: p.usedGpuMemoryB })
      }
      for (const s of samples) {
        const known = byPid.get(s.pid)
        // Several samples of one process in the window: its most recent SM share.
        byPid.set(s.pid, {
          ...(known ?? { deviceId: info.deviceId, pid: s.pid, name: '', commandLine: null, type: 'graphics', memUsedB: null }),
          smPct: s.smPct,
        })
      }
      for (const p of byPid.values()) {
        const name = nvml.processName(p.pid)
        processes.push({ ...p, name: name.ok && name.value ? name.value : `pid ${p.pid}`, commandLine: readCommandLine(this.env.readProcFile, p.pid) })
      }
    }
    // On a laptop whose GPU sleeps when idle, NVML is not kept open between reads (it would keep the GPU awake).
    if (pciDisplays(this.env).some((d) => d.vendor === 'nvidia' && d.runtimePm)) this.close()
    return { processes, error: errors.join('; ') || null }
  }

  close(): void {
    this.nvml?.shutdown()
    this.nvml = null
  }
}

function enumerate(nvml: Nvml): DeviceInfo[] {
  const count = nvml.deviceCount()
  if (!count.ok) return []
  const found: DeviceInfo[] = []
  for (let i = 0; i < count.value; i++) {
    const device = nvml.device(i)
    const info = device.ok ? describeDevice(device.value) : null
    if (info) found.push(info)
  }
  return found
}

/** Reads the selected GPUs each poll; re-finds them by UUID when NVML is reopened (indices may change). */
class NvmlPoll implements PollReader {
  readonly kind = 'poll'
  readonly sourceId = 'nvml'
  readonly precision
  private readonly env: SourceEnv
  private readonly devices: readonly DeviceInfo[]
  private readonly holdOpen: boolean
  private nvml: Nvml | null = null
  private handles = new Map<string, NvmlDevice>()
  /** Per device: when its energy counter is read, and what the polls between carry. */
  private readonly pacers = new Map<string, CounterPacer>()

  constructor(env: SourceEnv, devices: readonly DeviceInfo[], options: { holdOpen: boolean; counterEveryReads: number; intervalMs: number }) {
    this.env = env
    this.devices = devices
    this.holdOpen = options.holdOpen
    // A poll more than 3 intervals (at least 5 s) after the previous one reads the counter: a pause is not filled with power.
    for (const d of devices) this.pacers.set(d.deviceId, new CounterPacer(options.counterEveryReads, Math.max(5000, options.intervalMs * 3)))
    this.precision = devices.length > 0 && devices.every((d) => d.method === 'counter') ? ('counter' as const) : ('sampled-power' as const)
  }

  async read(): Promise<{ readings: { reading: Reading; device: DeviceInfo }[]; status: PollStatus | null }> {
    // Only a GPU under runtime power management (a laptop's) can be asleep: a desktop's is not asked each poll.
    const asleep = this.holdOpen ? new Set<string>() : asleepAddresses(this.env, this.devices)
    const awake = this.devices.filter((d) => !d.pciAddress || !asleep.has(d.pciAddress.toLowerCase()))
    if (awake.length === 0) {
      this.close()
      return { readings: [], status: { state: 'asleep', message: message('source.asleep', { tool: TOOL }), fix: null, raw: null } }
    }
    const opened = this.ensureOpen()
    if (opened)
      return {
        readings: [],
        status: { state: opened.state, message: message('source.nvml-unavailable', { code: opened.code }), fix: fixFor(opened), raw: opened.text },
      }
    const wallMs = this.env.clock.nowMs()
    const readings: { reading: Reading; device: DeviceInfo }[] = []
    const failures: string[] = []
    for (const info of awake) {
      const handle = this.handles.get(info.deviceId)
      if (!handle) {
        failures.push(`${info.name}: not found again (unplugged, or lost after a driver reload)`)
        continue
      }
      const { reading, failures: f } = readNvmlDevice(handle, info, wallMs, this.pacers.get(info.deviceId))
      readings.push({ reading, device: info })
      failures.push(...f.map((x) => `${info.name} ${x}`))
    }
    if (!this.holdOpen) this.close()
    const lost = failures.some((f) => /lost|unknown error/i.test(f))
    // A GPU fallen off the bus: reopen next time (the handles are stale), and say so.
    if (lost) this.close()
    if (readings.every((r) => r.reading.powerW === null && r.reading.energyCounterJ === null) && failures.length > 0) {
      return {
        readings: [],
        status: { state: 'driver-error', message: message('source.read-failed', { tool: TOOL }), fix: message('fix.nvidia-driver'), raw: failures.join('; ') },
      }
    }
    return {
      readings,
      status:
        asleep.size > 0
          ? { state: 'ok', message: message('source.some-asleep', { tool: TOOL, asleep: asleep.size }), fix: null, raw: failures.join('; ') || null }
          : null,
    }
  }

  close(): void {
    this.nvml?.shutdown()
    this.nvml = null
    this.handles.clear()
  }

  /** Opens NVML and maps UUIDs to handles; the failure when it cannot, else null. */
  private ensureOpen(): NvmlUnavailable | null {
    if (this.nvml) return null
    const opened = openNvml({ libraryPath: this.env.nvmlLibrary, platform: this.env.platform })
    if (!opened.ok) return opened
    this.nvml = opened.nvml
    const count = opened.nvml.deviceCount()
    for (let i = 0; count.ok && i < count.value; i++) {
      const device = opened.nvml.device(i)
      if (!device.ok) continue
      const uuid = device.value.uuid()
      if (uuid.ok) this.handles.set(uuid.value, device.value)
    }
    return null
  }
}
