import { existsSync } from 'node:fs'
import { userInfo } from 'node:os'
import { message } from '../../contract/messages.ts'
import { MACMON_ARGS, parseMacmonLine } from '../parsers/macmon.parse.ts'
import {
  diagnosePowermetricsOutput,
  POWERMETRICS_ARGS,
  powermetricsPermissionFix,
  PowermetricsStream,
  type AppleSample,
} from '../parsers/powermetrics.parse.ts'
import type { DeviceInfo, Reading } from '../reading.ts'
import { LineToolReader } from '../readers/line-tool.reader.ts'
import { onPath, runOnce } from '../run-once.ts'
import type { TelemetrySource, ProbeResult } from '../source.ts'

/**
 * The readings of an Apple sample: the SoC figure is recorded; CPU, GPU, ANE and DRAM are inside
 * it, so they are shown live (partOf the SoC) and never added.
 */
export function appleReadings(sample: AppleSample): { reading: Reading; device: DeviceInfo }[] {
  if (!sample.soc) return []
  const soc = { reading: sample.soc.reading, device: sample.soc.device }
  const parts = sample.parts.map((p) => ({ reading: p.reading, device: { ...p.device, partOf: sample.soc?.device.deviceId ?? null } }))
  return [soc, ...parts]
}

function currentUser(): string {
  try {
    return userInfo().username
  } catch {
    return 'YOUR_USER_NAME'
  }
}

/**
 * Apple Silicon through macmon (`macmon pipe`: the same SoC power counters, without administrator
 * rights). Preferred to powermetrics when installed.
 */
export const macmonSource: TelemetrySource = {
  id: 'macmon',
  covers: ['soc'],
  platforms: ['darwin'],
  async probe(env) {
    if (!onPath(env.executables.macmon, process.env, existsSync)) {
      return {
        sourceId: 'macmon',
        state: 'not-installed',
        devices: [],
        precision: null,
        message: message('source.not-found', { tool: 'macmon', command: env.executables.macmon }),
        fix: null,
        raw: null,
      }
    }
    return {
      sourceId: 'macmon',
      state: 'ok',
      devices: [],
      precision: 'sampled-power',
      message: message('source.found', { tool: 'macmon' }),
      fix: null,
      raw: null,
    }
  },
  open(env, _devices, options) {
    return new LineToolReader({
      sourceId: 'macmon',
      tool: 'macmon',
      command: env.executables.macmon,
      args: MACMON_ARGS(options.intervalMs),
      intervalMs: options.intervalMs,
      onLine: (line) => {
        const result = parseMacmonLine(line, env.clock.nowMs())
        return result.ok ? appleReadings(result.sample) : []
      },
      diagnose: () => ({ state: 'other', fix: null }),
      spawn: env.spawn,
    })
  },
}

/**
 * Apple Silicon through powermetrics, which only runs as root: Wattprint runs `sudo -n` on exactly
 * its command, which works only where the user allowed it (the fix says how); it never asks for a
 * password and never runs as root itself. The interval is fixed at 1 s (a sudoers rule names the
 * exact arguments).
 */
export const powermetricsSource: TelemetrySource = {
  id: 'powermetrics',
  covers: ['soc'],
  platforms: ['darwin'],
  async probe(env) {
    const path = env.executables.powermetrics
    if (!existsSync(path)) {
      return {
        sourceId: 'powermetrics',
        state: 'not-installed',
        devices: [],
        precision: null,
        message: message('source.not-found', { tool: 'powermetrics', command: path }),
        fix: null,
        raw: null,
      }
    }
    // Root, or a sudoers rule for exactly this command: found, and it will run.
    const found: ProbeResult = {
      sourceId: 'powermetrics',
      state: 'ok',
      devices: [],
      precision: 'sampled-power',
      message: message('source.found', { tool: 'powermetrics' }),
      fix: null,
      raw: null,
    }
    if (env.runningAsRoot) return found
    // `sudo -n -l COMMAND` says whether this exact command may run without a password, and runs nothing.
    const allowed = await runOnce(env.executables.sudo, ['-n', '-l', path, ...POWERMETRICS_ARGS], { spawn: env.spawn, timeoutMs: 5000 })
    if (allowed.code === 0) return found
    const command = `${path} ${POWERMETRICS_ARGS.join(' ')}`
    return {
      sourceId: 'powermetrics',
      state: 'permission',
      devices: [],
      precision: null,
      message: message('source.powermetrics-root', { command }),
      fix: powermetricsPermissionFix(currentUser()),
      raw: (allowed.stderr || allowed.stdout).trim().slice(0, 2000) || allowed.spawnError,
    }
  },
  open(env) {
    const stream = new PowermetricsStream()
    const root = env.runningAsRoot
    return new LineToolReader({
      sourceId: 'powermetrics',
      tool: 'powermetrics',
      command: root ? env.executables.powermetrics : env.executables.sudo,
      args: root ? POWERMETRICS_ARGS : ['-n', env.executables.powermetrics, ...POWERMETRICS_ARGS],
      intervalMs: 1000,
      onLine: (line) => stream.push(`${line}\n`).flatMap((event) => (event.kind === 'sample' ? appleReadings(event.sample) : [])),
      diagnose: (text) => diagnosePowermetricsOutput(text, currentUser()),
      spawn: env.spawn,
    })
  },
}
