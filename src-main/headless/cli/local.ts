import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createContext, type AppContext, type SourceChoice } from '../../api/context.ts'
import { badInput } from '../../contract/errors.ts'
import { formatText } from '../../contract/messages.ts'
import { invokeChannels } from '../../contract/channels.ts'
import type { ModelMeasurement } from '../../contract/models.ts'
import { fromZodError } from '../../contract/validation.ts'
import { dispatch } from '../../api/dispatch.ts'
import { checkServerUrl } from '../../telemetry/inference/loopback.ts'
import type { Clock } from '../../core/clock.ts'
import { diagnoseDatabase, salvageDatabase } from '../../store/salvage.ts'
import { sourceEnv } from '../../telemetry/env.ts'
import { probeReport } from '../../telemetry/probe-report.ts'
import { SOURCE_ORDER, SOURCES } from '../../telemetry/registry.ts'
import { probeOutput } from './output.ts'
import { startHeadlessServer } from '../server.ts'
import { DEFAULT_METRICS_PORT, metricsOptionsProblem, MIN_METRICS_TOKEN_CHARS, startMetricsServer, type MetricsServer } from '../metrics-server.ts'
import { addLogSecret, nodeLog } from '../log.ts'
import { logContext } from '../../logging/session.ts'

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const DEMO_TRACE = join(PACKAGE_ROOT, 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv')
const RENDERER_DIR = join(PACKAGE_ROOT, 'out', 'renderer')

/** Where a command's output goes (the CLI's own streams; tests may capture them). */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  clock: Clock
}

export function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

/** `--source auto|nvidia-smi|replay:FILE` (auto: every source of the registry; WATTPRINT_NVIDIA_SMI names a non-standard nvidia-smi). */
export function parseSource(text: string | undefined): SourceChoice {
  if (text === undefined || text === 'auto') return { kind: 'auto' }
  if (text === 'nvidia-smi') return { kind: 'nvidia-smi' }
  if (text.startsWith('replay:')) {
    const file = text.slice('replay:'.length)
    if (!file || !existsSync(file)) throw badInput('cli.cannot-read-file', { file: file || '(none)', detail: 'ENOENT' }, 'source')
    const speed = Number(process.env.WATTPRINT_REPLAY_SPEED ?? '1')
    return { kind: 'replay', file, speed: speed > 0 ? speed : 1 }
  }
  throw badInput('cli.bad-source', { value: text }, 'source')
}

/** A recording context: the desktop app's database, a damaged one moved aside (the user is told). */
function recordingContext(values: { db: string; source?: string | undefined; sampleIntervalMs?: number }, io: CliIo): AppContext {
  const source = parseSource(values.source)
  const ctx = createContext({
    dbPath: values.db,
    host: 'headless',
    version: readVersion(),
    source,
    demoTraceFile: DEMO_TRACE,
    locale: Intl.DateTimeFormat().resolvedOptions().locale,
    recoverDamaged: true,
    clock: io.clock,
    ...(process.env.WATTPRINT_DEMO_SPEED ? { demoSpeed: Number(process.env.WATTPRINT_DEMO_SPEED) } : {}),
    ...(process.env.WATTPRINT_FLUSH_MS ? { flushIntervalMs: Number(process.env.WATTPRINT_FLUSH_MS) } : {}),
    ...(values.sampleIntervalMs ? { sampleIntervalMs: values.sampleIntervalMs } : {}),
  })
  for (const note of ctx.storageNotes) io.err(`wattprint: ${formatText('en', note)}`)
  logContext(nodeLog(), ctx)
  return ctx
}

/** The usual loopback address of each server kind (used when `--url` is not given). */
const DEFAULT_SERVER_URLS: Readonly<Record<string, string>> = {
  ollama: 'http://127.0.0.1:11434',
  llamacpp: 'http://127.0.0.1:8080',
  vllm: 'http://127.0.0.1:8000',
  openai: 'http://127.0.0.1:1234',
}

/** How fast `measure-model` samples power, ms: a response of a few seconds needs more than one reading a second. */
const MEASURE_INTERVAL_MS = 100

/**
 * `wattprint measure-model`: records with every source found (sampling every 100 ms), runs the
 * prompt set through the same channel as the app, prints one JSON object (or a summary), and
 * stores the result in the database.
 */
