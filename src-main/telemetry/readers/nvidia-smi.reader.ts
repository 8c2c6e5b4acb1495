import type { SourceStatus } from '../../contract/telemetry.ts'
import type { DeviceInfo, Reading } from '../reading.ts'
import { epochMsFromLocalParts } from '../../core/time.ts'
import { message, type Message } from '../../contract/messages.ts'
import type { ReaderEvents, StreamReader } from '../source.ts'
import { diagnoseNvidiaSmiOutput, NOT_INSTALLED_FIX } from '../parsers/nvidia-smi-status.parse.ts'
import { parseRecord, STREAM_FIELDS, streamColumnMap, type NvidiaRecord } from '../parsers/nvidia-smi-csv.parse.ts'
import { SupervisedProcess, type ProcessExit, type SpawnFn } from '../supervised-process.ts'

export interface NvidiaSmiReaderOptions {
  /** Executable name or path; resolved on PATH. */
  command?: string
  intervalMs: number
  spawn?: SpawnFn
  /** Back-off bounds for restarts, ms. */
  backoffInitialMs?: number
  backoffMaxMs?: number
  /** No line for this long means nvidia-smi hangs, ms (default: 5 intervals, at least 15 s). */
  hangTimeoutMs?: number
}

const COLUMN_MAP = streamColumnMap()
const RECENT_TEXT_LINES = 5

/** The arguments of the one long-lived nvidia-smi process. */
export function nvidiaSmiArgs(intervalMs: number): string[] {
  return [`--query-gpu=${STREAM_FIELDS.join(',')}`, '--format=csv,noheader,nounits', '-lms', String(intervalMs)]
}

/** Device key: the GPU UUID, which survives reboots and re-ordering; the index otherwise. */
export function deviceIdOf(record: Pick<NvidiaRecord, 'uuid' | 'index'>): string {
  return record.uuid ?? `nvidia-index-${record.index ?? 0}`
}

/** One nvidia-smi line as a reading (no energy counter: nvidia-smi gives sampled power) and its GPU. */
export function toReadingAndDevice(record: NvidiaRecord, wallMs: number, source: string): { reading: Reading; device: DeviceInfo } {
  const deviceId = deviceIdOf(record)
  return {
    reading: {
      wallMs,
      deviceId,
      energyCounterJ: null,
      counterRangeJ: null,
      powerW: record.powerW,
      powerLimitW: record.powerLimitW,
      utilPct: record.utilPct,
      memUtilPct: record.memUtilPct,
      memUsedB: record.memUsedB,
      tempC: record.tempC,
      smClockMhz: record.smClockMhz,
      pstate: record.pstate,
    },
    device: {
      deviceId,
      index: record.index,
      name: record.name ?? 'NVIDIA GPU',
      memTotalB: record.memTotalB,
      source,
      domain: 'gpu',
      method: 'sampled-power',
      vendor: 'nvidia',
    },
  }
}

/** Live NVIDIA power from one long-lived `nvidia-smi --query-gpu ... -lms N` process. */
export class NvidiaSmiReader implements StreamReader {
  readonly kind = 'stream'
  readonly sourceId = 'nvidia-smi'
  private readonly options: NvidiaSmiReaderOptions
  private process: SupervisedProcess | null = null
  private events: ReaderEvents | null = null
  private status: SourceStatus
  /** Lines that were not data: nvidia-smi's error messages arrive on stdout. */
  private recentText: string[] = []
  skippedLines = 0

  constructor(options: NvidiaSmiReaderOptions) {
    this.options = options
    this.status = {
      sourceId: this.sourceId,
      state: 'starting',
      precision: null,
      message: message('source.starting', { tool: 'nvidia-smi' }),
      fix: null,
      raw: null,
      sinceMs: Date.now(),
      restarts: 0,
    }
  }

  start(events: ReaderEvents): void {
    this.events = events
    const command = this.options.command ?? 'nvidia-smi'
    this.process = new SupervisedProcess({
      command,
      args: nvidiaSmiArgs(this.options.intervalMs),
      // nvidia-smi can stall for a few seconds under load (seen in real logs): allow for it.
      hangTimeoutMs: this.options.hangTimeoutMs ?? Math.max(15_000, this.options.intervalMs * 5),
      backoffInitialMs: this.options.backoffInitialMs ?? 1000,
      backoffMaxMs: this.options.backoffMaxMs ?? 60_000,
      healthyRunMs: 30_000,
      onLine: (line) => this.handleLine(line),
      onExit: (exit, restartInMs) => this.handleExit(exit, restartInMs),
      ...(this.options.spawn ? { spawn: this.options.spawn } : {}),
    })
    events.onStatus(this.status)
    this.process.start()
  }

  async stop(): Promise<void> {
    await this.process?.stop()
    this.setStatus('stopped', message('source.stopped'), null)
  }

  private handleLine(line: string): void {
    if (line.trim() === '') return
    const result = parseRecord(line, COLUMN_MAP)
    if (!result.ok) {
      this.skippedLines++
      this.recentText = [...this.recentText, line.trim()].slice(-RECENT_TEXT_LINES)
      return
    }
    const tMs = epochMsFromLocalParts(result.record.time)
    if (tMs === null) {
      this.skippedLines++
      return
    }
    if (this.status.state !== 'ok') {
      this.recentText = []
      this.setStatus('ok', message('source.reading', { tool: 'nvidia-smi', intervalMs: this.options.intervalMs }), null)
    }
    const { reading, device } = toReadingAndDevice(result.record, tMs, this.sourceId)
    this.events?.onReading(reading, device)
  }

  private handleExit(exit: ProcessExit, restartInMs: number): void {
    if (this.status.state === 'stopped') return
    const retryS = Math.round(restartInMs / 1000)
    const tool = 'nvidia-smi'
    if (exit.spawnError === 'ENOENT') {
      this.setStatus('not-installed', message('source.not-found', { tool, command: this.options.command ?? 'nvidia-smi' }), NOT_INSTALLED_FIX)
      return
    }
    if (exit.spawnError) {
      const diagnosis = diagnoseNvidiaSmiOutput(exit.spawnError)
      this.setStatus(diagnosis.state, message('source.cannot-start', { tool, error: exit.spawnError, retryS }), diagnosis.fix, exit.spawnError)
      return
    }
    const printed = [exit.stderr, ...this.recentText].filter(Boolean).join('\n').trim()
    this.recentText = []
    if (exit.hung) {
      this.setStatus('other', message('source.hung', { tool, retryS }), null)
      return
    }
    const diagnosis = diagnoseNvidiaSmiOutput(printed)
    const what = exit.signal
      ? message('source.killed', { tool, signal: exit.signal, retryS })
      : message('source.exited', { tool, code: String(exit.code), retryS })
    this.setStatus(diagnosis.state, what, diagnosis.fix, printed || null)
  }

  private setStatus(state: SourceStatus['state'], what: Message, fix: Message | null, raw: string | null = null): void {
    this.status = {
      sourceId: this.sourceId,
      state,
      message: what,
      fix,
      raw,
      sinceMs: Date.now(),
      restarts: this.process?.restarts ?? 0,
      precision: state === 'ok' ? 'sampled-power' : null,
    }
    this.events?.onStatus(this.status)
  }
}
