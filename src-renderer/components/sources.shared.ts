import type { SourceState, SourceStatus } from '../../src-main/contract/telemetry.ts'

/** States with a cause to explain (and often a fix), most telling first; the others are absences. */
const TELLING: readonly SourceState[] = ['permission', 'driver-error', 'asleep', 'other']

/**
 * The one source to explain when nothing is read: one the recorder runs (it read, then lost its
 * device, or its tool fails), else the most telling probed state, then the registry's order (the
 * status lists sources in it); null when every source is simply absent (nothing to fix: the
 * banner then says what was looked for).
 */
export function mostTellingProblem(sources: readonly SourceStatus[]): SourceStatus | null {
  const failing = sources.filter((s) => s.running === true && s.state !== 'ok' && s.state !== 'starting' && s.state !== 'stopped')
  const candidates = failing.length ? failing : sources.filter((s) => TELLING.includes(s.state))
  const rank = (s: SourceStatus): number => {
    const i = TELLING.indexOf(s.state)
    return i < 0 ? TELLING.length : i
  }
  return [...candidates].sort((a, b) => rank(a) - rank(b))[0] ?? null
}

/** Sources that cannot run on this system at all (powermetrics on Linux): one line, not a row each. */
export function notForThisSystem(sources: readonly SourceStatus[]): string[] {
  return sources.filter((s) => s.message.code === 'source.not-on-platform').map((s) => s.sourceId)
}
