import { performance } from 'node:perf_hooks'
import type { Device, Sample, SourceStatus, StorageHealth } from '../contract/telemetry.ts'
import { message } from '../contract/messages.ts'
import { intervalEnergy } from '../core/integration.ts'
import type { IngestRow, SampleStore } from '../store/sample-store.ts'
import { messageOf } from '../store/database.ts'
import type { TelemetryReader } from './reader.ts'

export interface SamplerOptions {
  reader: TelemetryReader
  store: SampleStore
  /** Intervals longer than this are gaps, s. */
  maxGapS: number
  /**
   * Longest a reading waits before it is written, ms (default 1000: a crash or `kill -9` loses at
   * most the last second). Readings that arrive together are written in one transaction.
   */
  flushIntervalMs?: number
  /** Most samples held in memory while the database cannot be written. */
  maxPendingRows?: number
  /** Monotonic clock, ms (injectable for tests). */
  monotonicNowMs?: () => number
}

interface DeviceState {
  tMs: number
  powerW: number | null
  monoMs: number
}

type Listener<T> = (value: T) => void

/**
 * Owns one reader: integrates energy per device, writes batches to the store, and tells
 * listeners about new samples and status. Wall-clock time is stored; the monotonic clock guards
 * intervals, so a clock change (NTP step, DST bug, manual change) becomes a gap, not energy.
 */
export class Sampler {
  private readonly options: SamplerOptions
  private readonly state = new Map<string, DeviceState>()
  private readonly devicesById = new Map<string, Device>()
  private readonly latestById = new Map<string, Sample>()
  private pending: IngestRow[] = []
  private outbox: Sample[] = []
  private pushScheduled = false
  private flushTimer: NodeJS.Timeout | null = null
  private stopped = true
  private sourceStatus: SourceStatus
  private storage: StorageHealth = { ok: true, message: message('storage.ok'), pendingReadings: 0, droppedReadings: 0, error: null }
  private maxGapS: number
  private readonly sampleListeners = new Set<Listener<Sample[]>>()
  private readonly statusListeners = new Set<Listener<SourceStatus>>()
  /** Counters for diagnostics and tests. */
  readonly counts = { samples: 0, gaps: 0, clockJumps: 0, duplicates: 0, droppedPending: 0 }

  constructor(options: SamplerOptions) {
    this.options = options
    this.maxGapS = options.maxGapS
    this.sourceStatus = {
      sourceId: options.reader.sourceId,
      state: 'stopped',
      message: message('source.stopped'),
      fix: null,
      raw: null,
      sinceMs: Date.now(),
      restarts: 0,
    }
  }

  get sourceId(): string {
    return this.options.reader.sourceId
  }

  start(): void {
    this.stopped = false
    this.options.reader.start({
      onSample: (sample, device) => this.accept(sample, device),
      onStatus: (status) => {
        this.sourceStatus = status
        for (const listener of this.statusListeners) listener(status)
      },
    })
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.options.reader.stop()
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    this.flush()
  }

  setMaxGapS(maxGapS: number): void {
    this.maxGapS = maxGapS
  }

  /** Integrates one reading against the device's previous one and queues it for storage. */
  accept(sample: Sample, device: Device): void {
    const monoMs = (this.options.monotonicNowMs ?? (() => performance.now()))()
    const prev = this.state.get(sample.deviceId)
    let energyJ: number | null = null
    let intervalS: number | null = null
    let gap = false
    if (prev) {
      const wallMs = sample.tMs - prev.tMs
      const monoElapsedMs = monoMs - prev.monoMs
      const outcome = intervalEnergy(prev, sample, this.maxGapS)
      // Same instant again (a repeated line): drop it. Earlier than before while real time passed:
      // the wall clock stepped back, so start afresh from here (a gap) instead of stalling.
      if (outcome.kind === 'non-increasing' && monoElapsedMs < 100) {
        this.counts.duplicates++
        return
      }
      if (outcome.kind === 'non-increasing' || Math.abs(wallMs - monoElapsedMs) > Math.max(5000, monoElapsedMs / 2)) {
        this.counts.clockJumps++
        gap = true
      } else if (outcome.kind === 'gap') {
        gap = true
      } else if (outcome.kind === 'energy') {
        energyJ = outcome.energyJ
        intervalS = outcome.durationS
      }
    }
    if (gap) this.counts.gaps++
    this.counts.samples++
    this.state.set(sample.deviceId, { tMs: sample.tMs, powerW: sample.powerW, monoMs })
    this.devicesById.set(device.deviceId, device)
    this.latestById.set(sample.deviceId, sample)
    this.pending.push({ sample, device, energyJ, intervalS, gap })
    this.scheduleFlush()
    this.queuePush(sample)
  }

  // A timer only while readings wait: an idle recorder does not wake up every second.
  private scheduleFlush(): void {
    if (this.flushTimer || this.stopped) return
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null
      this.flush()
      // Still pending (the disk is full): try again later.
      if (this.pending.length > 0) this.scheduleFlush()
    }, this.options.flushIntervalMs ?? 1000)
    this.flushTimer.unref()
  }

  /** Writes pending samples in one transaction. On failure they stay queued (bounded) and the error is reported. */
  flush(): void {
    if (this.pending.length === 0) return
    const batch = this.pending
    try {
      this.options.store.ingest(batch)
      this.pending = []
      if (!this.storage.ok)
        this.storage = { ok: true, message: message('storage.recovered'), pendingReadings: 0, droppedReadings: this.counts.droppedPending, error: null }
    } catch (error) {
      const max = this.options.maxPendingRows ?? 86_400
      if (this.pending.length > max) {
        this.counts.droppedPending += this.pending.length - max
        this.pending = this.pending.slice(-max)
      }
      this.storage = {
        ok: false,
        message:
          this.counts.droppedPending > 0
            ? message('storage.failing-dropped', { error: messageOf(error), pending: this.pending.length, dropped: this.counts.droppedPending })
            : message('storage.failing', { error: messageOf(error), pending: this.pending.length }),
        pendingReadings: this.pending.length,
        droppedReadings: this.counts.droppedPending,
        error: messageOf(error),
      }
    }
  }

  status(): { source: SourceStatus; devices: Device[]; latest: Sample[]; storage: StorageHealth } {
    return {
      source: this.sourceStatus,
      devices: [...this.devicesById.values()],
      latest: [...this.latestById.values()],
      storage: this.storage,
    }
  }

  /** Samples since `sinceMs`: stored ones plus those still waiting to be written. */
  recent(sinceMs: number): Sample[] {
    const stored = this.options.store.samplesSince(sinceMs)
    const waiting = this.pending.map((row) => row.sample).filter((s) => s.tMs >= sinceMs)
    return stored.concat(waiting)
  }

  onSamples(listener: Listener<Sample[]>): () => void {
    this.sampleListeners.add(listener)
    return () => this.sampleListeners.delete(listener)
  }

  onStatus(listener: Listener<SourceStatus>): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  // Samples of all GPUs in one tick arrive together; one push carries them all.
  private queuePush(sample: Sample): void {
    this.outbox.push(sample)
    if (this.pushScheduled) return
    this.pushScheduled = true
    setImmediate(() => {
      const batch = this.outbox
      this.outbox = []
      this.pushScheduled = false
      for (const listener of this.sampleListeners) listener(batch)
    })
  }
}
