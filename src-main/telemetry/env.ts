import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Clock } from '../core/clock.ts'
import type { SourceEnv } from './source.ts'

/** Options a person or a test gives (the CLI's --sysfs-root and --nvidia-smi, WATTPRINT_* variables). */
export interface EnvOptions {
  sysfsRoot?: string | undefined
  nvidiaSmi?: string | undefined
  nvmlLibrary?: string | undefined
  platform?: NodeJS.Platform
  clock: Clock
}

/**
 * NVML's energy counter every 30 s by default: one read costs 3.9 ms of CPU on an H200 (the rest of
 * a poll, microseconds). WATTPRINT_NVML_COUNTER_MS overrides it (0: every poll).
 */
export const NVML_COUNTER_EVERY_MS = 30_000

function counterEveryMs(text: string | undefined): number {
  const value = text === undefined || text.trim() === '' ? NaN : Number(text)
  return Number.isFinite(value) && value >= 0 ? value : NVML_COUNTER_EVERY_MS
}

/** The real machine (or the folder standing for /sys in tests), read lazily and never written. */
export function sourceEnv(options: EnvOptions): SourceEnv {
  const root = options.sysfsRoot ?? process.env.WATTPRINT_SYSFS_ROOT ?? '/sys'
  const procRoot = process.env.WATTPRINT_PROC_ROOT ?? '/proc'
  return {
    platform: options.platform ?? process.platform,
    sysfsRoot: root,
    readFile: (path) => {
      try {
        return readFileSync(join(root, path), 'utf8')
      } catch {
        return null
      }
    },
    readProcFile: (path) => {
      try {
        return readFileSync(join(procRoot, path), 'utf8')
      } catch {
        return null
      }
    },
    listDir: (path) => {
      try {
        return readdirSync(join(root, path)).sort()
      } catch {
        return []
      }
    },
    executables: {
      nvidiaSmi: options.nvidiaSmi ?? process.env.WATTPRINT_NVIDIA_SMI ?? 'nvidia-smi',
      amdSmi: process.env.WATTPRINT_AMD_SMI ?? 'amd-smi',
      rocmSmi: process.env.WATTPRINT_ROCM_SMI ?? 'rocm-smi',
      powermetrics: process.env.WATTPRINT_POWERMETRICS ?? '/usr/bin/powermetrics',
      macmon: process.env.WATTPRINT_MACMON ?? 'macmon',
      sudo: process.env.WATTPRINT_SUDO ?? '/usr/bin/sudo',
    },
    nvmlLibrary: options.nvmlLibrary ?? process.env.WATTPRINT_NVML_LIBRARY ?? null,
    nvmlCounterEveryMs: counterEveryMs(process.env.WATTPRINT_NVML_COUNTER_MS),
    runningAsRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    clock: options.clock,
  }
}
