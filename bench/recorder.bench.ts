// What the recorder costs: its own CPU (the `record` command's process.cpuUsage(), start-up
// excluded) per hour of recording, at 1, 4 and 8 GPUs and 1 and 10 Hz, through NVML (the stand-in
// library, in process) and the nvidia-smi stream; and the stream against one nvidia-smi run per sample.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { defaultSettings } from '../src-main/api/services/settings.service.ts'
import { openDatabase } from '../src-main/store/database.ts'
import { SettingsStore } from '../src-main/store/settings-store.ts'
import { DEMO_TRACE, FAKE_SMI_DIR, REPO_ROOT, tempDir } from '../test/helpers.ts'
import { isolatedMachineEnv } from '../test/isolated-machine.ts'
import { buildNvmlStandIn } from '../test/stand-ins/nvml/build.ts'
import { parseRecord, streamColumnMap } from '../src-main/telemetry/parsers/nvidia-smi-csv.parse.ts'
import { repeat, rowFrom, type BenchRow } from './harness.ts'

const run = promisify(execFile)

/** A database whose recorder samples every `intervalMs`. */
function databaseSampling(intervalMs: number): string {
  const path = join(tempDir('wattprint-bench-rec-'), 'r.db')
  const db = openDatabase(path)
  new SettingsStore(db, defaultSettings('en')).update({ sampleIntervalMs: intervalMs })
  db.close()
  return path
}

async function recordSteadyCpu(seconds: number, intervalMs: number, env: Record<string, string>): Promise<{ cpuS: number; seconds: number; readings: number }> {
  const { stdout } = await run(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'wattprint.js'), 'record', '--db', databaseSampling(intervalMs), '--duration', String(seconds), '--json'],
    {
      env: { ...process.env, ...isolatedMachineEnv(), ...env },
    },
  )
  const out = JSON.parse(stdout) as { samples: number; steady: { cpuS: number; seconds: number } | null }
  if (out.samples === 0) throw new Error(`recorder bench: no readings (${JSON.stringify(env)})`)
  if (!out.steady) throw new Error('recorder bench: the run was too short for a steady state')
  return { ...out.steady, readings: out.samples }
}

/**
 * CPU seconds per hour of recording in steady state: what `record` measures of its own CPU
 * (process.cpuUsage()) from its 10th second to the stop, over that time. The first seconds
 * (modules compiled on first use, the first probe) and the shutdown are an hour's cost once; in
 * one process they do not add the start-up's variation to the figure, as a long-minus-short
 * difference of two runs did (±40 % here).
 */
async function recorderCpuPerHour(seconds: number, intervalMs: number, env: Record<string, string>): Promise<number> {
  const steady = await recordSteadyCpu(seconds, intervalMs, env)
  return (steady.cpuS / steady.seconds) * 3600
}

/** The Qwen3-ASR trace thinned to one reading a second: a real 1 Hz log for the fake nvidia-smi. */
function oneHertzTrace(dir: string): string {
  const [header, ...rows] = readFileSync(DEMO_TRACE, 'utf8').trim().split('\n')
  const path = join(dir, 'trace-1hz.csv')
  writeFileSync(path, [header, ...rows.filter((_, i) => i % 10 === 0)].join('\n') + '\n')
  return path
}

/** CPU time of this process's finished children (utime + stime from /proc/self/stat), ms. */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? []
  return ((Number(fields[13]) || 0) + (Number(fields[14]) || 0)) * 10
}

/**
 * One nvidia-smi run per sample, the alternative to the long-lived stream: CPU per run in this
 * process plus the child, with a native stand-in (sh printing one CSV line; the real nvidia-smi
 * also loads NVML and queries the driver, so this is the floor of that alternative).
 */
async function spawnPerSampleCpuMs(runs: number): Promise<number> {
  const line =
    '2026/11/29 12:00:00.000, 0, GPU-5f3c9b1e-0000-4000-8000-000000000000, NVIDIA GeForce RTX 4090, 230.00, 450.00, 97, 41, 19691, 24564, 66, 2520, P2'
  const before = process.cpuUsage()
  const childBefore = childrenCpuMs()
  for (let i = 0; i < runs; i++) await run('/bin/sh', ['-c', `printf '%s\\n' '${line}'`])
  const own = process.cpuUsage(before)
  return ((own.user + own.system) / 1000 + (childrenCpuMs() - childBefore)) / runs
}

