import { classifyProcess, type AppId } from '../core/apps.ts'
import type { ProcessShare } from '../core/attribution.ts'
import type { DeviceInfo } from '../telemetry/reading.ts'
import type { GpuProcess, ProcessReader } from '../telemetry/processes/process-reader.ts'

/** A process on a device, with the app it belongs to: what the dashboard shows and the recorder splits by. */
export interface AppProcess extends GpuProcess {
  app: AppId
}

export interface ProcessSamplerOptions {
  readers: readonly ProcessReader[]
  /** The devices the recorder knows now (a source naming GPUs by index maps them). */
  devices: () => readonly Pick<DeviceInfo, 'deviceId' | 'index' | 'source'>[]
  /** How often processes are read, ms (default 10 s: attribution needs the mix, not every tick). */
  intervalMs?: number
  monotonicNowMs?: () => number
  /** Called when what runs on the GPUs changed (the dashboard shows it). */
  onChange?: () => void
  /**
   * Whether a GPU was in use (utilisation above 0, or unknown) since the last call. While none was,
   * the processes are not read again: the last list stands (on an idle GPU nothing is shared out,
   * and with nvidia-smi each read is two tool runs). Unset: read every interval.
   */
  inUseSinceLastAsked?: () => boolean
}

/**
 * Reads which processes use each GPU, at a low rate, and names their app. A snapshot older than
 * three intervals is dropped (a hung tool must not attribute today's energy to yesterday's
 * processes): the recorder then leaves the active energy unattributed.
 */
export class ProcessSampler {
  private readonly options: ProcessSamplerOptions
  private latest = new Map<string, AppProcess[]>()
  private readAtMs: number | null = null
  private timer: NodeJS.Timeout | null = null
  private busy = false
  readonly errors: string[] = []
  /** CPU time spent reading processes, µs (diagnostics and the benchmark). */
  cpuUs = 0
  reads = 0
  /** Intervals in which every GPU stayed idle, so the last list was kept without reading. */
  idleSkips = 0
  /** The last interval was skipped as idle (a wake then reads at once). */
  private idle = false

  constructor(options: ProcessSamplerOptions) {
    this.options = options
  }

  private get intervalMs(): number {
    return this.options.intervalMs ?? 10_000
  }

  private now(): number {
    return (this.options.monotonicNowMs ?? (() => performance.now()))()
  }

  start(): void {
    if (this.timer || this.options.readers.length === 0) return
    this.timer = setInterval(() => void this.sampleIfInUse(), this.intervalMs)
    this.timer.unref()
    void this.firstSample()
  }

  /** A source that names GPUs by index needs the recorder's devices first: try every second until there are some. */
  private async firstSample(): Promise<void> {
    for (let i = 0; i < 30 && this.timer && this.options.devices().length === 0; i++) await new Promise((r) => setTimeout(r, 1000).unref())
    if (this.timer) await this.sample()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    for (const r of this.options.readers) r.close()
  }

  /** The interval's read, unless every GPU stayed idle since the last one: then the last list is kept, still current. */
  async sampleIfInUse(): Promise<void> {
    const inUse = this.options.inUseSinceLastAsked?.() ?? true
    if (!inUse && this.readAtMs !== null && !this.busy) {
      this.readAtMs = this.now()
      this.idleSkips++
      this.idle = true
      return
    }
    this.idle = false
    await this.sample()
  }

  /** A GPU left idle: read now rather than at the next interval, so its first busy seconds go to the right app. */
  wake(): void {
    if (!this.idle || !this.timer) return
    this.idle = false
    void this.sample()
  }

  /** One read of every process source. */
  async sample(): Promise<void> {
    if (this.busy) return
    this.busy = true
    const before = process.cpuUsage()
    try {
      const devices = this.options.devices()
      const next = new Map<string, AppProcess[]>()
      for (const reader of this.options.readers) {
        const { processes, error } = await reader.read(devices)
        if (error) this.errors.splice(0, this.errors.length, `${reader.sourceId}: ${error}`)
        for (const p of processes) {
          const list = next.get(p.deviceId) ?? []
          list.push({ ...p, app: classifyProcess({ name: p.name, commandLine: p.commandLine, type: p.type }) })
          next.set(p.deviceId, list)
        }
      }
      const changed = JSON.stringify([...next.entries()]) !== JSON.stringify([...this.latest.entries()])
      this.latest = next
      this.readAtMs = this.now()
      this.reads++
      if (changed) this.options.onChange?.()
    } finally {
      const used = process.cpuUsage(before)
      this.cpuUs += used.user + used.system
      this.busy = false
    }
  }

  /** The processes on a device with their app and figures; [] when none runs; null when unknown (no source, or too old). */
  processesFor(deviceId: string): ProcessShare[] | null {
    if (this.readAtMs === null || this.now() - this.readAtMs > 3 * this.intervalMs) return null
    // A device no process source covers (a CPU package, an AMD card): not split at all.
    const source = this.options.devices().find((d) => d.deviceId === deviceId)?.source
    if (!source || !this.options.readers.some((r) => r.sourceId === source)) return null
    return (this.latest.get(deviceId) ?? []).map((p) => ({ app: p.app, smPct: p.smPct, memUsedB: p.memUsedB }))
  }

  /** Every process seen at the last read, by device (for the dashboard). */
  snapshot(): AppProcess[] {
    return [...this.latest.values()].flat()
  }
}
