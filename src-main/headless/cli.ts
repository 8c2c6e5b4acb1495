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
import { diagnoseDatabase, salvageDatabase } from '../store/salvage.ts'
import { ImportError, importNvidiaSmiLog } from '../store/import-nvidia-log.ts'
import { defaultDbPath } from '../store/paths.ts'
import { SampleStore } from '../store/sample-store.ts'
import { SettingsStore } from '../store/settings-store.ts'
import { defaultSettings } from '../api/service.ts'
import { startHeadlessServer } from './server.ts'
import { CliUsageError, cliNow, instant, openExisting, runCompare, runData, runEstimate, runHardware, runReferences, runScenarioFile } from './cli-estimates.ts'

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
  doctor [--db DB] [--json]
      Check the database (SQLite quick_check); salvage the readable rows of a damaged one into a new file

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
      case 'doctor':
        return runDoctor(rest)
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`)
        return command === undefined ? 2 : 0
      default:
        throw new CliUsageError(`unknown command "${command}" (try: import, report, record, serve, estimate, compare, scenario, hardware, references, data, doctor)`)
    }
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof StoreError || error instanceof ImportError) {
      process.stderr.write(terminalSafe(`wattprint: ${error.message}\n`))
      return 2
    }
    // Anything else is a failure, said in one line (SQLite's own words included); the stack only on request.
    const sqlite = error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_SQLITE_ERROR'
    process.stderr.write(terminalSafe(`wattprint: ${sqlite ? 'database error: ' : ''}${error instanceof Error ? error.message : String(error)}\n`))
    if (process.env.WATTPRINT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`)
    return 1
  }
}

/** Text for a terminal: control characters (escape sequences) and bidi overrides removed, lines kept. */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
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
  process.stdout.write(terminalSafe(`${text}\n`))
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
      nowMs: cliNow(),
      ...(values.tz ? { zone: values.tz } : {}),
    })
    if (values.json) print(JSON.stringify(summary, null, 2))
    else {
      const lines = [
        `${file}: ${summary.imported} rows imported, ${summary.alreadyStored} already stored, into ${dbPath} (times read in ${summary.zone})`,
        ...Object.entries(summary.skipped).map(
          ([reason, t]) => `  skipped ${t.count} × ${reason} (first at line ${t.firstLine}: ${t.example})`,
        ),
        ...summary.devices.map((d) => `  ${d.name}: ${d.rows} readings, ${kWhFromJoules(d.energyJ).toFixed(4)} kWh`),
        ...summary.warnings.map((w) => `  warning: ${w}`),
      ]
      print(lines.join('\n'))
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
  const untilMs = instant(values.until, '--until', cliNow() + 1)
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
    if (values.json) print(JSON.stringify(out, null, 2))
    else {
      print(
        [
          `${out.since} → ${out.until}: ${out.energyKWh.toFixed(4)} kWh from ${out.samples} samples (${out.gaps} gaps)`,
          out.co2eKg === null ? '  CO2e: no grid figure' : `  ${out.co2eKg.toFixed(4)} kg CO2e at ${out.gridGCo2ePerKWh} g/kWh — ${out.gridSource}`,
          out.cost === null ? '  cost: set a price per kWh in Settings' : `  cost: ${out.cost.toFixed(2)} ${out.currency}`,
          ...out.devices.map((d) => `  ${d.name} (${d.uuid}): ${kWhFromJoules(d.energyJ).toFixed(4)} kWh`),
        ].join('\n'),
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
    recoverDamaged: true,
    clock: { nowMs: cliNow },
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
  const startedMs = cliNow()
  let lastStatus = ''
  service.onPush((channel, payload) => {
    if (channel !== 'telemetry:status' || values.json) return
    const s = (payload as ReturnType<WattprintService['telemetryStatus']>).source
    const line = `${s.sourceId}: ${s.state} — ${s.message}${s.fix ? `\n  fix: ${s.fix}` : ''}`
    if (line !== lastStatus) process.stderr.write(terminalSafe(`${line}\n`))
    lastStatus = line
  })
  for (const note of service.storageNotes) process.stderr.write(terminalSafe(`wattprint: ${note}\n`))
  service.start()
  const cpuAtStart = process.cpuUsage()
  await waitForStop(durationS)
  await service.stopRecording()
  const storage = service.telemetryStatus().storage
  const report = service.report(startedMs, cliNow() + 1)
  await service.stop()
  const cpu = process.cpuUsage(cpuAtStart)
  // CPU the recorder used while recording (start-up and nvidia-smi's own time excluded), so users can check its cost.
  const out = { durationS: (cliNow() - startedMs) / 1000, cpuS: (cpu.user + cpu.system) / 1e6, energyJ: report.energyJ, energyKWh: report.footprint.energyKWh, samples: report.samples, gaps: report.gaps, devices: report.devices, storage }
  print(values.json ? JSON.stringify(out, null, 2) : `recorded ${out.samples} samples, ${out.energyKWh.toFixed(5)} kWh in ${out.durationS.toFixed(0)} s`)
  if (!storage.ok) {
    // Readings that could not be written are a failure, whatever was recorded before.
    const lost = storage.pendingReadings + storage.droppedReadings
    process.stderr.write(terminalSafe(`wattprint: ${lost} readings could not be written to ${service.options.dbPath} (${storage.error ?? 'write failed'}); the ${out.samples} written before are intact\n`))
    return 1
  }
  return 0
}

function runDoctor(args: readonly string[]): number {
  const { values, positionals } = parse(args, { db: { type: 'string' }, json: { type: 'boolean' } })
  if (positionals.length) throw new CliUsageError(`unexpected argument "${positionals[0]}"`)
  const dbPath = values.db ?? defaultDbPath()
  if (!existsSync(dbPath)) throw new CliUsageError(`no database at ${dbPath}`)
  const found = diagnoseDatabase(dbPath)
  if (found.state === 'healthy') {
    print(values.json ? JSON.stringify({ db: dbPath, state: 'healthy' }, null, 2) : `${dbPath}: healthy (Wattprint database, SQLite quick_check ok)`)
    return 0
  }
  const stamp = new Date(cliNow()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  const report = salvageDatabase(dbPath, `${dbPath}.salvaged-${stamp}.db`)
  if (values.json) print(JSON.stringify({ db: dbPath, state: 'damaged', detail: found.detail, salvage: report }, null, 2))
  else {
    print(
      [
        `${dbPath}: damaged (${found.detail.slice(0, 160)})`,
        `salvaged the readable rows into ${report.target} (the damaged file was only read):`,
        ...report.tables.map((t) => `  ${t.table}: ${t.copied} rows copied${t.note ? ` (${t.note})` : ''}${t.unreadable.length ? `; unreadable: ${t.unreadable.slice(0, 3).join(', ')}${t.unreadable.length > 3 ? ` and ${t.unreadable.length - 3} more` : ''}` : ''}`),
        `check it, then put it in place of the damaged file (keep the damaged one until you are satisfied).`,
      ].join('\n'),
    )
  }
  return 1
}

async function runServe(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, { db: { type: 'string' }, source: { type: 'string' }, port: { type: 'string' } })
  if (positionals.length) throw new CliUsageError(`unexpected argument "${positionals[0]}"`)
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port: "${values.port}" is not a port number`)
  const service = openService(values)
  for (const note of service.storageNotes) process.stderr.write(terminalSafe(`wattprint: ${note}\n`))
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
