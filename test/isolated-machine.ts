import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Environment that hides this machine's own telemetry from the app under test: an empty folder
 * stands for /sys (so CI's real RAPL counters or a developer's GPU never leak into a figure) and
 * every vendor tool and library points at nothing. A test that wants a source gives it explicitly
 * (a fake nvidia-smi on PATH, a captured sysfs tree, the stand-in NVML).
 */
export function isolatedMachineEnv(): Record<string, string> {
  const emptySys = join(tmpdir(), 'wattprint-empty-sysfs')
  mkdirSync(emptySys, { recursive: true })
  return {
    WATTPRINT_SYSFS_ROOT: emptySys,
    WATTPRINT_PROC_ROOT: emptySys,
    // No real local server (a developer's Ollama) is looked at unless a test names one.
    WATTPRINT_INFERENCE_URLS: '',
    WATTPRINT_NVML_LIBRARY: '/nonexistent/libnvidia-ml.so.1',
    WATTPRINT_AMD_SMI: '/nonexistent/amd-smi',
    WATTPRINT_ROCM_SMI: '/nonexistent/rocm-smi',
    WATTPRINT_POWERMETRICS: '/nonexistent/powermetrics',
    WATTPRINT_MACMON: '/nonexistent/macmon',
    // Logs of the apps under test go to a scratch folder, never the developer's own.
    WATTPRINT_LOG_DIR: join(tmpdir(), 'wattprint-test-logs'),
  }
}
