import { message } from '../contract/messages.ts'
import type { PollReader, PollStatus, ReaderEvents, StreamReader } from '../telemetry/source.ts'

/**
 * Drives a poll reader on the recorder's clock: reads it every `intervalMs()` (asked each time, so
 * a laptop on battery reads less often), passes its readings on, and reports its status when it
 * changes. A read that fails says why; the poller keeps going.
 */
export function pollingReader(poll: PollReader, clock: { intervalMs: () => number; wallNowMs: () => number }): StreamReader {
  let timer: NodeJS.Timeout | null = null
  let stopped = true
  let last: string | null = null
  return {
    kind: 'stream',
    sourceId: poll.sourceId,
    start(events: ReaderEvents): void {
      stopped = false
      const report = (status: PollStatus): void => {
        const key = JSON.stringify(status)
        if (key === last) return
        last = key
        events.onStatus({
          ...status,
          sourceId: poll.sourceId,
          sinceMs: clock.wallNowMs(),
          restarts: 0,
          precision: status.state === 'ok' ? poll.precision : null,
        })
      }
      report({ state: 'starting', message: message('source.starting', { tool: poll.sourceId }), fix: null, raw: null })
      const tick = async (): Promise<void> => {
        if (stopped) return
        const started = performance.now()
        try {
          const { readings, status } = await poll.read()
          for (const { reading, device } of readings) events.onReading(reading, device)
          report(status ?? { state: 'ok', message: message('source.polling', { tool: poll.sourceId, intervalMs: clock.intervalMs() }), fix: null, raw: null })
        } catch (error) {
          report({
            state: 'other',
            message: message('source.read-failed', { tool: poll.sourceId }),
            fix: null,
            raw: error instanceof Error ? error.message : String(error),
          })
        }
        if (stopped) return
        // Keep the cadence: the next read is due one interval after this one started.
        timer = setTimeout(() => void tick(), Math.max(0, clock.intervalMs() - (performance.now() - started)))
        timer.unref()
      }
      void tick()
    },
    async stop(): Promise<void> {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      poll.close()
    },
  }
}
