import type { Sample, SourceId, SourceStatus, TelemetryStatus } from '../../contract/telemetry.ts'
import type { Clock } from '../../core/clock.ts'
import { ProcessSampler, type AppProcess } from '../../recording/process-sampler.ts'
import { Recorder, type Attribution, type RecorderOptions } from '../../recording/recorder.ts'
import type { Sink } from '../../recording/sink.ts'
import { onBattery } from '../../telemetry/pci.ts'
import { probeAll, SOURCE_ORDER, SOURCES } from '../../telemetry/registry.ts'
import { selectSources, type Dropped } from '../../telemetry/selection.ts'
import type { ProbeResult, SourceEnv, TelemetrySource } from '../../telemetry/source.ts'
import { replaySource } from '../../telemetry/sources/replay.source.ts'
import type { SettingsService } from './settings.service.ts'

export type SourceChoice =
  /** Every source of the registry that finds devices here (the default). */
  | { kind: 'auto' }
  /** nvidia-smi only (a non-standard path, or a stand-in in tests). */
  | { kind: 'nvidia-smi' }
  /** An nvidia-smi CSV log played back with its own timing. */
  | { kind: 'replay'; file: string; speed?: number; loop?: boolean }
  /** No live source (a one-shot CLI command): nothing is recorded. */
  | { kind: 'none' }

export type RecorderListener = (recorder: Recorder) => void

/** On battery, poll sources are read this many times less often. */
export const BATTERY_SLOWDOWN = 5

/**
 * The live recording: probes the registry's sources, selects which reads which device, and runs a
 * Recorder on them into the history. It applies the sampling interval (restarting the sources)
 * and the longest gap as the settings change, without a restart of the app.
 */
export class RecorderService {
  private readonly options: {
    source: SourceChoice
    env: SourceEnv
    sink: Sink
    settings: SettingsService
    clock: Clock
    flushIntervalMs?: number | undefined
    /** Each device's idle power (learned or set): what attribution keeps apart. */
    idleW?: (deviceId: string) => number | null
    /** How often processes are read for attribution, ms. */
    processIntervalMs?: number | undefined
    /** The sampling interval, ms, instead of the setting's. */
    sampleIntervalMs?: number | undefined
  }
  private readonly wire: RecorderListener
  private recorder: Recorder
  private sampler: ProcessSampler | null = null
  private readonly processListeners = new Set<() => void>()
  private probes: ProbeResult[] = []
  private dropped: Dropped[] = []
  private running = false
  private generation = 0
  /** Paused by the user (tray): since when; nothing is read until resumed, so the time shows as a gap. */
  private pausedSinceMs: number | null = null

  private battery: { atMs: number; on: boolean } | null = null

  /** On battery (sampling slows down): the power supplies are read every 30 s, not every poll. */
  private onBattery(): boolean {
    const nowMs = this.options.clock.nowMs()
    if (!this.battery || nowMs < this.battery.atMs || nowMs - this.battery.atMs >= 30_000) this.battery = { atMs: nowMs, on: onBattery(this.options.env) }
    return this.battery.on
  }

  constructor(options: RecorderService['options'], wire: RecorderListener) {
    this.options = options
    this.wire = wire
    this.recorder = this.makeRecorder([])
    options.settings.onChange(async (next, before) => {
      this.recorder.setMaxGapS(next.maxGapS)
      if (next.sampleIntervalMs !== before.sampleIntervalMs && this.live()) await this.restart()
    })
  }

  get current(): Recorder {
    return this.recorder
  }

  /** Probes and starts recording (asynchronously: readings arrive when the sources answer). */
  start(): void {
    if (this.options.source.kind === 'none' || this.running) return
    this.running = true
    void this.restart()
  }

  async stop(): Promise<void> {
    this.running = false
    this.generation++
    this.sampler?.stop()
    this.sampler = null
    await this.recorder.stop()
  }

  /**
   * Stops reading until resumed: the readings so far are written, and the next ones start a new
   * interval, so the paused time is a gap in the history (not zero watts, not bridged).
   */
  async pause(): Promise<void> {
    if (this.pausedSinceMs !== null) return
    this.pausedSinceMs = this.options.clock.nowMs()
    this.generation++
    this.sampler?.stop()
    this.sampler = null
    await this.recorder.stop()
    this.processListeners.forEach((listener) => listener())
  }

  async resume(): Promise<void> {
    if (this.pausedSinceMs === null) return
    this.pausedSinceMs = null
    if (this.running) await this.restart()
    this.processListeners.forEach((listener) => listener())
  }

  private live(): boolean {
    return this.running && this.pausedSinceMs === null
  }

  /** Called when what runs on the GPUs changed, or recording was paused or resumed. */
  onProcesses(listener: () => void): () => void {
    this.processListeners.add(listener)
    return () => this.processListeners.delete(listener)
  }

  /** The processes on each GPU at the last read, with their app (empty without a process source). */
  processes(): AppProcess[] {
    return this.sampler?.snapshot() ?? []
  }

