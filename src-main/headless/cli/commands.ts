import { readFileSync } from 'node:fs'
import type { AppContext } from '../../api/context.ts'
import { formatText } from '../../contract/messages.ts'
import type { InvokeChannel, RequestOf, ResponseOf } from '../../contract/channels.ts'
import { badInput } from '../../contract/errors.ts'
import * as out from './output.ts'
import type { Printed } from './output.ts'

/** How a command opens the database. */
export type DbNeed =
  /** Pure queries: the database's data pack if the file exists (read-only), else the bundled data. */
  | 'if-exists'
  /** Reads the history: the file must exist; a read-only file is fine. */
  | 'existing'
  /** Writes (creates the file if needed). */
  | 'write'

/** A command that is one channel of the contract, through the same dispatch as IPC and HTTP. */
export interface ChannelCommand<C extends InvokeChannel = InvokeChannel> {
  path: readonly string[]
  summary: string
  channel: C
  db: DbNeed
  /** Positional arguments, for the help; `request` turns them into request fields. */
  args?: readonly { name: string; description: string }[]
  /** Request fields that are not flags (the command sets them from its arguments). */
  notFlags?: readonly string[]
  request?: (positionals: readonly string[]) => Partial<RequestOf<C>>
  /** Defaults a person expects on the command line (a period: all history until now). */
  defaults?: (nowMs: number) => Partial<RequestOf<C>>
  output: (response: ResponseOf<C>, ctx: AppContext) => Printed
}

const command = <C extends InvokeChannel>(spec: ChannelCommand<C>): ChannelCommand => spec as unknown as ChannelCommand

/** The whole history until now, unless the flags say otherwise. */
const allHistory = (nowMs: number): { sinceMs: number; untilMs: number } => ({ sinceMs: 0, untilMs: nowMs + 1 })

function readText(file: string | undefined, what: string, command: string): { file: string; text: string } {
  if (!file) throw badInput('cli.needs-argument', { command, what })
  try {
    return { file, text: readFileSync(file, 'utf8') }
  } catch (error) {
    throw badInput('cli.cannot-read-file', { file, detail: (error as NodeJS.ErrnoException).code ?? String(error) })
  }
}

function readJson(file: string | undefined, command: string): unknown {
  const read = readText(file, 'a FILE.json', command)
  try {
    return JSON.parse(read.text)
  } catch (error) {
    throw badInput('cli.file-not-json', { file: read.file, detail: (error as Error).message })
  }
}

/**
 * Every command that is a channel: its words on the command line, its channel, its database needs
 * and its output. Flags come from the channel's request schema (see contract/cli-meta.ts).
 */
