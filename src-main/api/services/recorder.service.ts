import type { Sample, TelemetryStatus } from '../../contract/telemetry.ts'
import type { Clock } from '../../core/clock.ts'
import type { SampleStore } from '../../store/sample-store.ts'
import type { TelemetryReader } from '../../telemetry/reader.ts'
import { NvidiaSmiReader } from '../../telemetry/readers/nvidia-smi.reader.ts'
import { ReplayReader } from '../../telemetry/readers/replay.reader.ts'
import { Sampler } from '../../telemetry/sampler.ts'
import type { SettingsService } from './settings.service.ts'

export type SourceChoice =
  | { kind: 'nvidia-smi'; command?: string }
  | { kind: 'replay'; file: string; speed?: number; loop?: boolean }
  /** No live source (a one-shot CLI command): the recorder stays stopped. */
  | { kind: 'none' }

export type SamplerListener = (sampler: Sampler) => void

/**
 * The live recording: one sampler on the chosen source into the history. It applies the sampling
 * interval (restarting the reader) and the longest gap as the settings change, without a restart.
 */
export class RecorderService {
  private readonly options: { source: SourceChoice; store: SampleStore; settings: SettingsService; clock: Clock; flushIntervalMs?: number | undefined }
  /** Called with each sampler made, so the owner can wire its events. */
  private readonly wire: SamplerListener
  private sampler: Sampler
  private running = false

  constructor(options: RecorderService['options'], wire: SamplerListener) {
    this.options = options
    this.wire = wire
    this.sampler = this.makeSampler()
    options.settings.onChange(async (next, before) => {
      this.sampler.setMaxGapS(next.maxGapS)
      if (next.sampleIntervalMs !== before.sampleIntervalMs && this.running) {
        await this.sampler.stop()
        this.sampler = this.makeSampler()
        this.sampler.start()
      }
    })
  }

  get current(): Sampler {
    return this.sampler
  }

  start(): void {
    if (this.options.source.kind === 'none' || this.running) return
    this.running = true
    this.sampler.start()
  }

  async stop(): Promise<void> {
    this.running = false
    await this.sampler.stop()
  }

  status(): Pick<TelemetryStatus, 'source' | 'devices' | 'latest' | 'storage'> {
    return this.sampler.status()
  }

  recent(windowS: number): Sample[] {
    return this.sampler.recent(this.options.clock.nowMs() - windowS * 1000)
  }

  private makeSampler(): Sampler {
    const settings = this.options.settings.get()
    const sampler = new Sampler({
      reader: this.makeReader(settings.sampleIntervalMs),
      store: this.options.store,
      maxGapS: settings.maxGapS,
      ...(this.options.flushIntervalMs ? { flushIntervalMs: this.options.flushIntervalMs } : {}),
    })
    this.wire(sampler)
    return sampler
  }

  private makeReader(intervalMs: number): TelemetryReader {
    const source = this.options.source
    if (source.kind === 'replay')
      return new ReplayReader({ file: source.file, speed: source.speed ?? 1, loop: source.loop ?? false, clock: this.options.clock })
    return new NvidiaSmiReader({ intervalMs, ...(source.kind === 'nvidia-smi' && source.command ? { command: source.command } : {}) })
  }
}
