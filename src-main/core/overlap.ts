/** A reading already stored for a device: when, and how long the interval it closed was, if integrated. */
export interface StoredReading {
  tMs: number
  /** Length of the integrated interval ending at this reading, s; null when it was not integrated. */
  intervalS: number | null
}

/** What to do with one imported reading. */
export interface ImportStep {
  /** False: the store already accounts for this instant (it lies in a stored interval). */
  keep: boolean
  /** True: the interval from the previous imported reading may be integrated (nothing stored lies between). */
  bridge: boolean
}

/**
 * Decides which readings of an import add something the store does not hold yet, so energy is
 * never counted twice whatever was stored before (a live recording of the same GPU, the same log
 * imported again, a copy with instants shifted by a millisecond):
 *
 * - a reading inside an interval already integrated (or at a stored instant, or in a span the
 *   caller reports as covered) is dropped;
 * - two kept readings are integrated only when they were neighbours in the import and no stored
 *   reading lies between them. The seam between stored and imported readings is left out (at most
 *   one sampling interval per seam): an undercount, never a double count.
 *
 * `imported` and `stored` are sorted by time; `imported` has no repeated instant.
 */
export function planImport(
  imported: readonly number[],
  stored: readonly StoredReading[],
  coveredElsewhere: (tMs: number) => boolean = () => false,
): ImportStep[] {
  const intervals = stored.filter((s) => s.intervalS !== null).map((s) => ({ fromMs: s.tMs - Math.round((s.intervalS ?? 0) * 1000), toMs: s.tMs }))
  const steps: ImportStep[] = []
  let i = 0 // first interval that may still contain a reading
  let k = 0 // first stored reading not before the previous imported one
  let previousKept = false
  let previousMs = Number.NEGATIVE_INFINITY
  for (const tMs of imported) {
    while (i < intervals.length && (intervals[i]?.toMs ?? 0) < tMs) i++
    const interval = intervals[i]
    // Stored readings before this instant; is one of them after the previous imported reading?
    let storedBetween = false
    while (k < stored.length && (stored[k]?.tMs ?? 0) < tMs) {
      if ((stored[k]?.tMs ?? 0) > previousMs) storedBetween = true
      k++
    }
    const atStored = stored[k]?.tMs === tMs
    const covered = atStored || (interval !== undefined && interval.fromMs <= tMs) || coveredElsewhere(tMs)
    steps.push({ keep: !covered, bridge: !covered && previousKept && !storedBetween })
    previousKept = !covered
    previousMs = tMs
  }
  return steps
}