/** CPU per line of an nvidia-smi stream through the reader's own line splitting and parsing, µs. */
function streamLineUs(): number {
  const map = streamColumnMap()
  const line =
    '2026/11/29 12:00:00.000, 0, GPU-5f3c9b1e-0000-4000-8000-000000000000, NVIDIA GeForce RTX 4090, 230.00, 450.00, 97, 41, 19691, 24564, 66, 2520, P2'
  const chunk = Buffer.from(`${line}\n`.repeat(1000))
  const before = process.cpuUsage()
  let ok = 0
  for (let i = 0; i < 50; i++) {
    for (const l of chunk.toString('utf8').split('\n')) if (l && parseRecord(l, map).ok) ok++
  }
  const used = process.cpuUsage(before)
  if (ok !== 50_000) throw new Error('stream bench: lines refused')
  return (used.user + used.system) / ok
}

export async function benchRecorder(opts: { quick: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  // Runs of this many seconds: the steady state is counted from the 10th.
  const seconds = opts.quick ? 25 : 45
  const nvml = buildNvmlStandIn()
  const group = 'Recorder CPU per hour'
  for (const gpus of [1, 4, 8]) {
    for (const hz of [1, 10]) {
      const env = { WATTPRINT_NVML_LIBRARY: nvml, WATTPRINT_NVML_DEVICES: String(gpus), WATTPRINT_NVML_IDLE_W: '35' }
      const results = await repeat(opts.quick || hz !== 1 || gpus > 4 ? 1 : 3, () => recorderCpuPerHour(seconds, 1000 / hz, env))
      rows.push(
        rowFrom(results, {
          id: `recorder.cpu.nvml.${gpus}gpu.${hz}hz`,
          group,
          label: `NVML (koffi, stand-in library), ${gpus} GPU${gpus > 1 ? 's' : ''}, ${hz} Hz`,
          unit: 'CPU s/h',
          // 0.1 % of a core for up to 4 GPUs at 1 Hz; the others show how the cost grows.
          target: hz === 1 && gpus <= 4 ? { op: '<=', value: 3.6 } : null,
        }),
      )
    }
  }
  // A driver whose energy-counter read costs what an H200's does (3.9 ms of CPU: an RPC to the GPU's
  // firmware; test/fixtures/nvidia-h200/nvml-cost.json): the counter every 30 s against every poll.
  for (const gpus of [1, 4]) {
    const env = { WATTPRINT_NVML_LIBRARY: nvml, WATTPRINT_NVML_DEVICES: String(gpus), WATTPRINT_NVML_IDLE_W: '35', WATTPRINT_NVML_ENERGY_COST_US: '3900' }
    const paced = await repeat(opts.quick ? 1 : 3, () => recorderCpuPerHour(seconds, 1000, env))
    const everyPoll = await repeat(1, () => recorderCpuPerHour(seconds, 1000, { ...env, WATTPRINT_NVML_COUNTER_MS: '0' }))
    rows.push(
      rowFrom(paced, {
        id: `recorder.cpu.nvml-h200-counter.${gpus}gpu.1hz`,
        group,
        label: `NVML with an H200's 3.9 ms counter read, ${gpus} GPU${gpus > 1 ? 's' : ''}, 1 Hz: counter every 30 s, power between`,
        unit: 'CPU s/h',
        target: { op: '<=', value: 3.6 },
        against: { label: 'the counter read at every poll', values: everyPoll },
      }),
    )
  }
  const dir = tempDir('wattprint-bench-rec-')
  const smiEnv = {
    PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`,
    WATTPRINT_FAKE_SMI_TRACE: oneHertzTrace(dir),
    WATTPRINT_FAKE_SMI_SPEED: '1',
  }
  const stream = await repeat(opts.quick ? 1 : 3, () => recorderCpuPerHour(seconds, 1000, smiEnv))
  const nvml1 = rows.find((r) => r.id === 'recorder.cpu.nvml.1gpu.1hz')
  rows.push(
    rowFrom(stream, {
      id: 'recorder.cpu.nvidia-smi.1gpu.1hz',
      group,
      label: 'nvidia-smi stream (nvidia-smi itself excluded), 1 GPU, 1 Hz',
      unit: 'CPU s/h',
      target: { op: '<=', value: 3.6 },
      ...(nvml1 ? { against: { label: 'NVML through koffi, same GPU and rate', values: [nvml1.median] } } : {}),
    }),
  )
  // Reading nvidia-smi: a line of the long-lived stream against one run per sample.
  const spawnUs = await repeat(3, async () => (await spawnPerSampleCpuMs(opts.quick ? 20 : 60)) * 1000)
  const lineUs = await repeat(3, () => streamLineUs())
  rows.push(
    rowFrom(lineUs, {
      id: 'read.nvidia-smi.stream',
      group: 'Per read, in this process',
      label: 'nvidia-smi: one line of the long-lived stream (read, split, parsed)',
      unit: 'µs CPU',
      target: null,
      against: { label: 'one nvidia-smi run per sample (native stand-in, child included)', values: spawnUs },
    }),
  )
  return rows
}
