import { existsSync } from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import type { z } from 'zod'
import { createContext, type AppContext } from '../api/context.ts'
import { asWattprintError, dispatch } from '../api/dispatch.ts'
import { invokeChannels, type ResponseOf } from '../contract/channels.ts'
import { badInput, EXIT_CODE_OF, WattprintError } from '../contract/errors.ts'
import { formatMessage } from '../contract/messages.ts'
import { DEFAULT_METRICS_PORT } from './metrics-server.ts'
import { defaultDbPath } from '../store/paths.ts'
import { CHANNEL_COMMANDS, GROUP_SUMMARIES, GROUPS, type ChannelCommand, type DbNeed } from './cli/commands.ts'
import { describeForCli, flagsOf, parseFlagValue, type FlagSpec } from './cli/flags.ts'
import { readVersion, runDoctor, runMeasureModel, runProbe, runRecord, runServe, type CliIo } from './cli/local.ts'
import { clockFromEnv } from './env-clock.ts'
import { runLogs } from './cli/logs.ts'
import { nodeLog, startNodeLog, stopNodeLog } from './log.ts'
import { logImport } from '../logging/session.ts'
import { LOG_DOORS, type LogDoor } from '../logging/log-config.ts'
import { terminalSafe } from '../core/text.ts'

const DATES_NOTE = 'Dates and times are ISO 8601; a date alone (2026-11-01) means local midnight, as everywhere in Wattprint.'

