import type { PushListener } from '../api/services/push-bus.ts'
import { formatText } from '../contract/messages.ts'
import type { SourceState, SourceStatus, TelemetryStatus } from '../contract/telemetry.ts'
import type { LogLines } from './file-log.ts'

const FAILED: ReadonlySet<SourceState> = new Set(['driver-error', 'permission', 'other'])

/** The tool's own words, first line only and short: enough to recognise the failure. */
const rawOf = (s: SourceStatus): string => {
  const first = s.raw?.split('\n').find((line) => line.trim() !== '')
  return first ? ` [${first.trim().slice(0, 200)}]` : ''
}

/**
 * Logs each telemetry source's state when it changes (first seen, opened, failed with its
 * message, restarted) and the storage going bad or good again, from the `telemetry:status` pushes;
 * everything else in a status (samples, processes and their apps) is never logged. The demo's
 * statuses are not the machine's and are skipped. Returns the unsubscribe.
 */
export function logTelemetryTransitions(bus: { on(listener: PushListener): () => void }, log: LogLines): () => void {
  const known = new Map<string, { state: SourceState; restarts: number }>()
  let storageOk = true
  return bus.on((channel, payload) => {
    if (channel !== 'telemetry:status') return
    const status = payload as TelemetryStatus
    if (status.demo) return
    for (const s of status.sources) {
      const before = known.get(s.sourceId)
      known.set(s.sourceId, { state: s.state, restarts: s.restarts })
      const text = `${formatText('en', s.message)}${rawOf(s)}`
      const write = (line: string): void => (FAILED.has(s.state) ? log.warn(line) : log.info(line))
      if (!before) write(`telemetry ${s.sourceId}: ${s.state} — ${text}`)
      else if (before.state !== s.state) write(`telemetry ${s.sourceId}: ${before.state} → ${s.state} — ${text}`)
      else if (s.restarts > before.restarts) log.warn(`telemetry ${s.sourceId}: restarted (${s.restarts} restarts), ${s.state} — ${text}`)
    }
    if (status.storage.ok !== storageOk) {
      storageOk = status.storage.ok
      const detail = status.storage.error ? ` (${status.storage.error.slice(0, 200)})` : ''
      if (storageOk) log.info(`storage: readings are written again — ${formatText('en', status.storage.message)}`)
      else log.error(`storage: readings cannot be written — ${formatText('en', status.storage.message)}${detail}`)
    }
  })
}
