import { existsSync } from 'node:fs'
import { message } from '../../contract/messages.ts'
import { epochMsFromLocalParts } from '../../core/time.ts'
import { NOT_INSTALLED_FIX } from '../parsers/nvidia-smi-status.parse.ts'
import { parseRecord, STREAM_FIELDS, streamColumnMap } from '../parsers/nvidia-smi-csv.parse.ts'
import { pciDisplays } from '../pci.ts'
import { NvidiaSmiReader, toReadingAndDevice } from '../readers/nvidia-smi.reader.ts'
import { onPath, runOnce } from '../run-once.ts'
import type { PollReader, SourceEnv, TelemetrySource } from '../source.ts'

/**
 * NVIDIA GPUs through nvidia-smi: one long-lived `--query-gpu … -lms N` process on a desktop. On a
 * laptop whose discrete GPU the kernel suspends when idle, a long-lived nvidia-smi would keep it
 * awake (and cost watts): there the GPU's sleep state is read from sysfs first, and nvidia-smi is
 * asked once per poll only while the GPU is awake anyway. Found devices are known once it runs.
 */
export const nvidiaSmiSource: TelemetrySource = {
  id: 'nvidia-smi',
  covers: ['gpu'],
  platforms: ['linux', 'win32'],
  async probe(env) {
    const tool = 'nvidia-smi'
    if (!onPath(env.executables.nvidiaSmi, process.env, existsSync)) {
      return {
        sourceId: 'nvidia-smi',
        state: 'not-installed',
        devices: [],
        precision: null,
        message: message('source.not-found', { tool, command: env.executables.nvidiaSmi }),
        fix: NOT_INSTALLED_FIX,
        raw: null,
      }
    }
    const gpus = pciDisplays(env).filter((d) => d.vendor === 'nvidia')
    if (gpus.length > 0 && gpus.every((d) => d.asleep)) {
      return { sourceId: 'nvidia-smi', state: 'asleep', devices: [], precision: null, message: message('source.asleep', { tool }), fix: null, raw: null }
    }
    return { sourceId: 'nvidia-smi', state: 'ok', devices: [], precision: 'sampled-power', message: message('source.found', { tool }), fix: null, raw: null }
  },
  open(env, _devices, options) {
    const laptop = pciDisplays(env).some((d) => d.vendor === 'nvidia' && d.runtimePm)
    if (laptop) return sleepAwarePoll(env)
    return new NvidiaSmiReader({ command: env.executables.nvidiaSmi, intervalMs: options.intervalMs, ...(env.spawn ? { spawn: env.spawn } : {}) })
  },
}

/** One nvidia-smi query per poll, only while no NVIDIA GPU sleeps: a sleeping one reads as asleep, not 0 W. */
function sleepAwarePoll(env: SourceEnv): PollReader {
  const map = streamColumnMap()
  return {
    kind: 'poll',
    sourceId: 'nvidia-smi',
    precision: 'sampled-power',
    async read() {
      const gpus = pciDisplays(env).filter((d) => d.vendor === 'nvidia')
      if (gpus.length > 0 && gpus.every((d) => d.asleep)) {
        return { readings: [], status: { state: 'asleep', message: message('source.asleep', { tool: 'nvidia-smi' }), fix: null, raw: null } }
      }
      const run = await runOnce(env.executables.nvidiaSmi, [`--query-gpu=${STREAM_FIELDS.join(',')}`, '--format=csv,noheader,nounits'], {
        spawn: env.spawn,
        timeoutMs: 10_000,
      })
      const readings = run.stdout
        .split(/\r?\n/)
        .map((line) => parseRecord(line, map))
        .flatMap((r) => {
          if (!r.ok) return []
          const wallMs = epochMsFromLocalParts(r.record.time)
          return wallMs === null ? [] : [toReadingAndDevice(r.record, wallMs, 'nvidia-smi')]
        })
      if (readings.length === 0)
        return {
          readings,
          status: {
            state: 'other',
            message: message('source.read-failed', { tool: 'nvidia-smi' }),
            fix: null,
            raw: (run.stderr || run.stdout).trim().slice(0, 2000) || null,
          },
        }
      return { readings, status: null }
    },
    close: () => undefined,
  }
}