/**
 * The command line: one table of commands (cli/commands.ts) whose flags are generated from the
 * contract's request schemas, run through the same dispatch as IPC and HTTP, plus the commands
 * that run the app itself (record, serve, doctor). Returns the exit code: 0 done, 2 bad input,
 * 1 a failure.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0
  let flagsInUse: readonly FlagSpec[] | 'options' = 'options'
  const program = new Command('wattprint')
    .description('Measures what your GPU really draws, and sets it beside the published footprints of AI models.')
    .version(readVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: () => undefined })
    .configureHelp({ helpWidth: 110 })
    .addHelpText('after', `\n${DATES_NOTE}\nThe database defaults to the desktop app's (${defaultDbPath()}); WATTPRINT_DB or --db overrides it.`)
    // An unknown word is reported as an unknown command, whatever flags follow it.
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      const word = program.args[0]
      if (word === undefined) {
        io.out(program.helpInformation().trimEnd())
        exitCode = 2
        return
      }
      throw badInput('cli.unknown-command', { command: word, commands: program.commands.map((c) => c.name()).join(', ') })
    })

  const group = (name: string): Command => {
    const existing = program.commands.find((c) => c.name() === name)
    if (existing) return existing
    const what = GROUPS[name] ?? 'kind'
    const parent = program
      .command(name)
      .description(GROUP_SUMMARIES[name] ?? '')
      .argument(`[${what}]`)
      .allowUnknownOption()
      .allowExcessArguments()
    parent.action((word: string | undefined) => {
      throw badInput('cli.needs-subcommand', { command: name, what, choices: parent.commands.map((c) => c.name()).join(', '), got: word ?? '' })
    })
    return parent
  }

  for (const spec of CHANNEL_COMMANDS) {
    const [first, second] = spec.path
    const cmd = (second === undefined ? program.command(first ?? '') : group(first ?? '').command(second)).description(spec.summary)
    for (const arg of spec.args ?? []) cmd.argument(`<${arg.name}>`, arg.description)
    const schema = invokeChannels[spec.channel].request as unknown as z.ZodObject
    const flags = flagsOf(schema, spec.notFlags)
    for (const f of flags)
      cmd.addOption(
        new Option(f.value === null ? `--${f.flag}` : `--${f.flag} <${f.value}>`, f.choices ? `${f.description} (${f.choices.join(', ')})` : f.description),
      )
    cmd.option('--db <DB>', "the database file (default: the desktop app's, or WATTPRINT_DB)")
    cmd.option('--json', 'print JSON')
    cmd.action(async (...args: unknown[]) => {
      const command = args.at(-1) as Command
      flagsInUse = flags
      exitCode = await runChannelCommand(spec, command.opts(), command.args, flags, io)
    })
  }

  program
    .command('record')
    .description('Record without a window, until Ctrl+C or for S seconds')
    .option('--db <DB>', 'the database file')
    .option('--source <SOURCE>', 'auto (default: every source found), nvidia-smi, or replay:FILE (an nvidia-smi CSV log played with its own timing)')
    .option('--duration <S>', 'seconds to record')
    .option('--json', 'print JSON')
    .action(async (opts: { db?: string; source?: string; duration?: string; json?: boolean }) => {
      exitCode = await runRecord({ ...opts, db: opts.db ?? defaultDbPath() }, io)
    })
  program
    .command('serve')
    .description('Start the headless host (recording too); prints its URL, token included')
    .option('--db <DB>', 'the database file')
    .option('--source <SOURCE>', 'auto (default), nvidia-smi, or replay:FILE')
    .option('--port <N>', 'port on 127.0.0.1 (default: a free one)')
    .option('--metrics', `also serve Prometheus metrics at http://127.0.0.1:${DEFAULT_METRICS_PORT}/metrics (read-only; no token on loopback)`)
    .option('--metrics-port <N>', `the metrics port (default ${DEFAULT_METRICS_PORT}; 0: a free one)`)
    .option(
      '--metrics-bind <ADDR>',
      'listen for scrapers on another address, e.g. 0.0.0.0. WARNING: other machines can then read your power, energy, app names and costs; a token is required (--metrics-token-file)',
    )
    .option('--metrics-token-file <FILE>', 'a file holding the token scrapers must send as Authorization: Bearer (or set WATTPRINT_METRICS_TOKEN)')
    .action(
      async (opts: {
        db?: string
        source?: string
        port?: string
        metrics?: boolean
        metricsPort?: string
        metricsBind?: string
        metricsTokenFile?: string
      }) => {
        exitCode = await runServe({ ...opts, db: opts.db ?? defaultDbPath() }, io)
      },
    )
  program
    .command('measure-model')
    .description('Measure a local model: the fixed prompt set, energy above idle per response and per 1,000 output tokens (stored)')
    .option('--server <KIND>', 'ollama, llamacpp, vllm or openai (LM Studio, Jan, any OpenAI-compatible server)')
    .option('--url <URL>', 'the server (default: its usual loopback address, e.g. http://127.0.0.1:11434 for Ollama)')
    .option('--model <NAME>', 'the model, as the server names it')
    .option('--repeats <N>', 'times the prompt set is run (default 3)')
    .option('--idle-s <S>', 'seconds of idle measured before the prompts (default 5)')
    .option('--allow-remote', 'allow a server that is not on this machine (its GPU is not the one measured!)')
    .option('--db <DB>', 'the database file')
    .option('--json', 'print JSON')
    .action(
      async (opts: { server?: string; url?: string; model?: string; repeats?: string; idleS?: string; allowRemote?: boolean; db?: string; json?: boolean }) => {
        flagsInUse = flagsOf(invokeChannels['models:measure'].request as unknown as z.ZodObject, [])
        exitCode = await runMeasureModel({ ...opts, db: opts.db ?? defaultDbPath() }, io)
      },
    )
  program
    .command('probe')
    .description('Every telemetry source: its state, precision (energy counter or sampled power), devices and one reading each')
    .option('--sysfs-root <DIR>', 'read DIR as /sys (DIR/class/drm/…, DIR/class/powercap/…): a captured tree, or a test')
    .option('--nvidia-smi <PATH>', 'the nvidia-smi to run (default: on PATH, or WATTPRINT_NVIDIA_SMI)')
    .option('--nvml-library <PATH>', 'the NVML library to load (default: libnvidia-ml.so.1 / nvml.dll where the driver puts it)')
    .option('--json', 'print JSON')
    .action(async (opts: { sysfsRoot?: string; nvidiaSmi?: string; nvmlLibrary?: string; json?: boolean }) => {
      exitCode = await runProbe(opts, io)
    })
  program
    .command('doctor')
    .description('Check the database (SQLite quick_check); salvage the readable rows of a damaged one into a new file')
    .option('--db <DB>', 'the database file')
    .option('--json', 'print JSON')
    .action((opts: { db?: string; json?: boolean }) => {
      exitCode = runDoctor({ ...opts, db: opts.db ?? defaultDbPath() }, io)
    })

  program
    .command('logs')
    .description("Where the logs are: the folder and each door's current file (app, host = serve, cli); --tail N prints their last lines")
    .option('--tail <N>', 'print the last N lines of each file')
    .addOption(new Option('--door <DOOR>', 'only this one').choices(LOG_DOORS))
    .option('--json', 'print JSON')
    .action((opts: { tail?: string; door?: LogDoor; json?: boolean }) => {
      exitCode = runLogs(opts, io)
    })

  // Every command that runs writes a start and a stop line; `logs` only reads, help writes nothing.
  program.hook('preAction', (_program, action) => {
    const path: string[] = []
    for (let c: Command | null = action; c && c !== program; c = c.parent) path.unshift(c.name())
    if (path.length === 0 || path[0] === 'logs' || action.commands.length > 0) return
    const hasDb = action.options.some((o) => o.long === '--db')
    const db = action.opts<{ db?: unknown }>().db
    startNodeLog({
      door: path[0] === 'serve' ? 'host' : 'cli',
      version: readVersion(),
      command: path.join(' '),
      dbPath: typeof db === 'string' ? db : hasDb ? defaultDbPath() : null,
    })
  })

  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (error) {
    exitCode = reportError(error, flagsInUse, io)
  }
  stopNodeLog(exitCode)
  return exitCode
}

async function runChannelCommand(
  spec: ChannelCommand,
  opts: Record<string, unknown>,
  positionals: readonly string[],
  flags: readonly FlagSpec[],
  io: CliIo,
): Promise<number> {
  const request: Record<string, unknown> = { ...spec.defaults?.(io.clock.nowMs()), ...spec.request?.(positionals) }
  for (const f of flags) {
    const raw = opts[camel(f.flag)]
    if (raw !== undefined) request[f.field] = parseFlagValue(f, raw)
  }
  const ctx = openContext(spec.db, typeof opts.db === 'string' ? opts.db : defaultDbPath(), io)
  try {
    const response = await dispatch(ctx, spec.channel, request)
    if (spec.channel === 'history:import') logImport(nodeLog(), response as ResponseOf<'history:import'>)
    const printed = spec.output(response as never, ctx)
    io.out(opts.json ? JSON.stringify(printed.json, null, 2) : printed.text)
    return 0
  } finally {
    await ctx.close()
  }
}

function openContext(need: DbNeed, dbPath: string, io: CliIo): AppContext {
  const common = { host: 'cli' as const, version: readVersion(), locale: Intl.DateTimeFormat().resolvedOptions().locale, clock: io.clock }
  const exists = existsSync(dbPath)
  if (need === 'existing' && !exists) throw badInput('db.none', { path: dbPath }, 'db')
  if (need === 'write') return createContext({ ...common, dbPath })
  return createContext({ ...common, dbPath: exists ? dbPath : null, dbMode: 'read' })
}

/** One line on stderr and the exit code of the error's kind (commander's own errors are bad input). */
function reportError(error: unknown, flags: readonly FlagSpec[] | 'options', io: CliIo): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0
    const option = /'(--?[^']+)'/.exec(error.message)?.[1] ?? ''
    const text =
      error.code === 'commander.unknownOption'
        ? `Unknown option '${option}'`
        : error.code === 'commander.excessArguments'
          ? formatMessage('en', 'cli.unexpected-argument', { argument: error.message.replace(/^error: /, '') })
          : error.message.replace(/^error: /, '')
    io.err(terminalSafe(`wattprint: ${text}`))
    return 2
  }
  const domain = asWattprintError(error)
  const text = domain instanceof WattprintError ? describeForCli(domain, flags) : String(error)
  io.err(terminalSafe(`wattprint: ${text}`))
  // A failure while working is worth finding later; bad input is only the stop line's exit code 2.
  if (EXIT_CODE_OF[domain.kind] === 1) nodeLog().error(`failed: ${text}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`)
  if (process.env.WATTPRINT_DEBUG && error instanceof Error) io.err(error.stack ?? '')
  return EXIT_CODE_OF[domain.kind]
}

const camel = (flag: string): string => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())

function processIo(): CliIo {
  let clock: CliIo['clock'] | null = null
  return {
    out: (text) => {
      // A reader that went away (`wattprint … | head`) is not an error.
      process.stdout.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0)
      })
      process.stdout.write(terminalSafe(`${text}\n`))
    },
    err: (text) => process.stderr.write(terminalSafe(`${text}\n`)),
    get clock() {
      try {
        clock ??= clockFromEnv()
      } catch (error) {
        throw badInput('cli.bad-arguments', { detail: error instanceof Error ? error.message : String(error) })
      }
      return clock
    },
  }
}
