import type { Sample } from '../../src-main/contract/telemetry.ts'

/**
 * The end of the live window: now, or the newest reading when the host's clock runs ahead of this
 * one (a pinned clock, a replay at speed), so the buffer stays bounded whatever the two clocks say.
 */
export function windowEndMs(buffer: readonly Sample[], nowMs: number): number {
  return Math.max(nowMs, buffer[buffer.length - 1]?.tMs ?? nowMs)
}

/**
 * Appends a push to the live buffer and drops what fell out of the window (which ends at
 * `windowEndMs` of the result). Samples arrive in time order per push; the buffer stays sorted
 * because pushes are applied in order.
 */
export function appendToWindow(buffer: readonly Sample[], incoming: readonly Sample[], windowMs: number, nowMs: number): Sample[] {
  const cutoff = Math.max(windowEndMs(buffer, nowMs), windowEndMs(incoming, nowMs)) - windowMs
  let start = 0
  while (start < buffer.length && (buffer[start]?.tMs ?? 0) < cutoff) start++
  return buffer.slice(start).concat(incoming.filter((s) => s.tMs >= cutoff))
}

/** One series per device: [tMs, powerW] pairs, null power kept as a break in the line. */
export function powerSeriesByDevice(samples: readonly Sample[]): Map<string, [number, number | null][]> {
  const series = new Map<string, [number, number | null][]>()
  for (const s of samples) {
    const points = series.get(s.deviceId) ?? []
    points.push([s.tMs, s.powerW])
    series.set(s.deviceId, points)
  }
  return series
}
