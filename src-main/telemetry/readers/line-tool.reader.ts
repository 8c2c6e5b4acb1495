import { message, type Message } from '../../contract/messages.ts'
import type { SourceState, SourceStatus } from '../../contract/telemetry.ts'
import type { DeviceInfo, Reading } from '../reading.ts'
import type { ReaderEvents, StreamReader } from '../source.ts'
import { SupervisedProcess, type ProcessExit, type SpawnFn } from '../supervised-process.ts'

export interface LineToolOptions {
  sourceId: string
  /** The tool's name in messages. */
  tool: string
  command: string
  args: readonly string[]
  intervalMs: number
  /** Readings a line completes (zero or more: a multi-line block ends at the next header). */
  onLine(line: string): { reading: Reading; device: DeviceInfo }[]
  /** What the tool's own words say went wrong, and how to fix it. */
  diagnose(text: string): { state: Extract<SourceState, 'permission' | 'other' | 'driver-error' | 'no-device'>; fix: Message | null }
  spawn?: SpawnFn | undefined
}

/**
 * A long-lived tool that prints readings as lines (powermetrics, macmon): supervised (restarted
 * with back-off, killed when it hangs), its exits turned into states in its own words.
 */
export class LineToolReader implements StreamReader {
  readonly kind = 'stream'
  readonly sourceId: string
  private readonly options: LineToolOptions
  private process: SupervisedProcess | null = null
  private events: ReaderEvents | null = null
  private status: SourceStatus
  private recent: string[] = []

  constructor(options: LineToolOptions) {
    this.options = options
    this.sourceId = options.sourceId
    this.status = {
      sourceId: this.sourceId,
      state: 'starting',
      precision: null,
      message: message('source.starting', { tool: options.tool }),
      fix: null,
      raw: null,
      sinceMs: Date.now(),
      restarts: 0,
    }
  }

  start(events: ReaderEvents): void {
    this.events = events
    this.process = new SupervisedProcess({
      command: this.options.command,
      args: this.options.args,
      hangTimeoutMs: Math.max(15_000, this.options.intervalMs * 5),
      backoffInitialMs: 1000,
      backoffMaxMs: 60_000,
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
    const readings = this.options.onLine(line)
    if (readings.length === 0) {
      if (line.trim()) this.recent = [...this.recent, line.trim()].slice(-5)
      return
    }
    if (this.status.state !== 'ok') this.setStatus('ok', message('source.reading', { tool: this.options.tool, intervalMs: this.options.intervalMs }), null)
    for (const { reading, device } of readings) this.events?.onReading(reading, device)
  }

  private handleExit(exit: ProcessExit, restartInMs: number): void {
    if (this.status.state === 'stopped') return
    const tool = this.options.tool
    const retryS = Math.round(restartInMs / 1000)
    if (exit.spawnError === 'ENOENT') {
      this.setStatus('not-installed', message('source.not-found', { tool, command: this.options.command }), null)
      return
    }
    const printed = [exit.stderr, ...this.recent].filter(Boolean).join('\n').trim()
    this.recent = []
    const diagnosis = this.options.diagnose(printed)
    const what = exit.hung
      ? message('source.hung', { tool, retryS })
      : exit.signal
        ? message('source.killed', { tool, signal: exit.signal, retryS })
        : message('source.exited', { tool, code: String(exit.code), retryS })
    this.setStatus(diagnosis.state, what, diagnosis.fix, printed.slice(0, 2000) || null)
  }

  private setStatus(state: SourceState, what: Message, fix: Message | null, raw: string | null = null): void {
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