export async function runMeasureModel(
  values: {
    db: string
    server?: string | undefined
    url?: string | undefined
    model?: string | undefined
    repeats?: string | undefined
    idleS?: string | undefined
    allowRemote?: boolean | undefined
    json?: boolean | undefined
  },
  io: CliIo,
): Promise<number> {
  const request = {
    server: values.server,
    url: values.url ?? DEFAULT_SERVER_URLS[values.server ?? ''] ?? '',
    model: values.model,
    ...(values.repeats !== undefined ? { repeats: Number(values.repeats) } : {}),
    ...(values.idleS !== undefined ? { idleS: Number(values.idleS) } : {}),
    allowRemote: values.allowRemote ?? false,
  }
  // Refused before any recording starts: a bad URL or a missing model name costs nothing.
  const parsed = invokeChannels['models:measure'].request.safeParse(request)
  if (!parsed.success) throw fromZodError(parsed.error)
  const checked = checkServerUrl(parsed.data.url, { allowRemote: parsed.data.allowRemote })
  if (!checked.ok) throw badInput(`measure.url-${checked.reason}`, { url: parsed.data.url }, 'url')
  const ctx = recordingContext({ db: values.db, sampleIntervalMs: MEASURE_INTERVAL_MS }, io)
  try {
    ctx.start()
    // The sources answer within a few seconds (a probe, a first reading), or there is nothing to measure with.
    const deadline = Date.now() + 15_000
    const settled = (): boolean => {
      const status = ctx.telemetryStatus()
      if (status.latest.some((s) => s.powerW !== null)) return true
      // Every source has answered and none reads: no point waiting.
      return status.sources.length > 0 && status.sources.every((s) => s.state !== 'ok' && s.state !== 'starting')
    }
    while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    if (!values.json) {
      ctx.bus.on((channel, payload) => {
        if (channel === 'models:progress') {
          const p = payload as { step: string; done: number; total: number }
          io.err(`wattprint: ${p.step} ${p.done}/${p.total}`)
        }
      })
    }
    const result = (await dispatch(ctx, 'models:measure', request)) as ModelMeasurement
    io.out(values.json ? JSON.stringify(result, null, 2) : measurementText(result))
    return 0
  } finally {
    await ctx.close()
  }
}

function measurementText(m: ModelMeasurement): string {
  const fmt = (n: number): string => n.toLocaleString('en', { maximumSignificantDigits: 3 })
  return [
    `${m.model} on ${m.devices.map((d) => d.name).join(' + ')} (${m.server}, ${m.url})`,
    `${m.responses} responses, ${m.outputTokens} output tokens, ${m.promptTokens} prompt tokens${m.tokensPerS ? `, ${fmt(m.tokensPerS)} tokens/s` : ''}`,
    `energy ${fmt(m.energyJ)} J, above idle (${fmt(m.idleW)} W) ${fmt(m.energyAboveIdleJ)} J`,
    `${fmt(m.whPer1kTokens.value)} Wh per 1,000 output tokens (${fmt(m.whPer1kTokens.low)}–${fmt(m.whPer1kTokens.high)}), ${fmt(m.whPerResponse.value)} Wh per response (${fmt(m.whPerResponse.low)}–${fmt(m.whPerResponse.high)})`,
    `method: ${m.method}, sampled every ${m.sampleIntervalMs} ms; stored as measurement #${m.id ?? '?'}`,
    ...m.notes,
  ].join('\n')
}

/** When `record`'s steady-state CPU starts counting, s after recording starts. */
const STEADY_FROM_S = 10

function steadyCpu(warm: { cpu: NodeJS.CpuUsage; ms: number } | null): { fromS: number; seconds: number; cpuS: number } | null {
  if (!warm) return null
  const used = process.cpuUsage(warm.cpu)
  return { fromS: STEADY_FROM_S, seconds: (performance.now() - warm.ms) / 1000, cpuS: (used.user + used.system) / 1e6 }
}

