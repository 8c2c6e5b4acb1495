/**
 * A figure with the range it may lie in: every input's documented range carried end to end
 * (interval arithmetic), so no result looks more precise than what it rests on. `low ≤ value ≤ high`.
 */
export interface Ranged {
  value: number
  low: number
  high: number
}

export const exact = (value: number): Ranged => ({ value, low: value, high: value })

/** A value with a range; the range is widened to hold the value if it does not. */
export function ranged(value: number, low: number, high: number): Ranged {
  return { value, low: Math.min(low, value, high), high: Math.max(high, value, low) }
}

export function plus(a: Ranged, b: Ranged): Ranged {
  return { value: a.value + b.value, low: a.low + b.low, high: a.high + b.high }
}

export function minus(a: Ranged, b: Ranged): Ranged {
  return { value: a.value - b.value, low: a.low - b.high, high: a.high - b.low }
}

/** a × b over the whole boxes (either may span 0). */
export function times(a: Ranged, b: Ranged): Ranged {
  const ends = [a.low * b.low, a.low * b.high, a.high * b.low, a.high * b.high]
  return ranged(a.value * b.value, Math.min(...ends), Math.max(...ends))
}

/** a ÷ b, for b positive at both ends (a divisor that may be 0 has no range). */
export function divide(a: Ranged, b: Ranged): Ranged {
  if (!(b.low > 0)) throw new RangeError('divide: the divisor must be positive over its whole range')
  // Quotients taken directly (not a × 1/b): 1/b overflows to Infinity for a subnormal b.
  const ends = [a.low / b.low, a.low / b.high, a.high / b.low, a.high / b.high]
  return ranged(a.value / b.value, Math.min(...ends), Math.max(...ends))
}

export const scale = (a: Ranged, k: number): Ranged => times(a, exact(k))

/** Whether `inner` lies within `outer` (a narrower input gives a result inside the wider one's). */
export const within = (inner: Ranged, outer: Ranged, tolerance = 1e-9): boolean =>
  inner.low >= outer.low - tolerance * Math.max(1, Math.abs(outer.low)) && inner.high <= outer.high + tolerance * Math.max(1, Math.abs(outer.high))
