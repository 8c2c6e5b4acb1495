import { message } from '../contract/messages.ts'
import type { SourceId } from '../contract/telemetry.ts'
import { amdSmiSource, rocmSmiSource } from './sources/amd-tools.source.ts'
import { macmonSource, powermetricsSource } from './sources/apple.source.ts'
import { drmHwmonSource } from './sources/drm-hwmon.source.ts'
import { nvidiaSmiSource } from './sources/nvidia-smi.source.ts'
import { nvmlSource } from './sources/nvml.source.ts'
import { raplSource } from './sources/rapl.source.ts'
import type { ProbeResult, SourceEnv, TelemetrySource } from './source.ts'

/**
 * Every source Wattprint knows, in order of preference for the same device (an explicit list:
 * no registration by import side effects). Energy counters beat sampled power whatever the order.
 */
export const SOURCES: readonly TelemetrySource[] = [
  nvmlSource,
  nvidiaSmiSource,
  drmHwmonSource,
  amdSmiSource,
  rocmSmiSource,
  raplSource,
  macmonSource,
  powermetricsSource,
]

export const SOURCE_ORDER: readonly SourceId[] = ['nvml', 'nvidia-smi', 'drm-hwmon', 'amd-smi', 'rocm-smi', 'rapl', 'macmon', 'powermetrics', 'replay', 'demo']

/** Probes every source (in parallel; each never throws), skipping those that cannot run on this platform. */
export async function probeAll(env: SourceEnv, sources: readonly TelemetrySource[] = SOURCES): Promise<ProbeResult[]> {
  return Promise.all(
    sources.map(async (source): Promise<ProbeResult> => {
      if (!source.platforms.includes(env.platform)) {
        return {
          sourceId: source.id,
          state: 'not-installed',
          devices: [],
          precision: null,
          message: message('source.not-on-platform', { tool: source.id, platform: env.platform }),
          fix: null,
          raw: null,
        }
      }
      try {
        return await source.probe(env)
      } catch (error) {
        // A probe must not throw; if one does, it is a bug said plainly, not a crash.
        return {
          sourceId: source.id,
          state: 'other',
          devices: [],
          precision: null,
          message: message('source.read-failed', { tool: source.id }),
          fix: null,
          raw: error instanceof Error ? error.message : String(error),
        }
      }
    }),
  )
}