export async function runRecord(
  values: { db: string; source?: string | undefined; duration?: string | undefined; json?: boolean | undefined },
  io: CliIo,
): Promise<number> {
  const durationS = values.duration === undefined ? null : Number(values.duration)
  if (durationS !== null && !(durationS > 0)) throw badInput('cli.not-a-duration', { value: values.duration ?? '' }, 'duration')
  const ctx = recordingContext(values, io)
  const startedMs = io.clock.nowMs()
  let lastStatus = ''
  ctx.bus.on((channel, payload) => {
    if (channel !== 'telemetry:status' || values.json) return
    const line = (payload as ReturnType<AppContext['telemetryStatus']>).sources
      .filter((s) => !['not-installed', 'standby', 'stopped'].includes(s.state))
      .map(
        (s) => `${s.sourceId}: ${s.state} — ${formatText('en', s.message)}${s.raw ? `\n  ${s.raw}` : ''}${s.fix ? `\n  fix: ${formatText('en', s.fix)}` : ''}`,
      )
      .join('\n')
    if (line && line !== lastStatus) io.err(line)
    lastStatus = line
  })
  ctx.start()
  const cpuAtStart = process.cpuUsage()
  // Steady state: the CPU from the 10th second to the stop, without start-up (modules compiled on
  // first use, the first probe) or the shutdown's last write and report: what an hour costs.
  let warm: { cpu: NodeJS.CpuUsage; ms: number } | null = null
  const warmTimer = setTimeout(() => (warm = { cpu: process.cpuUsage(), ms: performance.now() }), STEADY_FROM_S * 1000)
  warmTimer.unref()
  await waitForStop(durationS)
  clearTimeout(warmTimer)
  const steady = steadyCpu(warm)
  await ctx.stopRecording()
  const storage = ctx.recorder.status().storage
  const report = ctx.reports.report(startedMs, io.clock.nowMs() + 1)
  await ctx.close()
  const cpu = process.cpuUsage(cpuAtStart)
  // CPU the recorder used while recording (start-up and nvidia-smi's own time excluded), so users can check its cost.
  const result = {
    durationS: (io.clock.nowMs() - startedMs) / 1000,
    cpuS: (cpu.user + cpu.system) / 1e6,
    steady,
    energyJ: report.energyJ,
    energyKWh: report.footprint.energyKWh,
    samples: report.samples,
    gaps: report.gaps,
    devices: report.devices,
    storage,
  }
  io.out(
    values.json
      ? JSON.stringify(result, null, 2)
      : `recorded ${result.samples} samples, ${result.energyKWh.toFixed(5)} kWh in ${result.durationS.toFixed(0)} s`,
  )
  if (!storage.ok) {
    // Readings that could not be written are a failure, whatever was recorded before.
    io.err(
      `wattprint: ${formatText('en', { code: 'cli.readings-not-written', params: { lost: storage.pendingReadings + storage.droppedReadings, path: values.db, detail: storage.error ?? 'write failed', written: result.samples } })}`,
    )
    return 1
  }
  return 0
}

/** A port flag's value (undefined: `fallback`). */
function portOf(value: string | undefined, fallback: number, field: string): number {
  const port = value === undefined ? fallback : Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw badInput('cli.not-a-port', { value: value ?? '' }, field)
  return port
}

/** The metrics options of `serve`, checked before anything starts; null without --metrics. */
function metricsOptions(values: ServeValues): { port: number; bind: string; token: string | null } | null {
  if (!values.metrics && values.metricsBind === undefined && values.metricsPort === undefined) return null
  const port = portOf(values.metricsPort, DEFAULT_METRICS_PORT, 'metrics-port')
  const bind = values.metricsBind ?? '127.0.0.1'
  let token = process.env.WATTPRINT_METRICS_TOKEN ?? null
  if (values.metricsTokenFile !== undefined) {
    try {
      token = readFileSync(values.metricsTokenFile, 'utf8').trim()
    } catch (error) {
      throw badInput(
        'cli.cannot-read-file',
        { file: values.metricsTokenFile, detail: (error as NodeJS.ErrnoException).code ?? String(error) },
        'metrics-token-file',
      )
    }
  }
  const problem = metricsOptionsProblem(bind, token)
  if (problem) throw badInput(problem.code, { bind, min: MIN_METRICS_TOKEN_CHARS }, problem.code === 'metrics.bad-bind' ? 'metrics-bind' : 'metrics-token-file')
  return { port, bind, token }
}

interface ServeValues {
  db: string
  source?: string | undefined
  port?: string | undefined
  metrics?: boolean | undefined
  metricsPort?: string | undefined
  metricsBind?: string | undefined
  metricsTokenFile?: string | undefined
}

