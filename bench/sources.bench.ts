// Per-read cost of each telemetry source and parser in this process, and of reading the GPU's processes.
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { FAKE_SMI_DIR, tempDir } from '../test/helpers.ts'
import { parseRecord, streamColumnMap } from '../src-main/telemetry/parsers/nvidia-smi-csv.parse.ts'
import { sourceEnv } from '../src-main/telemetry/env.ts'
import type { PollReader, TelemetrySource } from '../src-main/telemetry/source.ts'
import { drmHwmonSource } from '../src-main/telemetry/sources/drm-hwmon.source.ts'
import { nvmlSource } from '../src-main/telemetry/sources/nvml.source.ts'
import { nvidiaSmiSource } from '../src-main/telemetry/sources/nvidia-smi.source.ts'
import { ProcessSampler } from '../src-main/recording/process-sampler.ts'
import { raplSource } from '../src-main/telemetry/sources/rapl.source.ts'
import { buildNvmlStandIn } from '../test/stand-ins/nvml/build.ts'
import { materializeSysfs } from '../test/sysfs-trees.ts'
import { repeat, rowFrom, type BenchRow } from './harness.ts'

function line(i: number): string {
  return `2026/11/29 12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.123, 0, GPU-5f3c9b1e-0000-4000-8000-000000000000, NVIDIA GeForce RTX 4090, ${(200 + (i % 97)).toFixed(2)}, 450.00, 97, 41, 19691, 24564, 66, 2520, P2`
}

const GROUP = 'Per read, in this process'

/** µs per nvidia-smi stream line parsed. */
function parserUs(): number {
  const map = streamColumnMap()
  const lines = Array.from({ length: 100_000 }, (_, i) => line(i))
  const start = performance.now()
  let ok = 0
  for (const l of lines) if (parseRecord(l, map).ok) ok++
  if (ok !== lines.length) throw new Error(`parser bench: ${lines.length - ok} lines refused`)
  return ((performance.now() - start) * 1000) / lines.length
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

/** Each source's own cost per read: NVML through koffi, sysfs files (RAPL, amdgpu hwmon), the nvidia-smi line parser, and process reads for attribution. */
export async function benchSources(opts: { quick: boolean }): Promise<BenchRow[]> {
  const runs = opts.quick ? 3 : 5
  const clock = { nowMs: () => Date.now() }
  const sys = materializeSysfs(
    { 'class/drm': 'amd/lact-sysfs__rx7900xtx', 'class/powercap': 'intel/codecarbon-rapl-laptop-psys' },
    tempDir('wattprint-bench-sys-'),
  )
  const env = sourceEnv({ sysfsRoot: sys, nvmlLibrary: buildNvmlStandIn(), clock })
  const reads = opts.quick ? 2000 : 10_000
  const rows: BenchRow[] = [
    rowFrom(await repeat(runs, parserUs), { id: 'read.parser.nvidia-smi', group: GROUP, label: 'nvidia-smi stream line parsed', unit: 'µs', target: null }),
  ]
  for (const [id, source, label] of [
    ['nvml', nvmlSource, 'NVML read of 1 GPU (koffi → stand-in library: counter, power, use, memory, temperature, clock, P-state)'],
    ['rapl', raplSource, 'RAPL read (powercap files: package-0 and its DRAM counters)'],
    ['drm-hwmon', drmHwmonSource, 'amdgpu hwmon read of 1 GPU (sysfs files)'],
  ] as const) {
    const us = await repeat(runs, async () => (await cpuPerRead(source, env, reads)).us)
    rows.push(rowFrom(us, { id: `read.${id}`, group: GROUP, label, unit: 'µs CPU', target: null }))
  }

  // Attribution reads the processes every 10 s.
  Object.assign(process.env, { WATTPRINT_NVML_PROCS: '0:4242:ollama_llama_server:80:5200;0:5151:python3:15:2048;0:777:ComfyUI:5:1024' })
  const probe = await nvmlSource.probe(env)
  const nvmlReader = nvmlSource.processes?.(env, probe.devices)
  if (!nvmlReader) throw new Error('nvml has no process reader')
  const procUs = await repeat(runs, async () => {
    const sampler = new ProcessSampler({ readers: [nvmlReader], devices: () => probe.devices, intervalMs: 10_000 })
    for (let i = 0; i < (opts.quick ? 200 : 1000); i++) await sampler.sample()
    sampler.stop()
    return sampler.cpuUs / sampler.reads
  })
  rows.push(
    rowFrom(procUs, {
      id: 'read.processes.nvml',
      group: GROUP,
      label: 'GPU processes through NVML (3 processes, named and classified; every 10 s)',
      unit: 'µs CPU',
      target: null,
    }),
  )
  const smiEnv = sourceEnv({ nvidiaSmi: join(FAKE_SMI_DIR, 'nvidia-smi'), clock })
  process.env.WATTPRINT_FAKE_SMI_PROCS = '0:4242:ollama_llama_server:80:5200:C;0:5151:python3:15:2048:C;0:777:Xorg:-:300:G'
  const smiReader = nvidiaSmiSource.processes?.(smiEnv, [])
  if (!smiReader) throw new Error('nvidia-smi has no process reader')
  const devices = [{ deviceId: 'GPU-fa4e0000-0000-4000-8000-000000000000', index: 0, source: 'nvidia-smi' }]
  const smiUs = await repeat(1, async () => {
    const sampler = new ProcessSampler({ readers: [smiReader], devices: () => devices, intervalMs: 10_000 })
    for (let i = 0; i < (opts.quick ? 5 : 20); i++) await sampler.sample()
    sampler.stop()
    return sampler.cpuUs / sampler.reads
  })
  rows.push(
    rowFrom(smiUs, {
      id: 'read.processes.nvidia-smi',
      group: GROUP,
      label: "GPU processes through nvidia-smi pmon + query-compute-apps (Wattprint's side; the two child runs apart)",
      unit: 'µs CPU',
      target: null,
    }),
  )
  return rows
}