export const CHANNEL_COMMANDS: readonly ChannelCommand[] = [
  command({
    path: ['report'],
    summary: 'Energy, CO2e and cost of a period of the recorded history',
    channel: 'report:range',
    db: 'existing',
    defaults: allHistory,
    output: (r, ctx) =>
      out.reportOutput(
        r,
        [...ctx.storageNotes, ...ctx.settings.problems].map((m) => formatText('en', m)),
      ),
  }),
  command({
    path: ['history'],
    summary: 'The history in hour or day buckets (from the rollups)',
    channel: 'history:query',
    db: 'existing',
    defaults: (now) => ({ sinceMs: now - 7 * 86_400_000, untilMs: now + 1, bucket: 'day' as const }),
    output: (r) => out.historyOutput(r),
  }),
  command({
    path: ['fleet'],
    summary: "A fleet's energy per machine and GPU from a Prometheus server (Wattprint's metrics, DCGM exporter, nvidia_gpu_exporter)",
    channel: 'fleet:report',
    db: 'if-exists',
    // The last 24 hours: Prometheus keeps 15 days by default.
    defaults: (now) => ({ sinceMs: now - 86_400_000, untilMs: now }),
    output: (r) => out.fleetOutput(r),
  }),
  command({
    path: ['compare'],
    summary: 'Your usage beside published training runs, inference figures and everyday equivalences',
    channel: 'compare:period',
    db: 'existing',
    defaults: allHistory,
    output: (r) => out.compareOutput(r),
  }),
  command({
    path: ['estimate', 'training'],
    summary: 'Training energy and CO2e from accelerator-hours, or from FLOPs (6·N·D at a utilisation)',
    channel: 'estimate:training',
    db: 'if-exists',
    output: (r) => out.trainingOutput(r),
  }),
  command({
    path: ['estimate', 'finetune'],
    summary: 'Fine-tuning beside pre-training the same model (6N FLOPs per token full, 4N LoRA/QLoRA)',
    channel: 'estimate:finetune',
    db: 'if-exists',
    output: (r) => out.finetuneOutput(r),
  }),
  command({
    path: ['estimate', 'inference'],
    summary: 'Energy per token: measured (your energy ÷ tokens) or estimated (memory-bound decoding)',
    channel: 'estimate:inference',
    db: 'if-exists',
    output: (r) => out.inferenceOutput(r),
  }),
  command({
    path: ['scenario'],
    summary: 'Run a what-if scenario file (schema in README)',
    channel: 'scenario:run',
    db: 'if-exists',
    args: [{ name: 'FILE.json', description: 'the scenario' }],
    notFlags: ['name', 'baseline', 'site', 'variants'],
    request: ([file]) => readJson(file, 'scenario') as Partial<RequestOf<'scenario:run'>>,
    output: (r) => out.scenarioOutput(r),
  }),
  command({
    path: ['hardware'],
    summary: 'The accelerators in the data set',
    channel: 'reference:list',
    db: 'if-exists',
    output: (r) => out.hardwareOutput(r),
  }),
  command({
    path: ['references'],
    summary: 'Every cited figure, with its source',
    channel: 'reference:list',
    db: 'if-exists',
    output: (r) => out.referencesOutput(r),
  }),
  command({ path: ['data', 'status'], summary: 'The reference data in use', channel: 'data:status', db: 'if-exists', output: (r) => out.dataOutput(r) }),
  command({
    path: ['data', 'import'],
    summary: 'Import a newer data pack (validated, must be newer, reversible)',
    channel: 'data:import',
    db: 'write',
    args: [{ name: 'FILE', description: 'the data pack (JSON)' }],
    notFlags: ['json'],
    request: ([file]) => ({ json: readText(file, 'a FILE', 'data import').text }),
    output: (r) => out.dataOutput(r),
  }),
  command({
    path: ['data', 'revert'],
    summary: 'Go back to the previous data pack (nothing is deleted)',
    channel: 'data:revert',
    db: 'write',
    output: (r) => out.dataOutput(r),
  }),
  command({
    path: ['import', 'nvidia-smi-csv'],
    summary: 'Import a log written by nvidia-smi --query-gpu=timestamp,...,power.draw,... --format=csv',
    channel: 'history:import',
    db: 'write',
    args: [{ name: 'FILE', description: 'the log (header line required)' }],
    notFlags: ['format', 'text', 'fileName'],
    request: ([file]) => {
      const read = readText(file, 'a FILE', 'import nvidia-smi-csv')
      return { format: 'nvidia-smi-csv' as const, text: read.text, fileName: read.file }
    },
    output: (r, ctx) => out.importOutput(r, ctx.info.dbPath),
  }),
  command({
    path: ['settings'],
    summary: 'The settings in use (change them in the app)',
    channel: 'settings:get',
    db: 'if-exists',
    output: (r) => out.settingsOutput(r),
  }),
]

/** Parent words that only group subcommands, and what their subcommand is called. */
export const GROUPS: Readonly<Record<string, string>> = { estimate: 'kind', data: 'action', import: 'format' }
export const GROUP_SUMMARIES: Readonly<Record<string, string>> = {
  estimate: 'Estimate training, fine-tuning or inference energy and CO2e (training, finetune, inference)',
  data: 'The reference data set: status, import FILE, revert',
  import: 'Add a log to the history (nvidia-smi-csv FILE)',
}
