import { performance } from 'node:perf_hooks'
import { message } from '../contract/messages.ts'
import type { Device, EnergyMethod, Sample, SourceStatus, StorageHealth } from '../contract/telemetry.ts'
import { splitInterval, type ProcessShare } from '../core/attribution.ts'
import { energyBetween, type EnergyPoint } from '../core/energy.ts'
import type { DeviceInfo, Reading } from '../telemetry/reading.ts'
import type { SourceReader, StreamReader } from '../telemetry/source.ts'
import { pollingReader } from './poller.ts'
import { deviceOf, sampleOf, type IngestRow, type Sink } from './sink.ts'

export interface RecorderOptions {
  readers: readonly SourceReader[]
  sink: Sink
  /** Intervals longer than this are gaps, s. */
  maxGapS: number
  /** How often poll readers are read, ms (asked before each read: on battery it grows). */
  pollIntervalMs: () => number
  /**
   * Longest a reading waits before it is written, ms (default 1000: a crash or `kill -9` loses at
   * most the last second). Readings that arrive together are written in one transaction.
   */
  flushIntervalMs?: number
  /** Most readings held in memory while the database cannot be written. */
  maxPendingRows?: number
  /** Monotonic clock, ms (injectable for tests). */
  monotonicNowMs?: () => number
  /** Wall clock of readings a poll source stamps itself, ms. */
  wallNowMs: () => number
  /** Who used each device and its idle power: each interval's energy is split between apps with them. */
  attribution?: Attribution
}

/** What the recorder needs to split energy between apps (the process sampler and the idle baselines give it). */
export interface Attribution {
  /** The processes on a device now (with their app), or null when the device has no process source. */
  processesFor(deviceId: string): ProcessShare[] | null
  /** The device's idle power, W, or null while it is not known. */
  idleW(deviceId: string): number | null
}

/** One interval's energy as soon as it is known (what a measurement sums over its own window). */
export interface IntervalEnergy {
  deviceId: string
  /** Monotonic time of the reading that closes it, ms (performance.now()). */
  endMonoMs: number
  durationS: number
  energyJ: number
  method: EnergyMethod
}

type Listener<T> = (value: T) => void

/**
 * The recording layer: runs every selected source (stream readers on their own clock, poll readers
 * on this one), turns each reading into the energy of the interval it closes — from the device's
 * energy counter when it has one, else integrated from sampled power — and writes batches through
 * the sink. Wall-clock time is stored; the monotonic clock times intervals, so a clock change
 * becomes a gap, not energy.
 */
export class Recorder {
  private readonly options: RecorderOptions
  private readonly streams: StreamReader[]
  private readonly state = new Map<string, EnergyPoint>()
  private readonly devicesById = new Map<string, Device>()
  private readonly latestById = new Map<string, Sample>()
  private readonly statuses = new Map<string, SourceStatus>()
  private pending: IngestRow[] = []
  private outbox: Sample[] = []
  private pushScheduled = false
  private flushTimer: NodeJS.Timeout | null = null
  /** When the oldest pending reading was queued (monotonic ms); null when none is pending. */
  private pendingSinceMono: number | null = null
  private flushSoon = false
  private stopped = true
  private storage: StorageHealth = { ok: true, message: message('storage.ok'), pendingReadings: 0, droppedReadings: 0, error: null }
  private maxGapS: number
  private readonly sampleListeners = new Set<Listener<Sample[]>>()
  private readonly statusListeners = new Set<Listener<SourceStatus>>()
  private readonly intervalListeners = new Set<Listener<IntervalEnergy>>()
  /** Counters for diagnostics and tests. */
  readonly counts = { samples: 0, gaps: 0, clockJumps: 0, duplicates: 0, droppedPending: 0, counterIntervals: 0, sampledIntervals: 0 }

  constructor(options: RecorderOptions) {
    this.options = options
    this.maxGapS = options.maxGapS
    this.streams = options.readers.map((r) =>
      r.kind === 'stream' ? r : pollingReader(r, { intervalMs: options.pollIntervalMs, wallNowMs: options.wallNowMs }),
    )
    for (const r of this.streams) {
      this.statuses.set(r.sourceId, {
        sourceId: r.sourceId,
        state: 'stopped',
        message: message('source.stopped'),
        fix: null,
        raw: null,
        sinceMs: options.wallNowMs(),
        restarts: 0,
        precision: null,
      })
    }
  }

