// `npm run bench`: what the monitor costs and how fast history answers, each figure beside the
// alternative it is compared with. Prints a table, writes bench/results.json; `--readme` also
// puts the table into README.md; `--quick` for fewer, shorter runs; `--only store,whatif`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from '../test/helpers.ts'
import { isolatedMachineEnv } from '../test/isolated-machine.ts'
import { fmt, meets, type BenchRow } from './harness.ts'

const quick = process.argv.includes('--quick')
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)
const only = onlyArg ? new Set(onlyArg.split(',')) : null

type Suite = (opts: { quick: boolean }) => Promise<BenchRow[]>
const SUITES: Record<string, () => Promise<Suite>> = {
  recorder: async () => (await import('./recorder.bench.ts')).benchRecorder,
  sources: async () => (await import('./sources.bench.ts')).benchSources,
  import: async () => (await import('./import.bench.ts')).benchImport,
  store: async () => (await import('./store.bench.ts')).benchStore,
  history: async () => (await import('./history.bench.ts')).benchHistory,
  metrics: async () => (await import('./metrics.bench.ts')).benchMetrics,
  renderer: async () => (await import('./renderer.bench.ts')).benchRenderer,
  whatif: async () => (await import('./whatif.bench.ts')).benchWhatIf,
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 1024 ** 3)} GiB, ${process.platform} ${process.arch}, node ${process.version}`
}

function spreadText(r: BenchRow): string {
  return `${fmt(r.spread[0])}–${fmt(r.spread[1])}`
}

function targetText(r: BenchRow): string {
  if (!r.target) return '—'
  const ok = meets(r)
  const value = Number.isInteger(r.target.value) ? r.target.value.toLocaleString('en') : fmt(r.target.value)
  return `${r.target.op === '<=' ? '≤' : '≥'} ${value} ${ok ? '✓' : '✗'}`
}

function comparisonText(r: BenchRow): string {
  if (!r.comparison) return '—'
  return `${r.comparison.label}: ${fmt(r.comparison.median)} (× ${fmt(r.comparison.ratio)})`
}

export function tableOf(rows: readonly BenchRow[]): string {
  const lines = ['| Figure | Measured | Median | Spread | Runs | Compared with | Target | Note |', '|---|---|---|---|---|---|---|---|']
  for (const r of rows) {
    lines.push(
      `| ${r.group} | ${r.label} | ${fmt(r.median)} ${r.unit} | ${spreadText(r)} | ${r.runs} | ${comparisonText(r)} | ${targetText(r)} | ${r.note ?? ''} |`,
    )
  }
  return lines.join('\n')
}

// This machine's own telemetry (a real /sys, a real GPU) stays out of the figures: each bench names its sources.
Object.assign(process.env, isolatedMachineEnv())
const resultsPath = join(REPO_ROOT, 'bench', quick ? 'results.quick.json' : 'results.json')
type SuiteRow = BenchRow & { suite: string }
// With --only, the other suites' rows of the last run are kept (each suite replaces its own).
const previous: SuiteRow[] = only && existsSync(resultsPath) ? ((JSON.parse(readFileSync(resultsPath, 'utf8')) as { rows: SuiteRow[] }).rows ?? []) : []
const rows: SuiteRow[] = previous.filter((r) => !only?.has(r.suite))
const startedMs = Date.now()
const failed: string[] = []
const save = (): { machine: string; date: string; quick: boolean; rows: SuiteRow[] } => {
  const order = Object.keys(SUITES)
  rows.sort((a, b) => order.indexOf(a.suite) - order.indexOf(b.suite))
  const result = { machine: machine(), date: new Date().toISOString().slice(0, 10), quick, seconds: Math.round((Date.now() - startedMs) / 1000), rows }
  writeFileSync(resultsPath, JSON.stringify(result, null, 2) + '\n')
  return result
}
for (const [name, load] of Object.entries(SUITES)) {
  if (only && !only.has(name)) continue
  if (name === 'renderer' && !existsSync(join(REPO_ROOT, 'out', 'renderer', 'index.html'))) {
    console.error('bench renderer: skipped, the renderer is not built (npx electron-vite build)')
    continue
  }
  const suiteStart = Date.now()
  try {
    const got = await (await load())({ quick })
    for (const r of got)
      console.log(
        `${r.group} · ${r.label}: ${fmt(r.median)} ${r.unit} (${spreadText(r)}, ${r.runs} runs)${r.comparison ? ` · ${comparisonText(r)}` : ''}${r.target ? ` · target ${targetText(r)}` : ''}${r.note ? ` · ${r.note}` : ''}`,
      )
    rows.push(...got.map((r) => ({ ...r, suite: name })))
    save()
  } catch (error) {
    // One suite failing says so and the others still run.
    failed.push(name)
    console.error(`bench ${name} FAILED: ${error instanceof Error ? error.message : String(error)}`)
  }
  console.error(`bench ${name}: ${((Date.now() - suiteStart) / 1000).toFixed(0)} s`)
}
const result = save()
if (process.argv.includes('--readme')) {
  const readme = join(REPO_ROOT, 'README.md')
  const text = readFileSync(readme, 'utf8')
  const start = text.indexOf('<!-- bench:start')
  const end = text.indexOf('<!-- bench:end -->')
  if (start < 0 || end < 0) throw new Error('README.md has no <!-- bench:start --> … <!-- bench:end --> markers')
  const block = `<!-- bench:start (written by npm run bench -- --readme; do not edit) -->\nMeasured ${result.date} on ${result.machine}${quick ? ' (--quick)' : ''}.\n\n${tableOf(result.rows)}\n`
  writeFileSync(readme, text.slice(0, start) + block + text.slice(end))
}
if (failed.length > 0) {
  console.error(`bench: ${failed.join(', ')} failed`)
  process.exitCode = 1
}
