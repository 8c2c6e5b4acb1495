import { cpus } from 'node:os'
import type { Sample, SelfCost, Device } from '../../contract/telemetry.ts'
import type { Clock } from '../../core/clock.ts'

/** How often Wattprint's own share is worked out (rarely: it must itself cost next to nothing). */
const EVERY_MS = 10_000
const FIRST_MS = 3000

/** CPU time of all cores (user + nice + sys + irq), ms, as the OS counts it. */
function allCoresBusyMs(): number {
  return cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0)
}

/** This process's CPU time (user + system), ms. */
function ownCpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/**
 * What Wattprint itself costs: its CPU time, and, where a CPU package is measured (RAPL), the
 * share of the package's power its CPU time stands for (its CPU time ÷ the busy CPU time of all
 * cores × the package's power): an estimate, labelled so. Without a CPU power source, only the
 * CPU time is known.
 */
export class SelfCostService {
  private readonly clock: Clock
  private readonly startedMs: number
  private readonly startCpuMs: number
  private last: { ownMs: number; allMs: number; atMs: number }
  private energyJ = 0
  private powerW: number | null = null
  private cpuPercent: number | null = null
  private timer: NodeJS.Timeout | null = null
  private readonly packagePowerW: () => number | null

  constructor(clock: Clock, packagePowerW: () => number | null) {
    this.clock = clock
    this.packagePowerW = packagePowerW
    this.startedMs = clock.nowMs()
    this.startCpuMs = ownCpuMs()
    this.last = { ownMs: this.startCpuMs, allMs: allCoresBusyMs(), atMs: performance.now() }
  }

  start(): void {
    if (this.timer) return
    // A first figure soon after start, then one every EVERY_MS.
    const first = setTimeout(() => this.tick(), FIRST_MS)
    first.unref()
    this.timer = setInterval(() => this.tick(), EVERY_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** One step: CPU time since the last, and the package energy it stands for. */
  tick(): void {
    const now = { ownMs: ownCpuMs(), allMs: allCoresBusyMs(), atMs: performance.now() }
    const ownMs = now.ownMs - this.last.ownMs
    const allMs = now.allMs - this.last.allMs
    const wallMs = now.atMs - this.last.atMs
    this.last = now
    if (wallMs <= 0) return
    this.cpuPercent = (ownMs / wallMs) * 100
    const packageW = this.packagePowerW()
    if (packageW === null || allMs <= 0) {
      this.powerW = null
      return
    }
    this.powerW = packageW * Math.min(1, ownMs / allMs)
    this.energyJ += this.powerW * (wallMs / 1000)
  }

  snapshot(): SelfCost {
    return {
      sinceMs: this.startedMs,
      cpuSeconds: (ownCpuMs() - this.startCpuMs) / 1000,
      cpuPercentOfOneCore: this.cpuPercent,
      powerW: this.powerW,
      energyJ: this.powerW === null && this.energyJ === 0 ? null : this.energyJ,
      cpuPowerMeasured: this.packagePowerW() !== null,
      method: 'estimated',
    }
  }
}

/** The CPU package's power now: the sum of the latest readings of cpu-package devices, W; null when none is measured. */
export function packagePowerW(devices: readonly Device[], latest: readonly Sample[]): number | null {
  const ids = new Set(devices.filter((d) => d.domain === 'cpu-package' || d.domain === 'soc').map((d) => d.deviceId))
  const powers = latest.filter((s) => ids.has(s.deviceId) && s.powerW !== null).map((s) => s.powerW ?? 0)
  return powers.length ? powers.reduce((a, b) => a + b, 0) : null
}