export async function runServe(values: ServeValues, io: CliIo): Promise<number> {
  const port = portOf(values.port, 0, 'port')
  const metrics = metricsOptions(values)
  const ctx = recordingContext(values, io)
  ctx.start()
  const staticDir = existsSync(join(RENDERER_DIR, 'index.html')) ? RENDERER_DIR : null
  let server
  try {
    server = await startHeadlessServer({
      context: ctx,
      port,
      staticDir,
      log: nodeLog(),
      ...(process.env.WATTPRINT_TOKEN ? { token: process.env.WATTPRINT_TOKEN } : {}),
    })
  } catch (error) {
    await ctx.close()
    throw badInput('cli.cannot-listen', { port, detail: (error as NodeJS.ErrnoException).code ?? String(error) }, 'port')
  }
  io.out(server.url)
  addLogSecret(server.token)
  nodeLog().info(`listening on http://127.0.0.1:${server.port}/ (the token is not logged)${staticDir ? '' : ', API only'}`)
  if (!staticDir) io.err(`note: ${RENDERER_DIR} is not built, so only the API is served (run npm run build:renderer)`)
  let exporter: MetricsServer | null = null
  if (metrics) {
    if (metrics.token) addLogSecret(metrics.token)
    try {
      exporter = await startMetricsServer({ context: ctx, ...metrics })
    } catch (error) {
      await server.close()
      await ctx.close()
      throw badInput(
        'cli.cannot-listen-on',
        { address: `${metrics.bind}:${metrics.port}`, detail: (error as NodeJS.ErrnoException).code ?? String(error) },
        'metrics-port',
      )
    }
    io.out(`metrics: ${exporter.url}${metrics.token ? ' (Bearer token required)' : ''}`)
    nodeLog().info(`metrics on ${exporter.url}${metrics.token ? ', Bearer token required' : ''}`)
    if (metrics.bind !== '127.0.0.1') io.err(`warning: metrics on ${metrics.bind} can be read by other machines that have the token`)
  }
  await waitForStop(null)
  await exporter?.close()
  await server.close()
  await ctx.close()
  return 0
}

/** Exit 0 healthy; 1 damaged (its readable rows salvaged into a new file); 2 not a Wattprint database. */
/**
 * `wattprint probe`: every telemetry source, its state and precision, its devices with one reading
 * each, and why a found device is not recorded. `--sysfs-root DIR` reads DIR as /sys.
 */
export async function runProbe(
  values: { sysfsRoot?: string | undefined; nvidiaSmi?: string | undefined; nvmlLibrary?: string | undefined; json?: boolean | undefined },
  io: CliIo,
): Promise<number> {
  if (values.sysfsRoot !== undefined && !existsSync(values.sysfsRoot))
    throw badInput('cli.cannot-read-file', { file: values.sysfsRoot, detail: 'ENOENT' }, 'sysfs-root')
  const env = sourceEnv({ sysfsRoot: values.sysfsRoot, nvidiaSmi: values.nvidiaSmi, nvmlLibrary: values.nvmlLibrary, clock: io.clock })
  const report = await probeReport(env, SOURCES, SOURCE_ORDER, { gapMs: 1000, timeoutMs: 5000 })
  const printed = probeOutput(report, env.platform)
  io.out(values.json ? JSON.stringify(printed.json, null, 2) : printed.text)
  return 0
}

export function runDoctor(values: { db: string; json?: boolean | undefined }, io: CliIo): number {
  if (!existsSync(values.db)) throw badInput('db.none', { path: values.db }, 'db')
  const found = diagnoseDatabase(values.db)
  if (found.state === 'healthy') {
    io.out(values.json ? JSON.stringify({ db: values.db, state: 'healthy' }, null, 2) : `${values.db}: healthy (Wattprint database, SQLite quick_check ok)`)
    return 0
  }
  const stamp = new Date(io.clock.nowMs())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  const report = salvageDatabase(values.db, `${values.db}.salvaged-${stamp}.db`)
  if (values.json) io.out(JSON.stringify({ db: values.db, state: 'damaged', detail: found.detail, salvage: report }, null, 2))
  else {
    io.out(
      [
        `${values.db}: damaged (${found.detail.slice(0, 160)})`,
        `salvaged the readable rows into ${report.target} (the damaged file was only read):`,
        ...report.tables.map(
          (t) =>
            `  ${t.table}: ${t.copied} rows copied${t.note ? ` (${t.note})` : ''}${t.unreadable.length ? `; unreadable: ${t.unreadable.slice(0, 3).join(', ')}${t.unreadable.length > 3 ? ` and ${t.unreadable.length - 3} more` : ''}` : ''}`,
        ),
        'check it, then put it in place of the damaged file (keep the damaged one until you are satisfied).',
      ].join('\n'),
    )
  }
  return 1
}

function waitForStop(durationS: number | null): Promise<void> {
  return new Promise((resolvePromise) => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolvePromise()
    }
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
    if (durationS !== null) setTimeout(done, durationS * 1000)
  })
}
