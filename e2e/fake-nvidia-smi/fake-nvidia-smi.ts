/**
 * Fake `nvidia-smi` for tests: accepts the command lines Wattprint runs and replays a captured
 * nvidia-smi CSV log with its real timing (or faster), one line per GPU per reading.
 *
 * Environment:
 *   WATTPRINT_FAKE_SMI_TRACE  the log to replay (default: the bundled demo trace)
 *   WATTPRINT_FAKE_SMI_SPEED  1 = the log's own timing, 10 = ten times faster
 *   WATTPRINT_FAKE_SMI_GPUS   how many GPUs to pretend (GPU i draws the trace's power × (1 + i/4))
 *   WATTPRINT_FAKE_SMI_MODE   normal | no-device | driver-error | not-permitted | exit-after=N |
 *                             hang-after=N | garbage-every=N | once
 *   WATTPRINT_FAKE_SMI_STATE  a file counting launches; with WATTPRINT_FAKE_SMI_FAIL_LAUNCHES=K
 *                             the first K launches use MODE and later ones WATTPRINT_FAKE_SMI_LATER_MODE
 *                             (default normal)
 *   WATTPRINT_FAKE_SMI_ECHO   a file every data line is also appended to, as it is printed (to
 *                             measure what a killed recorder lost)
 *   WATTPRINT_FAKE_SMI_LOAD_FILE  a power meter instead of a replay: every -lms interval, power is
 *                             WATTPRINT_FAKE_SMI_LOAD_W (default 230) while the file holds "1" (a
 *                             stand-in inference server writes it while it generates), else
 *                             WATTPRINT_FAKE_SMI_IDLE_W (default 30); utilisation 97 % or 0 %
 *   WATTPRINT_FAKE_SMI_PROCS  processes for `pmon -c 1 -s um` and `--query-compute-apps`:
 *                             `gpu:pid:name:sm%:usedMiB:type` separated by `;` (sm `-` = not
 *                             available; type C, G or C+G)
 *   WATTPRINT_NOW, WATTPRINT_NOW_AT  the same pinned clock as the host (see headless/env-clock.ts)
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseNvidiaSmiLog } from '../../src-main/telemetry/parsers/nvidia-smi-log.parse.ts'
import type { NvidiaRecord } from '../../src-main/telemetry/parsers/nvidia-smi-csv.parse.ts'
import { epochMsFromLocalParts } from '../../src-main/core/time.ts'
import { clockFromEnv } from '../../src-main/headless/env-clock.ts'

const here = dirname(fileURLToPath(import.meta.url))
const env = process.env
const clock = clockFromEnv(env)
const echo = env.WATTPRINT_FAKE_SMI_ECHO
const args = process.argv.slice(2)

function launchNumber(): number {
  const stateFile = env.WATTPRINT_FAKE_SMI_STATE
  if (!stateFile) return 1
  let n = 0
  try {
    n = Number(readFileSync(stateFile, 'utf8')) || 0
  } catch {
    // First launch: no state yet.
  }
  writeFileSync(stateFile, String(n + 1))
  return n + 1
}

const failLaunches = Number(env.WATTPRINT_FAKE_SMI_FAIL_LAUNCHES ?? 'Infinity')
const mode = launchNumber() <= failLaunches ? (env.WATTPRINT_FAKE_SMI_MODE ?? 'normal') : (env.WATTPRINT_FAKE_SMI_LATER_MODE ?? 'normal')
const option = (name: string): number | null => {
  const m = new RegExp(`${name}=(\\d+)`).exec(mode)
  return m ? Number(m[1]) : null
}

if (mode === 'no-device') {
  process.stdout.write('No devices were found\n')
  process.exit(6)
}
if (mode === 'driver-error') {
  process.stdout.write(
    "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n",
  )
  process.exit(9)
}
if (mode === 'not-permitted') {
  process.stderr.write('Failed to initialize NVML: Insufficient Permissions\n')
  process.exit(4)
}
// Processes: `pmon -c 1 -s um` and `--query-compute-apps=gpu_uuid,pid,process_name,used_gpu_memory`, as the real one prints them.
const procs = (env.WATTPRINT_FAKE_SMI_PROCS ?? '')
  .split(';')
  .filter(Boolean)
  .map((p) => {
    const [gpu = '0', pid = '0', name = '?', sm = '-', mem = '-', type = 'C'] = p.split(':')
    return { gpu: Number(gpu), pid, name, sm, mem, type }
  })
const uuidOf = (gpu: number): string => `GPU-fa4e${String(gpu).padStart(4, '0')}-0000-4000-8000-000000000000`
if (args[0] === 'pmon') {
  process.stdout.write('# gpu         pid   type     sm    mem    enc    dec    jpg    ofa     fb   command \n')
  process.stdout.write('# Idx           #    C/G      %      %      %      %      %      %     MB   name \n')
  for (const p of procs)
    process.stdout.write(
      `    ${p.gpu}    ${p.pid.padStart(7)}    ${p.type.padEnd(3)}    ${p.sm.padStart(3)}      -      -      -      -      -  ${p.mem.padStart(5)}   ${p.name.slice(0, 15)}\n`,
    )
  process.exit(0)
}
if (args.some((a) => a.startsWith('--query-compute-apps='))) {
  for (const p of procs.filter((x) => x.type.includes('C'))) process.stdout.write(`${uuidOf(p.gpu)}, ${p.pid}, ${p.name}, ${p.mem === '-' ? '[N/A]' : p.mem}\n`)
  process.exit(0)
}
if (args.includes('-L')) {
  process.stdout.write('GPU 0: Fake GPU (UUID: GPU-fa4e0000-0000-0000-0000-000000000000)\n')
  process.exit(0)
}

const query = args
  .find((a) => a.startsWith('--query-gpu='))
  ?.slice('--query-gpu='.length)
  .split(',')
const format = args
  .find((a) => a.startsWith('--format='))
  ?.slice('--format='.length)
  .split(',') ?? ['csv']
if (!query) {
  process.stderr.write('fake nvidia-smi: only --query-gpu is supported\n')
  process.exit(2)
}
const noUnits = format.includes('nounits')
const noHeader = format.includes('noheader')

const tracePath = env.WATTPRINT_FAKE_SMI_TRACE ?? join(here, '..', '..', 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv')
const parsed = parseNvidiaSmiLog(readFileSync(tracePath, 'utf8'))
if (!parsed.ok) {
  process.stderr.write(`fake nvidia-smi: ${parsed.problem.code}\n`)
  process.exit(2)
}
const records = parsed.log.records.map((r) => r.record)
const t0 = epochMsFromLocalParts(records[0]?.time ?? { year: 2000, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 }, 'UTC') ?? 0
const offsets = records.map((r) => (epochMsFromLocalParts(r.time, 'UTC') ?? t0) - t0)
const speed = Number(env.WATTPRINT_FAKE_SMI_SPEED ?? '1') || 1
const gpus = Number(env.WATTPRINT_FAKE_SMI_GPUS ?? '1') || 1

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
function nvidiaTimestamp(date: Date): string {
  return `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

const NA = '[N/A]'
function cell(field: string, record: NvidiaRecord, gpu: number, now: Date): string {
  const unit = (value: number | null, u: string, digits = 2): string =>
    value === null ? NA : noUnits ? value.toFixed(digits) : `${value.toFixed(digits)} ${u}`
  const scale = 1 + gpu / 4
  const mib = (b: number | null): number | null => (b === null ? null : Math.round(b / 1024 / 1024))
  switch (field) {
    case 'timestamp':
      return nvidiaTimestamp(now)
    case 'index':
      return String(gpu)
    case 'uuid':
      return `GPU-fa4e${pad(gpu, 4)}-0000-4000-8000-000000000000`
    case 'name':
      return record.name ?? `Fake GPU ${gpu} (replaying ${basename(tracePath)})`
    case 'power.draw':
      return unit(record.powerW === null ? null : record.powerW * scale, 'W')
    case 'power.limit':
      return unit(record.powerLimitW ?? 450, 'W')
    case 'utilization.gpu':
      return unit(record.utilPct, '%', 0)
    case 'utilization.memory':
      return unit(record.memUtilPct, '%', 0)
    case 'memory.used':
      return unit(mib(record.memUsedB), 'MiB', 0)
    case 'memory.total':
      return unit(mib(record.memTotalB) ?? 24564, 'MiB', 0)
    case 'temperature.gpu':
      return record.tempC === null ? NA : String(record.tempC)
    case 'clocks.sm':
      return unit(record.smClockMhz, 'MHz', 0)
    case 'pstate':
      return record.pstate === null ? NA : `P${record.pstate}`
    default:
      return NA
  }
}

if (!noHeader) process.stdout.write(`${query.join(', ')}\n`)

const exitAfter = option('exit-after')
const hangAfter = option('hang-after')
const garbageEvery = option('garbage-every')
const startedAt = clock.nowMs()
let lap = 0
let i = 0
let linesOut = 0
const lapMs = (offsets[offsets.length - 1] ?? 0) + (offsets[1] ?? 100)

function tick(): void {
  const now = clock.nowMs()
  while (i < records.length && startedAt + (lap * lapMs + (offsets[i] ?? 0)) / speed <= now) {
    const dueMs = startedAt + (lap * lapMs + (offsets[i] ?? 0)) / speed
    const record = records[i]
    i++
    if (!record) continue
    for (let gpu = 0; gpu < gpus; gpu++) {
      if (exitAfter !== null && linesOut >= exitAfter) {
        process.stderr.write('Unable to determine the device handle for GPU0000:01:00.0: Unknown Error\n')
        process.exit(15)
      }
      if (hangAfter !== null && linesOut >= hangAfter) {
        setInterval(() => undefined, 60_000) // stays alive, prints nothing more
        return
      }
      if (garbageEvery !== null && linesOut > 0 && linesOut % garbageEvery === 0) {
        process.stdout.write('ERR! , ##garbage## , [Unknown Error], 12\n')
      }
      // Stamped when it was due, as nvidia-smi stamps when it samples: a late timer never repeats an instant.
      const line = `${query?.map((f) => cell(f, record, gpu, new Date(dueMs))).join(', ')}\n`
      process.stdout.write(line)
      if (echo) appendFileSync(echo, line)
      linesOut++
    }
  }
  if (i >= records.length) {
    if (mode.includes('once')) process.exit(0)
    lap++
    i = 0
  }
  const next = startedAt + (lap * lapMs + (offsets[i] ?? 0)) / speed
  setTimeout(tick, Math.max(0, next - clock.nowMs()))
}

const loadFile = env.WATTPRINT_FAKE_SMI_LOAD_FILE
if (loadFile) {
  // A power meter: idle or load power, read each interval from the file a stand-in server writes.
  const intervalMs = Number(args[args.indexOf('-lms') + 1] ?? 100) || 100
  const idleW = Number(env.WATTPRINT_FAKE_SMI_IDLE_W ?? 30)
  const loadW = Number(env.WATTPRINT_FAKE_SMI_LOAD_W ?? 230)
  const base = records[0]
  const meter = (): void => {
    let busy: boolean
    try {
      busy = readFileSync(loadFile, 'utf8').startsWith('1')
    } catch {
      busy = false
    }
    const now = new Date(clock.nowMs())
    for (let gpu = 0; gpu < gpus; gpu++) {
      if (!base) break
      const record: NvidiaRecord = { ...base, powerW: busy ? loadW : idleW, utilPct: busy ? 97 : 0 }
      process.stdout.write(
        `${query?.map((f) => (f === 'power.draw' ? (noUnits ? record.powerW?.toFixed(2) : `${record.powerW?.toFixed(2)} W`) : cell(f, record, gpu, now))).join(', ')}\n`,
      )
    }
  }
  process.on('SIGTERM', () => process.exit(0))
  process.stdout.on('error', () => process.exit(0))
  meter()
  setInterval(meter, intervalMs)
} else {
  const isLooping = args.includes('-lms') || args.includes('-l') || args.some((a) => a.startsWith('--loop'))
  if (!isLooping) {
    // One-shot query: print the first reading and exit, as nvidia-smi does.
    const record = records[0]
    if (record) for (let gpu = 0; gpu < gpus; gpu++) process.stdout.write(`${query.map((f) => cell(f, record, gpu, new Date(clock.nowMs()))).join(', ')}\n`)
    process.exit(0)
  }
  process.on('SIGTERM', () => process.exit(0))
  // The reader went away (e.g. `| head`): stop quietly, as nvidia-smi does.
  process.stdout.on('error', () => process.exit(0))
  tick()
}
