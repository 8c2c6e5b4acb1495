// Benchmarks: what the monitor costs. `npm run bench` (about 2 minutes); figures go to stdout.
import { execFile } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { DEMO_TRACE, FAKE_SMI_DIR, REPO_ROOT, tempDir } from '../test/helpers.ts'
import type { Device, Sample } from '../src-main/contract/telemetry.ts'
import { openDatabase } from '../src-main/store/database.ts'
import type { IngestRow } from '../src-main/recording/sink.ts'
import { SampleStore } from '../src-main/store/sample-store.ts'
import { parseRecord, streamColumnMap } from '../src-main/telemetry/parsers/nvidia-smi-csv.parse.ts'
import { sourceEnv } from '../src-main/telemetry/env.ts'
import type { PollReader, TelemetrySource } from '../src-main/telemetry/source.ts'
import { drmHwmonSource } from '../src-main/telemetry/sources/drm-hwmon.source.ts'
import { nvmlSource } from '../src-main/telemetry/sources/nvml.source.ts'
import { nvidiaSmiSource } from '../src-main/telemetry/sources/nvidia-smi.source.ts'
import { ProcessSampler } from '../src-main/recording/process-sampler.ts'
import { raplSource } from '../src-main/telemetry/sources/rapl.source.ts'
import { isolatedMachineEnv } from '../test/isolated-machine.ts'
import { buildNvmlStandIn } from '../test/stand-ins/nvml/build.ts'
import { materializeSysfs } from '../test/sysfs-trees.ts'

const run = promisify(execFile)
const quick = process.argv.includes('--quick')

function line(i: number): string {
  return `2026/11/29 12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.123, 0, GPU-5f3c9b1e-0000-4000-8000-000000000000, NVIDIA GeForce RTX 4090, ${(200 + (i % 97)).toFixed(2)}, 450.00, 97, 41, 19691, 24564, 66, 2520, P2`
}

function benchParser(): void {
  const map = streamColumnMap()
  const lines = Array.from({ length: 100_000 }, (_, i) => line(i))
  const start = performance.now()
  let ok = 0
  for (const l of lines) if (parseRecord(l, map).ok) ok++
  const ms = performance.now() - start
  console.log(`parser: ${((ms * 1000) / lines.length).toFixed(2)} µs per nvidia-smi line (${ok} lines)`)
}

function benchStorage(): void {
  const dir = tempDir('wattprint-bench-')
  const path = join(dir, 'bench.db')
  const db = openDatabase(path)
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  const emptyBytes = statSync(path).size
  const store = new SampleStore(db)
  const device: Device = {
    deviceId: 'GPU-bench',
    index: 0,
    name: 'NVIDIA GeForce RTX 4090',
    memTotalB: 24564 * 1024 ** 2,
    source: 'nvidia-smi',
    domain: 'gpu',
    method: 'sampled-power',
  }
  const t0 = Date.UTC(2026, 10, 29)
  const rows: IngestRow[] = []
  const start = performance.now()
  for (let i = 0; i < 86_400; i++) {
    const powerW = 22 + ((i * 7919) % 300) + (i % 100) / 100
    const sample: Sample = {
      tMs: t0 + i * 1000,
      deviceId: device.deviceId,
      powerW,
      powerLimitW: 450,
      utilPct: i % 100,
      memUtilPct: (i * 3) % 100,
      memUsedB: 19691 * 1024 ** 2,
      tempC: 40 + (i % 40),
      smClockMhz: 210 + (i % 2300),
      pstate: i % 3 === 0 ? 8 : 2,
    }
    rows.push({ sample, device, energyJ: i === 0 ? null : powerW, intervalS: i === 0 ? null : 1, gap: false, method: i === 0 ? null : 'sampled-power' })
    // The recorder flushes every 5 s: 5 rows per transaction at 1 Hz.
    if (rows.length === 5) store.ingest(rows.splice(0))
  }
  store.ingest(rows.splice(0))
  const ms = performance.now() - start
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  const bytes = statSync(path).size - emptyBytes
  const totalsStart = performance.now()
  store.totals(t0, t0 + 86_400_000)
  const totalsMs = performance.now() - totalsStart
  db.close()
  console.log(`store: ${(bytes / 1024 / 1024).toFixed(1)} MiB per GPU-day at 1 Hz (${Math.round(bytes / 86_400)} B per reading, rollups included)`)
  console.log(`store: ${((ms * 1000) / 86_400).toFixed(1)} µs per reading to ingest in 5-reading transactions (${(ms / 1000).toFixed(1)} s for a day)`)
  console.log(`store: ${totalsMs.toFixed(1)} ms to total a whole day (minute rollups, raw samples at the edges)`)
}