  start(): void {
    this.stopped = false
    for (const reader of this.streams) {
      reader.start({
        onReading: (reading, device) => this.accept(reading, device),
        onStatus: (status) => {
          this.statuses.set(reader.sourceId, status)
          for (const listener of this.statusListeners) listener(status)
        },
      })
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    await Promise.all(this.streams.map((r) => r.stop()))
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    this.flush()
  }

  setMaxGapS(maxGapS: number): void {
    this.maxGapS = maxGapS
  }

  /** Turns one reading into the energy of the interval it closes, and queues it for storage. */
  accept(reading: Reading, info: DeviceInfo): void {
    if (info.partOf) {
      // Inside another device's figure (Apple's CPU inside the SoC): shown live, never stored nor added.
      const device = deviceOf(info)
      const sample = sampleOf(reading)
      this.devicesById.set(device.deviceId, device)
      this.latestById.set(sample.deviceId, sample)
      this.queuePush(sample)
      return
    }
    const monoMs = (this.options.monotonicNowMs ?? (() => performance.now()))()
    const point: EnergyPoint = {
      wallMs: reading.wallMs,
      monoMs,
      powerW: reading.powerW,
      energyCounterJ: reading.energyCounterJ,
      counterRangeJ: reading.counterRangeJ,
    }
    const prev = this.state.get(reading.deviceId)
    let energyJ: number | null = null
    let intervalS: number | null = null
    let gap = false
    let method: IngestRow['method'] = null
    if (prev) {
      const result = energyBetween(prev, point, this.maxGapS)
      if (result.kind === 'repeat') {
        this.counts.duplicates++
        return
      }
      if (result.kind === 'gap') {
        gap = true
        if (reading.wallMs <= prev.wallMs || Math.abs(reading.wallMs - prev.wallMs - (monoMs - prev.monoMs)) > 5000) this.counts.clockJumps++
      } else if (result.kind === 'energy') {
        energyJ = result.energyJ
        intervalS = result.durationS
        method = result.method
        if (method === 'counter') this.counts.counterIntervals++
        else this.counts.sampledIntervals++
      }
    }
    if (gap) this.counts.gaps++
    this.counts.samples++
    this.state.set(reading.deviceId, point)
    const device = deviceOf(info)
    const sample = sampleOf(reading)
    // A counter-only device (RAPL) has no power reading: its power is the interval's mean, from the counter.
    if (sample.powerW === null && method === 'counter' && energyJ !== null && intervalS !== null && intervalS > 0) sample.powerW = energyJ / intervalS
    this.devicesById.set(device.deviceId, device)
    this.latestById.set(sample.deviceId, sample)
    let split: { apps: IngestRow['apps']; attribution: IngestRow['attribution'] } | null = null
    if (energyJ !== null && intervalS !== null && method !== null) {
      for (const listener of this.intervalListeners) listener({ deviceId: device.deviceId, endMonoMs: monoMs, durationS: intervalS, energyJ, method })
      const processes = this.options.attribution?.processesFor(device.deviceId) ?? null
      if (processes) {
        const s = splitInterval(energyJ, intervalS, this.options.attribution?.idleW(device.deviceId) ?? null, processes)
        split = { apps: s.apps, attribution: s.method }
      }
    }
    this.pending.push({ sample, device, energyJ, intervalS, gap, method, ...(split ?? {}) })
    this.scheduleFlush()
    this.queuePush(sample)
  }

  /** Writes pending readings in one transaction. On failure they stay queued (bounded) and the error is reported. */
  flush(): void {
    if (this.pending.length === 0) return
    const batch = this.pending
    try {
      this.options.sink.ingest(batch)
      this.pending = []
      this.pendingSinceMono = null
      if (!this.storage.ok)
        this.storage = { ok: true, message: message('storage.recovered'), pendingReadings: 0, droppedReadings: this.counts.droppedPending, error: null }
    } catch (error) {
      const max = this.options.maxPendingRows ?? 86_400
      if (this.pending.length > max) {
        this.counts.droppedPending += this.pending.length - max
        this.pending = this.pending.slice(-max)
      }
      const words = error instanceof Error ? error.message : String(error)
      this.storage = {
        ok: false,
        message:
          this.counts.droppedPending > 0
            ? message('storage.failing-dropped', { error: words, pending: this.pending.length, dropped: this.counts.droppedPending })
            : message('storage.failing', { error: words, pending: this.pending.length }),
        pendingReadings: this.pending.length,
        droppedReadings: this.counts.droppedPending,
        error: words,
      }
    }
  }

  status(): { sources: SourceStatus[]; devices: Device[]; latest: Sample[]; storage: StorageHealth } {
    return { sources: [...this.statuses.values()], devices: [...this.devicesById.values()], latest: [...this.latestById.values()], storage: this.storage }
  }

  /** Readings since `sinceMs`: stored ones plus those still waiting to be written. */
  recent(sinceMs: number): Sample[] {
    const stored = this.options.sink.samplesSince(sinceMs)
    const waiting = this.pending.map((row) => row.sample).filter((s) => s.tMs >= sinceMs)
    return stored.concat(waiting)
  }

  onSamples(listener: Listener<Sample[]>): () => void {
    this.sampleListeners.add(listener)
    return () => this.sampleListeners.delete(listener)
  }

  /** Every interval's energy as it is worked out (a measurement window sums them). */
  onInterval(listener: Listener<IntervalEnergy>): () => void {
    this.intervalListeners.add(listener)
    return () => this.intervalListeners.delete(listener)
  }

  onStatus(listener: Listener<SourceStatus>): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  // A timer only while readings wait: an idle recorder does not wake up every second.
  /**
   * Pending readings are written within a flush interval of the oldest one. When a poll brings
   * readings and the oldest pending has waited that long, they are written in the same tick (no
   * second wake-up a second); the timer is only the fallback for when readings stop.
   */
  private scheduleFlush(): void {
    if (this.stopped) return
    const intervalMs = this.options.flushIntervalMs ?? 1000
    const nowMono = (this.options.monotonicNowMs ?? (() => performance.now()))()
    if (this.pendingSinceMono === null) this.pendingSinceMono = nowMono
    if (nowMono - this.pendingSinceMono >= intervalMs * 0.9) {
      if (this.flushTimer) clearTimeout(this.flushTimer)
      this.flushTimer = null
      if (this.flushSoon) return
      // After the other devices of this tick have been accepted: one transaction for all of them.
      this.flushSoon = true
      setImmediate(() => {
        this.flushSoon = false
        this.flushNow()
      })
      return
    }
    if (this.flushTimer) return
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null
      this.flushNow()
    }, intervalMs)
    this.flushTimer.unref()
  }

  private flushNow(): void {
    this.flush()
    // Still pending (the disk is full): try again later.
    if (this.pending.length > 0) this.scheduleFlush()
  }

  // Readings of all devices in one tick arrive together; one push carries them all.
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
