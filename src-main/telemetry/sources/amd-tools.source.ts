import { existsSync } from 'node:fs'
import { message } from '../../contract/messages.ts'
import type { SourceId } from '../../contract/telemetry.ts'
import { mergeAmdSmiIdentities, parseAmdSmiListJson, parseAmdSmiMetricJson, parseAmdSmiStaticJson, type AmdSmiIdentity } from '../parsers/amd-smi.parse.ts'
import { parseRocmSmiJson, type AmdToolResult } from '../parsers/rocm-smi.parse.ts'
import type { DeviceInfo, Reading } from '../reading.ts'
import { onPath, runOnce } from '../run-once.ts'
import type { PollReader, PollStatus, ProbeResult, SourceEnv, TelemetrySource } from '../source.ts'

/** rocm-smi's fields Wattprint reads (power, energy, use, memory, temperature, clock, identity). */
export const ROCM_SMI_ARGS = [
  '--showpower',
  '--showenergycounter',
  '--showuse',
  '--showmemuse',
  '--showmeminfo',
  'vram',
  '--showtemp',
  '--showclocks',
  '--showuniqueid',
  '--showbus',
  '--showproductname',
  '--json',
]
export const AMD_SMI_METRIC_ARGS = ['metric', '--json']
const TIMEOUT_MS = 15_000

/** How one AMD tool is run and read. */
interface AmdTool {
  id: Extract<SourceId, 'amd-smi' | 'rocm-smi'>
  command: (env: SourceEnv) => string
  /** Identities to carry from the probe to every read (amd-smi's metric output names no GPU). */
  identify: (env: SourceEnv) => Promise<AmdSmiIdentity[]>
  args: readonly string[]
  parse: (text: string, wallMs: number, identities: readonly AmdSmiIdentity[]) => AmdToolResult
}

const ROCM_SMI: AmdTool = {
  id: 'rocm-smi',
  command: (env) => env.executables.rocmSmi,
  identify: async () => [],
  args: ROCM_SMI_ARGS,
  parse: (text, wallMs) => parseRocmSmiJson(text, wallMs),
}

const AMD_SMI: AmdTool = {
  id: 'amd-smi',
  command: (env) => env.executables.amdSmi,
  async identify(env) {
    const [list, statics] = await Promise.all([
      runOnce(env.executables.amdSmi, ['list', '--json'], { spawn: env.spawn, timeoutMs: TIMEOUT_MS }),
      runOnce(env.executables.amdSmi, ['static', '--json'], { spawn: env.spawn, timeoutMs: TIMEOUT_MS }),
    ])
    return mergeAmdSmiIdentities(parseAmdSmiListJson(list.stdout), parseAmdSmiStaticJson(statics.stdout))
  },
  args: AMD_SMI_METRIC_ARGS,
  parse: parseAmdSmiMetricJson,
}

/** One run of the tool: its GPUs, or why there are none, in the tool's own words. */
async function runTool(
  tool: AmdTool,
  env: SourceEnv,
  identities: readonly AmdSmiIdentity[],
): Promise<{ ok: true; gpus: { device: DeviceInfo; reading: Reading }[] } | { ok: false; raw: string }> {
  const run = await runOnce(tool.command(env), tool.args, { spawn: env.spawn, timeoutMs: TIMEOUT_MS })
  if (run.spawnError) return { ok: false, raw: `${tool.command(env)}: ${run.spawnError}` }
  const parsed = tool.parse(run.stdout, env.clock.nowMs(), identities)
  if (!parsed.ok) return { ok: false, raw: [parsed.detail, run.stderr.trim()].filter(Boolean).join('\n').slice(0, 2000) }
  return { ok: true, gpus: parsed.gpus.map((g) => ({ device: g.device, reading: g.reading })) }
}

function amdToolSource(tool: AmdTool): TelemetrySource {
  const tag = tool.id
  return {
    id: tool.id,
    covers: ['gpu'],
    platforms: ['linux'],
    async probe(env): Promise<ProbeResult> {
      const command = tool.command(env)
      if (!onPath(command, process.env, existsSync)) {
        return {
          sourceId: tool.id,
          state: 'not-installed',
          devices: [],
          precision: null,
          message: message('source.not-found', { tool: tag, command }),
          fix: message('fix.amd-smi-not-installed'),
          raw: null,
        }
      }
      const identities = await tool.identify(env)
      const result = await runTool(tool, env, identities)
      if (!result.ok)
        return {
          sourceId: tool.id,
          state: 'no-device',
          devices: [],
          precision: null,
          message: message('source.no-device', { tool: tag }),
          fix: null,
          raw: result.raw,
        }
      const devices = result.gpus.map((g) => g.device)
      return {
        sourceId: tool.id,
        state: 'ok',
        devices,
        precision: devices.every((d) => d.method === 'counter') ? 'counter' : 'sampled-power',
        message: message('source.found-devices', { tool: tag, count: devices.length }),
        fix: null,
        raw: null,
      }
    },
    open(env, devices) {
      return new AmdToolPoll(tool, env, devices)
    },
  }
}

/** One run of the tool per poll (each costs a Python start-up: sysfs is preferred for the same GPU). */
class AmdToolPoll implements PollReader {
  readonly kind = 'poll'
  readonly sourceId: string
  readonly precision
  private readonly tool: AmdTool
  private readonly env: SourceEnv
  private readonly wanted: Set<string>
  private identities: AmdSmiIdentity[] | null = null

  constructor(tool: AmdTool, env: SourceEnv, devices: readonly DeviceInfo[]) {
    this.tool = tool
    this.sourceId = tool.id
    this.env = env
    this.wanted = new Set(devices.map((d) => d.deviceId))
    this.precision = devices.length > 0 && devices.every((d) => d.method === 'counter') ? ('counter' as const) : ('sampled-power' as const)
  }

  async read(): Promise<{ readings: { reading: Reading; device: DeviceInfo }[]; status: PollStatus | null }> {
    this.identities ??= await this.tool.identify(this.env)
    const result = await runTool(this.tool, this.env, this.identities)
    if (!result.ok)
      return { readings: [], status: { state: 'other', message: message('source.read-failed', { tool: this.tool.id }), fix: null, raw: result.raw } }
    return { readings: result.gpus.filter((g) => this.wanted.has(g.device.deviceId)).map((g) => ({ reading: g.reading, device: g.device })), status: null }
  }

  close(): void {
    this.identities = null
  }
}

export const rocmSmiSource = amdToolSource(ROCM_SMI)
export const amdSmiSource = amdToolSource(AMD_SMI)
