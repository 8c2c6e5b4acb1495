/** What a process on a device did over the last process sample: its SM use and its memory, each null when unknown. */
export interface ProcessShare {
  app: string
  smPct: number | null
  memUsedB: number | null
}

/** How an interval's active energy was shared between apps. */
export type AttributionMethod = 'sm-utilisation' | 'memory-share' | 'none'

/** The energy that no process accounts for: what the device draws at rest. */
export const IDLE_APP = 'idle'
/** Active energy with no process to give it to (nothing listed, or processes without any figure). */
export const UNATTRIBUTED_APP = 'unattributed'

export interface IntervalSplit {
  /** Energy per app, J, idle and unattributed included; sums to the interval's energy. */
  apps: { app: string; energyJ: number }[]
  method: AttributionMethod
}

/**
 * Splits one interval's energy between apps, Kepler's way: the idle power × the interval is the
 * device's own (idle), and the rest — the active, dynamic part — is shared by each process's SM
 * utilisation; where no utilisation is given, by its share of GPU memory; with neither, it is
 * unattributed (never guessed). Processes of the same app add up. Nothing is created or lost:
 * the parts sum to `energyJ`.
 */
export function splitInterval(energyJ: number, durationS: number, idleW: number | null, processes: readonly ProcessShare[]): IntervalSplit {
  const idleJ = idleW === null || idleW <= 0 ? 0 : Math.min(energyJ, idleW * durationS)
  const activeJ = energyJ - idleJ
  const weights = weightsOf(processes)
  const parts = new Map<string, number>()
  const add = (app: string, j: number): void => {
    if (j > 0) parts.set(app, (parts.get(app) ?? 0) + j)
  }
  add(IDLE_APP, idleJ)
  if (weights.method === 'none') add(UNATTRIBUTED_APP, activeJ)
  else for (const [app, share] of weights.shares) add(app, activeJ * share)
  return { apps: [...parts.entries()].map(([app, j]) => ({ app, energyJ: j })), method: weights.method }
}

/** Each app's share of the active energy, by SM use first, memory second. */
function weightsOf(processes: readonly ProcessShare[]): { method: AttributionMethod; shares: Map<string, number> } {
  const by = (pick: (p: ProcessShare) => number | null): Map<string, number> | null => {
    const total = processes.reduce((sum, p) => sum + Math.max(0, pick(p) ?? 0), 0)
    if (!(total > 0)) return null
    const shares = new Map<string, number>()
    for (const p of processes) {
      const v = Math.max(0, pick(p) ?? 0)
      if (v > 0) shares.set(p.app, (shares.get(p.app) ?? 0) + v / total)
    }
    return shares
  }
  const sm = by((p) => p.smPct)
  if (sm) return { method: 'sm-utilisation', shares: sm }
  const memory = by((p) => p.memUsedB)
  if (memory) return { method: 'memory-share', shares: memory }
  return { method: 'none', shares: new Map() }
}
