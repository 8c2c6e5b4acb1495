import { basename } from 'node:path'
import { readFile } from 'node:fs/promises'
import type { SourceStatus } from '../../contract/telemetry.ts'
import { epochMsFromLocalParts } from '../../core/time.ts'
import { systemClock, type Clock } from '../../core/clock.ts'
import { formatText, message, type Message } from '../../contract/messages.ts'
import type { ReaderEvents, StreamReader } from '../source.ts'
import { parseNvidiaSmiLog } from '../parsers/nvidia-smi-log.parse.ts'
import { toReadingAndDevice } from './nvidia-smi.reader.ts'
import type { NvidiaRecord } from '../parsers/nvidia-smi-csv.parse.ts'

export interface ReplayReaderOptions {
  file: string
  /** 1 = the log's own timing; 10 = ten times faster. */
  speed?: number
  /** Start again from the top at the end (the demo does). */
  loop?: boolean
  /** Name shown for a device whose log has no name column. */
  deviceName?: string
  sourceId?: string
  /** Stamps the readings (the app's clock; tests pin it). */
  clock?: Clock
}

interface TimedRecord {
  offsetMs: number
  record: NvidiaRecord
}

/**
 * Plays an nvidia-smi CSV log back as if it were live: each reading is emitted at its offset in
 * the log (divided by `speed`) and stamped with the wall-clock time at which it is emitted.
 */
export class ReplayReader implements StreamReader {
  readonly kind = 'stream'
  readonly sourceId: string
  private readonly options: ReplayReaderOptions
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(options: ReplayReaderOptions) {
    this.options = options
    this.sourceId = options.sourceId ?? `replay:${basename(options.file)}`
  }

  start(events: ReaderEvents): void {
    this.stopped = false
    this.emitStatus(events, 'starting', message('source.replay-loading', { file: this.options.file }))
    void this.load().then(
      (records) => {
        if (this.stopped) return
        if (records.length === 0) {
          this.emitStatus(events, 'other', message('source.replay-empty', { file: this.options.file }))
          return
        }
        this.emitStatus(events, 'ok', message('source.replay-playing', { file: basename(this.options.file), readings: records.length }))
        this.play(records, events)
      },
      (error: unknown) => this.emitStatus(events, 'other', message('source.replay-failed', { file: this.options.file, error: String(error) }), String(error)),
    )
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }

  private async load(): Promise<TimedRecord[]> {
    const parsed = parseNvidiaSmiLog(await readFile(this.options.file, 'utf8'))
    if (!parsed.ok) throw new Error(formatText('en', parsed.problem))
    // The log's own zone does not matter: only offsets between its readings are used.
    const timed = parsed.log.records
      .map(({ record }) => ({ tMs: epochMsFromLocalParts(record.time, 'UTC'), record }))
      .filter((r): r is { tMs: number; record: NvidiaRecord } => r.tMs !== null)
    const t0 = timed[0]?.tMs ?? 0
    return timed.map(({ tMs, record }) => ({ offsetMs: tMs - t0, record }))
  }

  private play(records: TimedRecord[], events: ReaderEvents): void {
    const speed = this.options.speed ?? 1
    const clock = this.options.clock ?? systemClock
    const startedAt = clock.nowMs()
    let i = 0
    const step = (): void => {
      if (this.stopped) return
      const now = clock.nowMs()
      while (i < records.length) {
        const item = records[i]
        if (!item || startedAt + item.offsetMs / speed > now) break
        const record = { ...item.record, name: item.record.name ?? this.options.deviceName ?? null }
        const { reading, device } = toReadingAndDevice(record, now, this.sourceId)
        const deviceId = `${this.sourceId}:${item.record.uuid ?? item.record.index ?? 0}`
        events.onReading({ ...reading, deviceId }, { ...device, deviceId })
        i++
      }
      if (i >= records.length) {
        if (!this.options.loop) {
          this.emitStatus(events, 'stopped', message('source.replay-finished', { file: basename(this.options.file) }))
          return
        }
        // Leave one reading's interval before the next lap so its first reading is not a duplicate instant.
        const lapGapMs = (records[1]?.offsetMs ?? 1000) / speed
        this.timer = setTimeout(() => this.play(records, events), lapGapMs)
        return
      }
      const next = records[i]
      const dueIn = next ? startedAt + next.offsetMs / speed - clock.nowMs() : 0
      this.timer = setTimeout(step, Math.max(0, dueIn))
    }
    step()
  }

  private emitStatus(events: ReaderEvents, state: SourceStatus['state'], what: Message, raw: string | null = null): void {
    events.onStatus({
      sourceId: this.sourceId,
      state,
      message: what,
      fix: null,
      raw,
      sinceMs: (this.options.clock ?? systemClock).nowMs(),
      restarts: 0,
      precision: state === 'ok' ? 'sampled-power' : null,
    })
  }
}
