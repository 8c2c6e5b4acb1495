import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { WattprintService, type SourceChoice } from '../api/service.ts'
import { countryGridFactor } from '../core/grid-factors.ts'
import { reportOf } from '../api/report-of.ts'
import { isKnownZone } from '../core/time.ts'
import { kWhFromJoules } from '../core/units.ts'
import { openDatabase, StoreError } from '../store/database.ts'
import { ImportError, importNvidiaSmiLog } from '../store/import-nvidia-log.ts'
import { defaultDbPath } from '../store/paths.ts'
import { SampleStore } from '../store/sample-store.ts'
import { SettingsStore } from '../store/settings-store.ts'
import { defaultSettings } from '../api/service.ts'
import { startHeadlessServer } from './server.ts'
import { CliUsageError, instant, openExisting, runCompare, runData, runEstimate, runHardware, runReferences, runScenarioFile } from './cli-estimates.ts'

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const DEMO_TRACE = join(PACKAGE_ROOT, 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv')
const RENDERER_DIR = join(PACKAGE_ROOT, 'out', 'renderer')


const USAGE = `Usage: wattprint <command> [options]

Commands:
  import nvidia-smi-csv FILE [--db DB] [--tz ZONE] [--json]
      Import a log written by nvidia-smi --query-gpu=timestamp,...,power.draw,... --format=csv
  report [--db DB] [--since ISO] [--until ISO] [--country ISO3] [--json]
      Energy, CO2e and cost of a period of the recorded history
  record [--db DB] [--source nvidia-smi|replay:FILE] [--duration S] [--json]
      Record without a window (until Ctrl+C, or for S seconds)
  serve [--db DB] [--source nvidia-smi|replay:FILE] [--port N]
      Start the headless host (recording too); prints its URL, token included
  estimate training (--gpu-hours H | --params N --tokens D [--mfu M]) --hardware ID
      [--power-w W] [--host-overhead F] [--pue P] [--grid G | --country ISO3] [--json]
  estimate finetune --params N --tokens D --pretrain-tokens D0 --method full|lora|qlora
      --hardware ID [--mfu M] [--pue P] [--grid G | --country ISO3] [--json]
  estimate inference (--energy-j E --tokens T | --params N --bits B --hardware ID [--power-w W])
      [--grid G | --country ISO3] [--json]
  compare [--db DB] [--since ISO] [--until ISO] [--queries N] [--json]
      Your usage beside published training runs, inference figures and everyday equivalences
  scenario FILE.json [--db DB] [--json]
      Run a what-if scenario (schema in README)
  hardware [--json]      The accelerators in the data set
  references [--json]    Every cited figure, with its source
  data status|import FILE|revert [--db DB] [--json]
      The reference data in use; import a newer data pack (validated), or go back to the previous one

The database defaults to the desktop app's (${defaultDbPath()}); WATTPRINT_DB overrides it.`

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'import':
        return runImport(rest)
      case 'report':
        return runReport(rest)
      case 'record':
        return await runRecord(rest)
      case 'serve':
        return await runServe(rest)
      case 'estimate': {
        const { values, positionals } = parse(rest, ESTIMATE_FLAGS)
        return print(runEstimate(positionals[0], values))
      }
      case 'compare': {
        const { values, positionals } = parse(rest, { db: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, queries: { type: 'string' }, json: { type: 'boolean' } })
        if (positionals.length) throw new CliUsageError(`unexpected argument "${positionals[0]}"`)
        return print(runCompare(values))
      }
      case 'scenario': {
        const { values, positionals } = parse(rest, { db: { type: 'string' }, json: { type: 'boolean' } })
        return print(runScenarioFile(positionals[0], values))
      }
      case 'hardware':
        return print(runHardware(parse(rest, { db: { type: 'string' }, json: { type: 'boolean' } }).values))
      case 'references':
        return print(runReferences(parse(rest, { db: { type: 'string' }, json: { type: 'boolean' } }).values))
      case 'data': {
        const { values, positionals } = parse(rest, { db: { type: 'string' }, json: { type: 'boolean' } })
        return print(runData(positionals[0], positionals[1], values))
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`)
        return command === undefined ? 2 : 0
      default:
        throw new CliUsageError(`unknown command "${command}" (try: import, report, record, serve, estimate, compare, scenario, hardware, references, data)`)
    }
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof StoreError || error instanceof ImportError) {
      process.stderr.write(`wattprint: ${error.message}\n`)
      return 2
    }
    throw error
  }
}

const ESTIMATE_FLAGS = {
  db: { type: 'string' },
  'gpu-hours': { type: 'string' },
  params: { type: 'string' },
  tokens: { type: 'string' },
  'pretrain-tokens': { type: 'string' },
  method: { type: 'string' },
  mfu: { type: 'string' },
  hardware: { type: 'string' },
  'power-w': { type: 'string' },
  'host-overhead': { type: 'string' },
  pue: { type: 'string' },
  grid: { type: 'string' },
  country: { type: 'string' },
  'energy-j': { type: 'string' },
  bits: { type: 'string' },
  json: { type: 'boolean' },
} as const

function print(text: string): number {
  process.stdout.write(`${text}\n`)
  return 0
}

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message.split('\n')[0] ?? 'bad arguments' : 'bad arguments')
  }
}

function runImport(args: readonly string[]): number {
  const { values, positionals } = parse(args, { db: { type: 'string' }, tz: { type: 'string' }, json: { type: 'boolean' } })
  const [format, file, ...extra] = positionals
  if (format !== 'nvidia-smi-csv') throw new CliUsageError(`import needs a format: "import nvidia-smi-csv FILE" (got "${format ?? ''}")`)
  if (!file) throw new CliUsageError('import nvidia-smi-csv needs a FILE')
  if (extra.length) throw new CliUsageError(`unexpected argument "${extra[0]}"`)
  if (values.tz !== undefined && !isKnownZone(values.tz)) throw new CliUsageError(`--tz: unknown time zone "${values.tz}" (use an IANA name such as Europe/Paris)`)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new CliUsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  const dbPath = values.db ?? defaultDbPath()
  const db = openDatabase(dbPath)
  try {
    const settings = new SettingsStore(db, defaultSettings(undefined)).load().settings
    const summary = importNvidiaSmiLog(new SampleStore(db), text, {
      file,
      maxGapS: settings.maxGapS,
      ...(values.tz ? { zone: values.tz } : {}),
    })
    if (values.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
    else {
      const lines = [
        `${file}: ${summary.imported} rows imported, ${summary.alreadyStored} already stored, into ${dbPath} (times read in ${summary.zone})`,
        ...Object.entries(summary.skipped).map(
          ([reason, t]) => `  skipped ${t.count} × ${reason} (first at line ${t.firstLine}: ${t.example})`,
        ),
        ...summary.devices.map((d) => `  ${d.name}: ${d.rows} readings, ${kWhFromJoules(d.energyJ).toFixed(4)} kWh`),
        ...summary.warnings.map((w) => `  warning: ${w}`),
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
    }
    return 0
  } finally {
    db.close()
  }
}

function runReport(args: readonly string[]): number {
  const { values, positionals } = parse(args, {
    db: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    country: { type: 'string' },
    json: { type: 'boolean' },
  })
  if (positionals.length) throw new CliUsageError(`unexpected argument "${positionals[0]}"`)
  const sinceMs = instant(values.since, '--since', 0)
  const untilMs = instant(values.until, '--until', Date.now() + 1)
  if (untilMs <= sinceMs) throw new CliUsageError('--until must be after --since')
  const country = values.country?.toUpperCase()
  if (country !== undefined && !countryGridFactor(country)) throw new CliUsageError(`--country: no grid figure for "${values.country}" (use an ISO 3166-1 alpha-3 code such as FRA, or WORLD)`)
  const db = openExisting(values.db ?? defaultDbPath())
  try {
    const loaded = db.settings
    const settings = country ? { ...loaded.settings, countryIso3: country, gridOverrideGPerKWh: null } : loaded.settings
    const report = reportOf(db.store, sinceMs, untilMs, settings, db.pack)
    const grid = report.footprint.grid
    const out = {
      since: new Date(sinceMs).toISOString(),
      until: new Date(untilMs).toISOString(),
      energyJ: report.energyJ,
      energyKWh: report.footprint.energyKWh,
      co2eKg: report.footprint.co2eKg,
      gridGCo2ePerKWh: grid?.value ?? null,
      gridSource: grid ? (grid.source ? `${grid.label}: ${grid.source.publisher}, ${grid.source.title} (${grid.source.url})` : grid.label) : null,
      cost: report.footprint.cost,
      currency: report.footprint.currency,
      method: report.footprint.method,
      samples: report.samples,
      gaps: report.gaps,
      devices: report.devices.map((d) => ({ uuid: d.deviceId, name: d.name, energyJ: d.energyJ, meanPowerW: d.meanPowerW, maxPowerW: d.maxPowerW })),
      factors: [grid, report.footprint.price].filter((f) => f !== null),
      warnings: loaded.problems,
    }
    if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
    else {
      process.stdout.write(
        [
          `${out.since} → ${out.until}: ${out.energyKWh.toFixed(4)} kWh from ${out.samples} samples (${out.gaps} gaps)`,
          out.co2eKg === null ? '  CO2e: no grid figure' : `  ${out.co2eKg.toFixed(4)} kg CO2e at ${out.gridGCo2ePerKWh} g/kWh — ${out.gridSource}`,
          out.cost === null ? '  cost: set a price per kWh in Settings' : `  cost: ${out.cost.toFixed(2)} ${out.currency}`,
          ...out.devices.map((d) => `  ${d.name} (${d.uuid}): ${kWhFromJoules(d.energyJ).toFixed(4)} kWh`),
        ].join('\n') + '\n',
      )
    }
    return 0
  } finally {
    db.close()
  }
}

function parseSource(text: string | undefined): SourceChoice {
  // WATTPRINT_NVIDIA_SMI names the executable (a non-standard install, or tests).
  const command = process.env.WATTPRINT_NVIDIA_SMI
  if (text === undefined || text === 'nvidia-smi') return command ? { kind: 'nvidia-smi', command } : { kind: 'nvidia-smi' }
  if (text.startsWith('replay:')) {
    const file = text.slice('replay:'.length)
    if (!file) throw new CliUsageError('--source replay:FILE needs a file')
    if (!existsSync(file)) throw new CliUsageError(`--source: cannot read ${file}`)
    const speed = Number(process.env.WATTPRINT_REPLAY_SPEED ?? '1')
    return { kind: 'replay', file, speed: speed > 0 ? speed : 1 }
  }
  throw new CliUsageError(`--source: "${text}" is not nvidia-smi or replay:FILE`)
}

function openService(values: { db?: string | undefined; source?: string | undefined }): WattprintService {
  const source = parseSource(values.source)
  return new WattprintService({
    dbPath: values.db ?? defaultDbPath(),
    host: 'headless',
    version: readVersion(),
    source,
    demoTraceFile: DEMO_TRACE,
    locale: Intl.DateTimeFormat().resolvedOptions().locale,
    ...(process.env.WATTPRINT_DEMO_SPEED ? { demoSpeed: Number(process.env.WATTPRINT_DEMO_SPEED) } : {}),
    ...(process.env.WATTPRINT_FLUSH_MS ? { flushIntervalMs: Number(process.env.WATTPRINT_FLUSH_MS) } : {}),
  })
}

async function runRecord(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, { db: { type: 'string' }, source: { type: 'string' }, duration: { type: 'string' }, json: { type: 'boolean' } })
  if (positionals.length) throw new CliUsageError(`unexpected argument "${positionals[0]}"`)
  const durationS = values.duration === undefined ? null : Number(values.duration)
  if (durationS !== null && !(durationS > 0)) throw new CliUsageError(`--duration: "${values.duration}" is not a positive number of seconds`)
  const service = openService(values)
  const startedMs = Date.now()
  let lastStatus = ''
  service.onPush((channel, payload) => {
    if (channel !== 'telemetry:status' || values.json) return
    const s = (payload as ReturnType<WattprintService['telemetryStatus']>).source
    const line = `${s.sourceId}: ${s.state} — ${s.message}${s.fix ? `\n  fix: ${s.fix}` : ''}`
    if (line !== lastStatus) process.stderr.write(`${line}\n`)
    lastStatus = line
  })
  service.start()
  const cpuAtStart = process.cpuUsage()
  await waitForStop(durationS)
  const report = service.report(startedMs, Date.now() + 1)
  await service.stop()
  const cpu = process.cpuUsage(cpuAtStart)
  // CPU the recorder used while recording (start-up and nvidia-smi's own time excluded), so users can check its cost.
  const out = { durationS: (Date.now() - startedMs) / 1000, cpuS: (cpu.user + cpu.system) / 1e6, energyJ: report.energyJ, energyKWh: report.footprint.energyKWh, samples: report.samples, gaps: report.gaps, devices: report.devices }
  process.stdout.write(values.json ? `${JSON.stringify(out, null, 2)}\n` : `recorded ${out.samples} samples, ${out.energyKWh.toFixed(5)} kWh in ${out.durationS.toFixed(0)} s\n`)
  return 0
}

async function runServe(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, { db: { type: 'string' }, source: { type: 'string' }, port: { type: 'string' } })
  if (positionals.length) throw new CliUsageError(`unexpected argument "${positionals[0]}"`)
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port: "${values.port}" is not a port number`)
  const service = openService(values)
  service.start()
  const staticDir = existsSync(join(RENDERER_DIR, 'index.html')) ? RENDERER_DIR : null
  let server
  try {
    server = await startHeadlessServer({ service, port, staticDir, ...(process.env.WATTPRINT_TOKEN ? { token: process.env.WATTPRINT_TOKEN } : {}) })
  } catch (error) {
    await service.stop()
    throw new CliUsageError(`cannot listen on 127.0.0.1:${port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  process.stdout.write(`${server.url}\n`)
  if (!staticDir) process.stderr.write(`note: ${RENDERER_DIR} is not built, so only the API is served (run npm run build:renderer)\n`)
  await waitForStop(null)
  await server.close()
  await service.stop()
  return 0
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

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}
