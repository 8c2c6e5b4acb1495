// Import of an nvidia-smi log through the CLI against the sqlite3 shell loading the same CSV
// (`.import`, rows as text, no checks): what parsing, checking, integration and rollups cost.
import { execFile } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { BIN, tempDir } from '../test/helpers.ts'
import { isolatedMachineEnv } from '../test/isolated-machine.ts'
import { repeat, rowFrom, type BenchRow } from './harness.ts'

const run = promisify(execFile)

const HEADER =
  'timestamp, index, uuid, name, power.draw [W], power.limit [W], utilization.gpu [%], utilization.memory [%], memory.used [MiB], memory.total [MiB], temperature.gpu, clocks.sm [MHz], pstate'

/** A log of `seconds` at 1 Hz for `gpus` GPUs, as `nvidia-smi --query-gpu=… -l 1` writes it. */
async function writeLog(path: string, seconds: number, gpus: number): Promise<number> {
  const out = createWriteStream(path)
  out.write(`${HEADER}\n`)
  const t0 = Date.UTC(2026, 10, 1)
  let lines = 0
  for (let i = 0; i < seconds; i++) {
    const d = new Date(t0 + i * 1000)
    const ts = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`
    let chunk = ''
    for (let g = 0; g < gpus; g++) {
      const busy = Math.floor(i / 600) % 2 === 1
      const power = (busy ? 300 : 22) + ((i * 7919 + g * 31) % 997) / 100
      chunk += `${ts}, ${g}, GPU-5f3c9b1e-000${g}-4000-8000-000000000000, NVIDIA GeForce RTX 4090, ${power.toFixed(2)} W, 450.00 W, ${busy ? 97 : 0} %, ${busy ? 41 : 0} %, 19691 MiB, 24564 MiB, ${busy ? 66 : 40}, ${busy ? 2520 : 210} MHz, ${busy ? 'P2' : 'P8'}\n`
      lines++
    }
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r))
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
  return lines
}

async function sqlite3Available(): Promise<boolean> {
  try {
    await run('sqlite3', ['-version'])
    return true
  } catch {
    return false
  }
}

export async function benchImport(opts: { quick: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const shellThere = await sqlite3Available()
  // A day (start-up weighs) and, in a full run, two days (spread over more lines; 57 MB, under the 64 MiB import limit).
  for (const days of opts.quick ? [20_000 / 86_400] : [1, 2]) {
    const dir = tempDir('wattprint-bench-import-')
    const log = join(dir, 'two-gpus.csv')
    const lines = await writeLog(log, Math.round(days * 86_400), 2)
    const runs = opts.quick ? 2 : 3
    const ours = await repeat(runs, async (i) => {
      const start = performance.now()
      await run(process.execPath, [BIN, 'import', 'nvidia-smi-csv', log, '--tz', 'UTC', '--db', join(dir, `w${i}.db`), '--json'], {
        env: { ...process.env, ...isolatedMachineEnv() },
        maxBuffer: 64 * 1024 * 1024,
      })
      return lines / ((performance.now() - start) / 1000)
    })
    const label = `${days >= 1 ? `${days} day${days > 1 ? 's' : ''}` : 'part of a day'} of 1 Hz readings for 2 GPUs (${lines.toLocaleString('en')} lines), whole CLI run`
    const id = `import.nvidia-smi.${lines}`
    if (!shellThere) {
      rows.push(
        rowFrom(ours, {
          id,
          group: 'Import of an nvidia-smi log',
          label,
          unit: 'readings/s',
          target: null,
          note: 'sqlite3 shell not installed: no comparison (apt install sqlite3)',
        }),
      )
      continue
    }
    const shell = await repeat(runs, async (i) => {
      const start = performance.now()
      await run('sqlite3', [join(dir, `s${i}.db`), '.mode csv', `.import ${log} readings`])
      return lines / ((performance.now() - start) / 1000)
    })
    const row = rowFrom(ours, {
      id,
      group: 'Import of an nvidia-smi log',
      label,
      unit: 'readings/s',
      target: null,
      against: { label: 'sqlite3 .import of the same file', values: shell },
    })
    // Higher is better: the target is half sqlite3's rate ("within 2×").
    const slower = (row.comparison?.median ?? Number.NaN) / row.median
    row.note = `${slower.toFixed(2)}× slower than sqlite3 .import (target ≤ 2×)`
    row.target = { op: '>=', value: (row.comparison?.median ?? 0) / 2 }
    rows.push(row)
  }
  return rows
}
