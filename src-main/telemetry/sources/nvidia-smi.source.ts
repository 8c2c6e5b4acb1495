import { existsSync } from 'node:fs'
import { message } from '../../contract/messages.ts'
import { epochMsFromLocalParts } from '../../core/time.ts'
import { NOT_INSTALLED_FIX } from '../parsers/nvidia-smi-status.parse.ts'
import { parseRecord, STREAM_FIELDS, streamColumnMap } from '../parsers/nvidia-smi-csv.parse.ts'
import { pciDisplays } from '../pci.ts'
import { NvidiaSmiReader, toReadingAndDevice } from '../readers/nvidia-smi.reader.ts'
import { onPath, runOnce } from '../run-once.ts'
import { COMPUTE_APPS_ARGS, parseComputeApps, parsePmon, PMON_ARGS } from '../parsers/nvidia-smi-processes.parse.ts'
import { readCommandLine } from '../processes/command-line.ts'
import type { GpuProcess, ProcessReader } from '../processes/process-reader.ts'
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
  processes(env) {
    return nvidiaSmiProcesses(env)
  },
}

/**
 * Which processes use each GPU, through two short nvidia-smi runs: `pmon -c 1 -s um` (type, SM %,
 * memory, by GPU index) and `--query-compute-apps` (GPU UUID, memory: what pmon may leave out).
 * Not run while every NVIDIA GPU sleeps.
 */
function nvidiaSmiProcesses(env: SourceEnv): ProcessReader {
  return {
    sourceId: 'nvidia-smi',
    async read(devices) {
      const gpus = pciDisplays(env).filter((d) => d.vendor === 'nvidia')
      if (gpus.length > 0 && gpus.every((d) => d.asleep)) return { processes: [], error: null }
      const [pmon, apps] = await Promise.all([
        runOnce(env.executables.nvidiaSmi, PMON_ARGS, { spawn: env.spawn, timeoutMs: 10_000 }),
        runOnce(env.executables.nvidiaSmi, COMPUTE_APPS_ARGS, { spawn: env.spawn, timeoutMs: 10_000 }),
      ])
      const byIndex = new Map(devices.map((d) => [d.index, d.deviceId]))
      const known = new Set(devices.map((d) => d.deviceId))
      const merged = new Map<string, GpuProcess>()
      for (const row of parsePmon(pmon.stdout).rows) {
        const deviceId = row.gpuUuid ?? byIndex.get(row.gpuIndex)
        if (!deviceId) continue
        merged.set(`${deviceId}|${row.pid}`, {
          deviceId,
          pid: row.pid,
          name: row.name,
          commandLine: null,
          type: row.type,
          smPct: row.smPct,
          memUsedB: row.usedMemoryB,
        })
      }
      for (const row of parseComputeApps(apps.stdout).rows) {
        const deviceId = row.gpuUuid ?? byIndex.get(row.gpuIndex)
        if (!deviceId || !known.has(deviceId)) continue
        const key = `${deviceId}|${row.pid}`
        const seen = merged.get(key)
        // pmon truncates names to 15 characters; the compute list has them whole.
        merged.set(
          key,
          seen
            ? { ...seen, name: row.name || seen.name, memUsedB: seen.memUsedB ?? row.usedMemoryB }
            : { deviceId, pid: row.pid, name: row.name, commandLine: null, type: 'compute', smPct: null, memUsedB: row.usedMemoryB },
        )
      }
      const processes = [...merged.values()].map((p) => ({ ...p, commandLine: readCommandLine(env.readProcFile, p.pid) }))
      const failed = [pmon, apps].filter((r) => r.spawnError || (r.code !== 0 && r.code !== null))
      return { processes, error: failed.length ? failed.map((r) => (r.stderr || r.stdout || r.spawnError || '').trim().slice(0, 300)).join('; ') : null }
    },
    close: () => undefined,
  }
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