/** The Qwen3-ASR trace thinned to one reading a second: a real 1 Hz log. */
function oneHertzTrace(dir: string): string {
  const [header, ...rows] = readFileSync(DEMO_TRACE, 'utf8').trim().split('\n')
  const path = join(dir, 'trace-1hz.csv')
  writeFileSync(path, [header, ...rows.filter((_, i) => i % 10 === 0)].join('\n') + '\n')
  return path
}

/** CPU time (user + system) of this process per read of one poll source's devices, µs. */
async function cpuPerRead(source: TelemetrySource, env: ReturnType<typeof sourceEnv>, reads: number): Promise<{ us: number; devices: number }> {
  const probe = await source.probe(env)
  if (probe.state !== 'ok') throw new Error(`${source.id}: ${probe.state} ${JSON.stringify(probe.message)} ${probe.raw ?? ''}`)
  const reader = source.open(env, probe.devices, { intervalMs: 1000 }) as PollReader
  await reader.read()
  const before = process.cpuUsage()
  for (let i = 0; i < reads; i++) await reader.read()
  const used = process.cpuUsage(before)
  reader.close()
  return { us: (used.user + used.system) / reads, devices: probe.devices.length }
}

/** Each poll source's own cost per read, in this process: NVML through koffi, sysfs files (RAPL, amdgpu hwmon). */
async function benchSources(): Promise<void> {
  const clock = { nowMs: () => Date.now() }
  const sys = materializeSysfs(
    { 'class/drm': 'amd/lact-sysfs__rx7900xtx', 'class/powercap': 'intel/codecarbon-rapl-laptop-psys' },
    tempDir('wattprint-bench-sys-'),
  )
  const env = sourceEnv({ sysfsRoot: sys, nvmlLibrary: buildNvmlStandIn(), clock })
  const reads = quick ? 2000 : 20_000
  const nvml = await cpuPerRead(nvmlSource, env, reads)
  console.log(
    `source nvml (koffi → stand-in libnvidia-ml.so): ${nvml.us.toFixed(1)} µs CPU per read of ${nvml.devices} GPU (counter, power, use, memory, temperature, clock, P-state)`,
  )
  const rapl = await cpuPerRead(raplSource, env, reads)
  console.log(`source rapl (powercap files): ${rapl.us.toFixed(1)} µs CPU per read (package-0 and its DRAM counters; psys is shown, never read each poll)`)
  const drm = await cpuPerRead(drmHwmonSource, env, reads)
  console.log(`source drm-hwmon (amdgpu hwmon files): ${drm.us.toFixed(1)} µs CPU per read of ${drm.devices} GPU`)
}

/** CPU time of this process's finished children (utime + stime from /proc/self/stat), ms. */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? []
    // After "pid (comm) ": state is field 3; cutime and cstime are fields 16 and 17, in clock ticks (100 Hz).
    return ((Number(fields[13]) || 0) + (Number(fields[14]) || 0)) * 10
  } catch {
    return Number.NaN
  }
}

