import type { Clock } from '../src-main/core/clock.ts'
import type { SourceEnv } from '../src-main/telemetry/source.ts'
import { memoryTree, type SysfsTree } from './sysfs-trees.ts'

/**
 * A SourceEnv for tests: an in-memory or captured sysfs tree, no tool on the way (each executable
 * points at a path that does not exist unless the test gives one), no NVML unless given, a pinned clock.
 */
export function testSourceEnv(options: {
  tree?: SysfsTree
  platform?: NodeJS.Platform
  nvmlLibrary?: string | null
  executables?: Partial<SourceEnv['executables']>
  clock?: Clock
  spawn?: SourceEnv['spawn']
  nvmlCounterEveryMs?: number
  /** Files under /proc (`4242/cmdline`), by path. */
  proc?: Readonly<Record<string, string>>
}): SourceEnv {
  const tree = options.tree ?? memoryTree({})
  return {
    platform: options.platform ?? 'linux',
    sysfsRoot: '/nonexistent-sysfs',
    readFile: tree.read,
    listDir: tree.list,
    readProcFile: options.proc ? (path) => options.proc?.[path] ?? null : () => null,
    ...(options.spawn ? { spawn: options.spawn } : {}),
    executables: {
      nvidiaSmi: '/nonexistent/nvidia-smi',
      amdSmi: '/nonexistent/amd-smi',
      rocmSmi: '/nonexistent/rocm-smi',
      powermetrics: '/nonexistent/powermetrics',
      macmon: '/nonexistent/macmon',
      sudo: '/nonexistent/sudo',
      ...options.executables,
    },
    nvmlLibrary: options.nvmlLibrary === undefined ? '/nonexistent/libnvidia-ml.so.1' : options.nvmlLibrary,
    // Every poll unless a test says otherwise: the stand-in's virtual clock moves on at each counter read.
    nvmlCounterEveryMs: options.nvmlCounterEveryMs ?? 0,
    runningAsRoot: false,
    clock: options.clock ?? { nowMs: () => Date.UTC(2026, 10, 30, 12) },
  }
}

/** A laptop's NVIDIA dGPU in sysfs: runtime power management on, and asleep or awake. */
export function laptopGpuFiles(address: string, asleep: boolean): Record<string, string> {
  const base = `bus/pci/devices/${address}`
  return {
    [`${base}/class`]: '0x030200\n',
    [`${base}/vendor`]: '0x10de\n',
    [`${base}/power/control`]: 'auto\n',
    [`${base}/power/runtime_status`]: asleep ? 'suspended\n' : 'active\n',
  }
}
