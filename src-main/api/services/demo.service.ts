import type { DatabaseSync } from 'node:sqlite'
import type { Clock } from '../../core/clock.ts'
import { openDatabase } from '../../store/database.ts'
import { SampleStore } from '../../store/sample-store.ts'
import { ReplayReader } from '../../telemetry/readers/replay.reader.ts'
import { Recorder } from '../../recording/recorder.ts'
import type { SettingsService } from './settings.service.ts'

/**
 * The demo: the bundled real trace replayed into its own in-memory store, never mixed into the
 * history; labelled DEMO wherever its numbers show.
 */
export class DemoService {
  private demo: { sampler: Recorder; db: DatabaseSync; store: SampleStore } | null = null

  private readonly options: { traceFile: string | null; speed: number; clock: Clock; settings: SettingsService }
  private readonly wire: (sampler: Recorder) => void
  private readonly changed: () => void

  constructor(
    options: { traceFile: string | null; speed: number; clock: Clock; settings: SettingsService },
    wire: (sampler: Recorder) => void,
    changed: () => void,
  ) {
    this.options = options
    this.wire = wire
    this.changed = changed
  }

  get running(): boolean {
    return this.demo !== null
  }

  get sampler(): Recorder | null {
    return this.demo?.sampler ?? null
  }

  get store(): SampleStore | null {
    return this.demo?.store ?? null
  }

  start(): void {
    if (this.demo || !this.options.traceFile) return
    const db = openDatabase(':memory:')
    const reader = new ReplayReader({
      file: this.options.traceFile,
      loop: true,
      speed: this.options.speed,
      sourceId: 'demo',
      deviceName: 'Demo GPU (recorded Qwen3-ASR run)',
      clock: this.options.clock,
    })
    const store = new SampleStore(db)
    const clock = this.options.clock
    const sampler = new Recorder({
      readers: [reader],
      sink: store,
      maxGapS: this.options.settings.get().maxGapS,
      flushIntervalMs: 1000,
      pollIntervalMs: () => 1000,
      wallNowMs: () => clock.nowMs(),
    })
    this.wire(sampler)
    this.demo = { sampler, db, store }
    sampler.start()
    this.changed()
  }

  async stop(): Promise<void> {
    const demo = this.demo
    if (!demo) return
    this.demo = null
    await demo.sampler.stop()
    demo.db.close()
    this.changed()
  }
}