/** What reading the processes on the GPUs costs (attribution samples every 10 s): NVML in process, nvidia-smi as two child runs. */
async function benchAttribution(): Promise<void> {
  const clock = { nowMs: () => Date.now() }
  const reads = quick ? 200 : 2000
  Object.assign(process.env, { WATTPRINT_NVML_PROCS: '0:4242:ollama_llama_server:80:5200;0:5151:python3:15:2048;0:777:ComfyUI:5:1024' })
  const env = sourceEnv({ nvmlLibrary: buildNvmlStandIn(), clock })
  const probe = await nvmlSource.probe(env)
  const nvmlReader = nvmlSource.processes?.(env, probe.devices)
  if (!nvmlReader) throw new Error('nvml has no process reader')
  const sampler = new ProcessSampler({ readers: [nvmlReader], devices: () => probe.devices, intervalMs: 10_000 })
  for (let i = 0; i < reads; i++) await sampler.sample()
  const nvmlUs = sampler.cpuUs / sampler.reads
  console.log(
    `attribution, nvml (koffi → stand-in): ${nvmlUs.toFixed(1)} µs CPU per read of 3 processes → ${((nvmlUs * 360) / 1000).toFixed(1)} ms CPU per hour at one read every 10 s`,
  )
  sampler.stop()

  const smiEnv = sourceEnv({ nvidiaSmi: join(FAKE_SMI_DIR, 'nvidia-smi'), clock })
  process.env.WATTPRINT_FAKE_SMI_PROCS = '0:4242:ollama_llama_server:80:5200:C;0:5151:python3:15:2048:C;0:777:Xorg:-:300:G'
  const smiReader = nvidiaSmiSource.processes?.(smiEnv, [])
  if (!smiReader) throw new Error('nvidia-smi has no process reader')
  const devices = [{ deviceId: 'GPU-fa4e0000-0000-4000-8000-000000000000', index: 0, source: 'nvidia-smi' }]
  const smiSampler = new ProcessSampler({ readers: [smiReader], devices: () => devices, intervalMs: 10_000 })
  const runs = quick ? 10 : 50
  const childBefore = childrenCpuMs()
  for (let i = 0; i < runs; i++) await smiSampler.sample()
  const childMs = (childrenCpuMs() - childBefore) / runs
  const parentMs = smiSampler.cpuUs / smiSampler.reads / 1000
  console.log(
    `attribution, nvidia-smi (pmon + query-compute-apps, stand-in executables): ${parentMs.toFixed(2)} ms CPU in Wattprint + ${childMs.toFixed(0)} ms in the two child runs per read → ${(((parentMs + childMs) * 360) / 1000).toFixed(1)} s CPU per hour at one read every 10 s (the stand-in is a Node script; the real nvidia-smi is native)`,
  )
}

async function benchRecorder(label: string, seconds: number, speed: number, extraEnv: Record<string, string> = {}): Promise<void> {
  const dir = tempDir('wattprint-bench-')
  const { stdout } = await run(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'wattprint.js'), 'record', '--db', join(dir, 'r.db'), '--duration', String(seconds), '--json'],
    {
      env: {
        ...process.env,
        PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`,
        WATTPRINT_FAKE_SMI_TRACE: oneHertzTrace(dir),
        WATTPRINT_FAKE_SMI_SPEED: String(speed),
        ...extraEnv,
      },
    },
  )
  const out = JSON.parse(stdout) as { cpuS: number; samples: number; durationS: number }
  const sampledSeconds = out.samples // one reading per sampled second
  const cpuPerHour = (out.cpuS / sampledSeconds) * 3600
  console.log(
    `recorder (${label}): ${out.cpuS.toFixed(2)} CPU s for ${out.samples} readings in ${out.durationS.toFixed(0)} s → ${cpuPerHour.toFixed(1)} CPU s per hour of 1 Hz sampling (start-up excluded)`,
  )
}

console.log(`node ${process.version}, ${process.platform} ${process.arch}`)
// This machine's own telemetry (a real /sys, a real GPU) stays out of the figures: each bench names its sources.
Object.assign(process.env, isolatedMachineEnv())
benchParser()
benchStorage()
await benchSources()
await benchAttribution()
await benchRecorder('nvidia-smi stream, 1 Hz in real time', quick ? 15 : 60, 1)
// The same hour of the same GPU through NVML instead: one poll a second, no child process.
await benchRecorder('NVML through koffi, 1 Hz in real time', quick ? 15 : 60, 1, { WATTPRINT_NVML_LIBRARY: buildNvmlStandIn(), WATTPRINT_NVML_IDLE_W: '35' })
await benchRecorder('an hour of 1 Hz readings at 60×', quick ? 10 : 60, 60)