  /** Probes the sources again (a GPU plugged in or woken, a driver loaded, a permission granted) and restarts. */
  async reprobe(): Promise<void> {
    if (this.live()) await this.restart()
  }

  status(): Pick<TelemetryStatus, 'sources' | 'devices' | 'latest' | 'storage' | 'paused'> {
    const live = this.recorder.status()
    const paused = this.pausedSinceMs === null ? null : { sinceMs: this.pausedSinceMs }
    const opened = new Map(live.sources.map((s) => [s.sourceId, { ...s, running: true }]))
    // Every registered source: the opened ones as they run, the others as the probe found them.
    const probed: SourceStatus[] = this.probes
      .filter((p) => !opened.has(p.sourceId))
      .map((p) => {
        // Found but not opened: another source reads its devices better (the reason says which).
        const reason = this.dropped.find((d) => d.sourceId === p.sourceId)?.reason
        return {
          sourceId: p.sourceId,
          state: p.state === 'ok' ? 'standby' : p.state,
          message: p.state === 'ok' && reason ? reason : p.message,
          fix: p.fix,
          raw: p.raw,
          sinceMs: 0,
          restarts: 0,
          precision: p.precision,
        }
      })
    // Paused: the last readings are not "now".
    return { ...live, latest: paused ? [] : live.latest, sources: [...opened.values(), ...probed], paused }
  }

  recent(windowS: number): Sample[] {
    return this.recorder.recent(this.options.clock.nowMs() - windowS * 1000)
  }

  private sources(): readonly TelemetrySource[] {
    const choice = this.options.source
    if (choice.kind === 'replay') return [replaySource(choice.file, { speed: choice.speed ?? 1, loop: choice.loop ?? false })]
    if (choice.kind === 'nvidia-smi') return SOURCES.filter((s) => s.id === 'nvidia-smi')
    return SOURCES
  }

  private async restart(): Promise<void> {
    const generation = ++this.generation
    this.sampler?.stop()
    this.sampler = null
    await this.recorder.stop()
    const probes = await probeAll(this.options.env, this.sources())
    // Stopped or restarted again while probing: this round is stale.
    if (generation !== this.generation) return
    this.probes = probes
    const { selected, dropped } = selectSources(probes, SOURCE_ORDER)
    this.dropped = dropped
    const intervalMs = this.options.sampleIntervalMs ?? this.options.settings.get().sampleIntervalMs
    const byId = new Map(this.sources().map((s) => [s.id, s]))
    const readers = selected.flatMap(({ sourceId, devices }) => {
      const source = byId.get(sourceId as SourceId)
      return source ? [source.open(this.options.env, devices, { intervalMs })] : []
    })
    // Which processes use the GPUs, from the sources that can tell (NVML, nvidia-smi), at a low rate.
    const processReaders = selected.flatMap(({ sourceId, devices }) => {
      const source = byId.get(sourceId as SourceId)
      return source?.processes ? [source.processes(this.options.env, devices)] : []
    })
    // Whether a GPU did anything since the sampler last asked: an idle GPU's processes are not read again.
    let inUse = true
    const sampler = new ProcessSampler({
      readers: processReaders,
      devices: () => this.recorder.status().devices,
      intervalMs: this.options.processIntervalMs,
      onChange: () => this.processListeners.forEach((listener) => listener()),
      inUseSinceLastAsked: () => {
        const answer = inUse
        inUse = false
        return answer
      },
    })
    this.sampler = sampler
    this.recorder = this.makeRecorder(readers, {
      processesFor: (deviceId) => sampler.processesFor(deviceId),
      idleW: (deviceId) => this.options.idleW?.(deviceId) ?? null,
    })
    const withProcesses = new Set(processReaders.map((r) => r.sourceId))
    this.recorder.onSamples((batch) => {
      if (inUse || withProcesses.size === 0) return
      // Only the GPUs whose processes are read count (a CPU package has no utilisation figure).
      const gpus = new Set(this.recorder.status().devices.flatMap((d) => (withProcesses.has(d.source) ? [d.deviceId] : [])))
      const busy = batch.some((sample) => gpus.has(sample.deviceId) && (sample.utilPct === null || sample.utilPct > 0))
      if (!busy) return
      inUse = true
      sampler.wake()
    })
    this.recorder.start()
    sampler.start()
  }

  private makeRecorder(readers: RecorderOptions['readers'], attribution?: Attribution): Recorder {
    const recorder = new Recorder({
      readers,
      ...(attribution ? { attribution } : {}),
      sink: this.options.sink,
      maxGapS: this.options.settings.get().maxGapS,
      pollIntervalMs: () => (this.options.sampleIntervalMs ?? this.options.settings.get().sampleIntervalMs) * (this.onBattery() ? BATTERY_SLOWDOWN : 1),
      wallNowMs: () => this.options.clock.nowMs(),
      ...(this.options.flushIntervalMs ? { flushIntervalMs: this.options.flushIntervalMs } : {}),
    })
    this.wire(recorder)
    return recorder
  }
}
