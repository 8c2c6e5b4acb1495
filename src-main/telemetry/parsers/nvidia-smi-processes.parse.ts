import { bytesFromMiB } from '../../contract/units.ts'
import { withoutControls } from '../../core/text.ts'
import { isMissingToken, parseNumericCell } from './nvidia-smi-csv.parse.ts'

/** `nvidia-smi pmon`, one sample, utilisation (`u`: sm, mem, enc, dec, …) and memory (`m`: fb, ccpm) per process. */
export const PMON_ARGS: readonly string[] = ['pmon', '-c', '1', '-s', 'um']

/** The compute processes and their GPU memory, as the app asks for them (no header, bare MiB). */
export const COMPUTE_APPS_ARGS: readonly string[] = ['--query-compute-apps=gpu_uuid,pid,process_name,used_gpu_memory', '--format=csv,noheader,nounits']

/** The columns of COMPUTE_APPS_ARGS, in order: the column map of text without a header line. */
const COMPUTE_APPS_COLUMNS: readonly ComputeAppsField[] = ['uuid', 'pid', 'name', 'memory']

/** One process on one GPU, as nvidia-smi listed it. Unknown values are null, never 0. */
export interface GpuProcessRow {
  /** nvidia-smi's device index (pmon); null where the listing names the GPU by UUID only. */
  gpuIndex: number | null
  /** `GPU-…` (the parent GPU's, also for a process on a MIG instance); null where the listing has none (pmon). */
  gpuUuid: string | null
  /** A positive integer: rows without one are skipped, never given a made-up pid. */
  pid: number
  /** pmon's C / G / C+G; null for `-` or a type this parser does not know. */
  type: 'compute' | 'graphics' | 'compute+graphics' | null
  /** Share of the last sampling window the process had kernels running on the SMs, %, 0–100. */
  smPct: number | null
  /** Share of that window the process was reading or writing device memory, %, 0–100 (not a memory size). */
  memPct: number | null
  /** Device memory the process holds, B. */
  usedMemoryB: number | null
  /** Printable process name (pmon cuts it to 15 characters; compute-apps gives the path), at most 256 characters; '' when none. */
  name: string
}

/** A line that was not turned into a row, with its 1-based number and why. */
export interface SkippedLine {
  line: number
  detail: string
}

/** What a parser made of a listing: the rows it could read and the lines it could not. Never throws. */
export interface GpuProcessList {
  rows: GpuProcessRow[]
  skipped: SkippedLine[]
}

export const MAX_PROCESS_NAME_CHARS = 256
/** Highest pid any OS hands out: Linux caps pid_max at 2^22, Windows pids are 32-bit. */
const MAX_PID = 0xffff_ffff
/** nvidia-smi's device index; no machine has more GPUs than this. */
const MAX_GPU_INDEX = 255
const UUID_PATTERN = /^(GPU|MIG)-[0-9A-Za-z/_-]{1,96}$/

/**
 * A process name safe to show: control characters (terminal escapes included) and bidirectional
 * overrides removed, padding trimmed, at most 256 characters. Spaces inside are kept: Windows and
 * macOS names have them (`NVIDIA Overlay.exe`, `LM Studio Helper`).
 */
export function sanitizeProcessName(text: string): string {
  return withoutControls(text).trim().slice(0, MAX_PROCESS_NAME_CHARS).trim()
}

/** `1234` → 1234; null for anything that is not a pid (`-`, `0`, `12a`, `-5`, `1e3`, too large). */
function parsePid(cell: string): number | null {
  if (!/^\d{1,10}$/.test(cell)) return null
  const pid = Number(cell)
  return pid >= 1 && pid <= MAX_PID ? pid : null
}

/** A cell quoted in a skip reason: printable and short. */
function quoted(cell: string): string {
  return JSON.stringify(sanitizeProcessName(cell).slice(0, 40))
}

// --- nvidia-smi pmon ------------------------------------------------------------------------

const PMON_TYPES: Readonly<Record<string, GpuProcessRow['type']>> = { C: 'compute', G: 'graphics', 'C+G': 'compute+graphics' }

type Cell = { ok: true; value: number | null } | { ok: false }

/** pmon's `-` is "not available", never 0; a percentage is a number from 0 to 100. */
function pmonPercent(cell: string): Cell {
  if (cell === '-') return { ok: true, value: null }
  if (!/^\d{1,3}(\.\d{1,3})?$/.test(cell)) return { ok: false }
  const value = Number(cell)
  return value <= 100 ? { ok: true, value } : { ok: false }
}

/** pmon's fb column is in "MB" that are MiB (NVML's bytes ÷ 2^20): returned in B. */
function pmonFramebuffer(cell: string): Cell {
  if (cell === '-') return { ok: true, value: null }
  if (!/^\d{1,9}$/.test(cell)) return { ok: false }
  return { ok: true, value: bytesFromMiB(Number(cell)) }
}

/** `# gpu pid type sm mem … command` (also `#Date Time gpu pid …` with `-o DT`): the column names, or null for another comment. */
function pmonHeader(line: string): string[] | null {
  const names = line.replace(/^#/, '').trim().toLowerCase().split(/\s+/)
  return names.includes('gpu') && names.includes('pid') ? names : null
}

/**
 * The process rows of `nvidia-smi pmon` (PMON_ARGS), columns found by the header's names, never by
 * position: drivers differ (`sm mem enc dec fb`, `fb ccpm sm mem enc dec jpg ofa`, or no `fb`
 * without `-s m`), and some print two headers, the second being the real one, so the latest wins.
 * The command is the last column and may hold spaces (`NVIDIA Overlay.`, `chrome --type=g`).
 *
 * With several samples (`-c 5`), only the last one's rows come back. A sample ends where a
 * (gpu, pid) already seen in it comes again, or where the GPU index goes down (pmon lists GPUs in
 * order within a sample). The header is not a boundary: pmon reprints it every so many lines, in
 * the middle of a sample as readily as between two (the Windows captures show it). A row whose pid
 * is `-` says a GPU has no process: it marks the sample but is not a row.
 *
 * Every line that is not understood is skipped with its reason, from whichever sample.
 */
export function parsePmon(text: string): GpuProcessList {
  const skipped: SkippedLine[] = []
  let columns: string[] | null = null
  let sample: GpuProcessRow[] = []
  let seen = new Set<string>()
  let lastGpu = -1

  const lines = text.split(/\r?\n|\r/)
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    const line = lines[i] ?? ''
    if (line.trim() === '') continue
    if (line.trimStart().startsWith('#')) {
      columns = pmonHeader(line.trimStart()) ?? columns
      continue
    }
    if (columns === null) {
      skipped.push({ line: lineNo, detail: 'a process row before any "# gpu pid …" header line' })
      continue
    }
    const parsed = pmonRow(line, columns)
    if (!parsed.ok) {
      skipped.push({ line: lineNo, detail: parsed.detail })
      continue
    }
    const { gpu, row } = parsed
    const key = `${gpu}:${row?.pid ?? '-'}`
    if (seen.has(key) || gpu < lastGpu) {
      sample = []
      seen = new Set()
    }
    seen.add(key)
    lastGpu = gpu
    if (row) sample.push(row)
  }
  return { rows: sample, skipped }
}

type PmonRow = { ok: true; gpu: number; row: GpuProcessRow | null } | { ok: false; detail: string }

function pmonRow(line: string, columns: readonly string[]): PmonRow {
  // The command is free text at the end; every other column is one word.
  const commandAt = columns.indexOf('command')
  const words = commandAt === columns.length - 1 ? columns.length - 1 : columns.length
  const cells: string[] = []
  const word = /\S+/g
  let end = 0
  for (let m = word.exec(line); m !== null && cells.length < words; m = word.exec(line)) {
    cells.push(m[0])
    end = word.lastIndex
  }
  if (cells.length < words) return { ok: false, detail: `expected ${columns.length} columns, got ${cells.length}` }
  const cell = (name: string): string | null => {
    const at = columns.indexOf(name)
    return at < 0 || at >= words ? null : (cells[at] ?? null)
  }

  const gpuCell = cell('gpu') ?? ''
  const gpu = /^\d{1,3}$/.test(gpuCell) ? Number(gpuCell) : Number.NaN
  if (!(gpu <= MAX_GPU_INDEX)) return { ok: false, detail: `gpu ${quoted(gpuCell)} is not a device index` }
  const pidCell = cell('pid') ?? ''
  if (pidCell === '-') return { ok: true, gpu, row: null }
  const pid = parsePid(pidCell)
  if (pid === null) return { ok: false, detail: `pid ${quoted(pidCell)} is not a positive integer` }

  const sm = pmonPercent(cell('sm') ?? '-')
  if (!sm.ok) return { ok: false, detail: `sm ${quoted(cell('sm') ?? '')} is not a percentage` }
  const mem = pmonPercent(cell('mem') ?? '-')
  if (!mem.ok) return { ok: false, detail: `mem ${quoted(cell('mem') ?? '')} is not a percentage` }
  const fb = pmonFramebuffer(cell('fb') ?? '-')
  if (!fb.ok) return { ok: false, detail: `fb ${quoted(cell('fb') ?? '')} is not a size in MB` }

  return {
    ok: true,
    gpu,
    row: {
      gpuIndex: gpu,
      gpuUuid: null,
      pid,
      // An unknown letter (a future process kind) keeps the process, its kind unknown.
      type: PMON_TYPES[cell('type') ?? '-'] ?? null,
      smPct: sm.value,
      memPct: mem.value,
      usedMemoryB: fb.value,
      name: commandAt < 0 ? '' : sanitizeProcessName(line.slice(end)),
    },
  }
}

// --- nvidia-smi --query-compute-apps -------------------------------------------------------------

type ComputeAppsField = 'uuid' | 'pid' | 'name' | 'memory'

/** Header names nvidia-smi prints for what was asked (`--help-query-compute-apps` gives both spellings). */
const COMPUTE_APPS_HEADER: Readonly<Record<string, ComputeAppsField>> = {
  gpu_uuid: 'uuid',
  pid: 'pid',
  process_name: 'name',
  name: 'name',
  used_gpu_memory: 'memory',
  used_memory: 'memory',
}

const MEMORY_UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: bytesFromMiB(1), GiB: 1024 ** 3 }
/** 4 TiB: above any board's memory; a bigger figure is a misread. */
const MAX_PROCESS_MEMORY_B = 4 * 1024 ** 4

interface ComputeAppsMap {
  fields: readonly (ComputeAppsField | null)[]
  /** Per column: the unit the header names (`used_gpu_memory [MiB]`), or null. */
  units: readonly (string | null)[]
}

/**
 * `timestamp, gpu_uuid, pid, process_name, used_gpu_memory [MiB]` → its map; null when the line is
 * not a header. Every cell must be a field name (letters, `_`, `.`): a data row always has a numeric
 * pid, so a process named `pid` cannot pass for a header.
 */
function computeAppsHeader(line: string): ComputeAppsMap | null {
  const fields: (ComputeAppsField | null)[] = []
  const units: (string | null)[] = []
  for (const cell of line.replace(/^\uFEFF/, '').split(',')) {
    const m = /^\s*([A-Za-z_.]+)\s*(?:\[([^\]]*)\])?\s*$/.exec(cell)
    if (!m) return null
    fields.push(COMPUTE_APPS_HEADER[(m[1] ?? '').toLowerCase()] ?? null)
    units.push(m[2] ?? null)
  }
  return fields.includes('pid') ? { fields, units } : null
}

/**
 * The rows of `nvidia-smi --query-compute-apps=…` in CSV: the app's own COMPUTE_APPS_ARGS (no
 * header, bare MiB) or, after a header line, any field order with units (`[MiB]` in the header,
 * `MiB` in the values), as nvidia_gpu_exporter's captures hold. Each row is a compute process
 * (type 'compute', no utilisation: this listing has none). `[N/A]` memory (Windows in WDDM mode,
 * where the OS manages memory) and `[Insufficient Permissions]` are null. A process name holding
 * commas is put back together. Never throws.
 */
export function parseComputeApps(text: string): GpuProcessList {
  const rows: GpuProcessRow[] = []
  const skipped: SkippedLine[] = []
  let map: ComputeAppsMap = { fields: COMPUTE_APPS_COLUMNS, units: COMPUTE_APPS_COLUMNS.map(() => null) }

  const lines = text.split(/\r?\n|\r/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line.trim() === '') continue
    // Older drivers print this instead of nothing when no compute process runs.
    if (/^\s*no running (compute )?processes found/i.test(line)) continue
    const header = computeAppsHeader(line)
    if (header) {
      map = header
      continue
    }
    const result = computeAppsRow(line, map)
    if (result.ok) rows.push(result.row)
    else skipped.push({ line: i + 1, detail: result.detail })
  }
  return { rows, skipped }
}

type ComputeAppsRow = { ok: true; row: GpuProcessRow } | { ok: false; detail: string }

function computeAppsRow(line: string, map: ComputeAppsMap): ComputeAppsRow {
  let parts = line.split(',')
  const nameAt = map.fields.indexOf('name')
  const extra = parts.length - map.fields.length
  // nvidia-smi never quotes: commas inside a name (a Windows path may have them) make extra cells.
  if (extra > 0 && nameAt >= 0) parts = [...parts.slice(0, nameAt), parts.slice(nameAt, nameAt + extra + 1).join(','), ...parts.slice(nameAt + extra + 1)]
  if (parts.length !== map.fields.length) return { ok: false, detail: `expected ${map.fields.length} cells, got ${parts.length}` }
  const cells = parts.map((p) => p.trim())
  const cell = (field: ComputeAppsField): string | null => {
    const at = map.fields.indexOf(field)
    return at < 0 ? null : (cells[at] ?? null)
  }

  const pidCell = cell('pid') ?? ''
  const pid = parsePid(pidCell)
  if (pid === null) return { ok: false, detail: `pid ${quoted(pidCell)} is not a positive integer` }

  const uuidCell = cell('uuid')
  let gpuUuid: string | null = null
  if (uuidCell !== null && !isMissingToken(uuidCell)) {
    if (!UUID_PATTERN.test(uuidCell)) return { ok: false, detail: `gpu_uuid ${quoted(uuidCell)} is not a GPU-… or MIG-… identifier` }
    gpuUuid = uuidCell
  }

  let usedMemoryB: number | null = null
  const memoryCell = cell('memory')
  if (memoryCell !== null) {
    const parsed = parseNumericCell(memoryCell)
    if (!parsed.ok) return { ok: false, detail: `used_gpu_memory ${quoted(memoryCell)} is not a size` }
    if (parsed.value !== null) {
      const headerUnit = map.units[map.fields.indexOf('memory')] ?? null
      if (parsed.unit !== null && headerUnit !== null && parsed.unit !== headerUnit) {
        return { ok: false, detail: `used_gpu_memory ${quoted(memoryCell)} is in ${parsed.unit}, the header says ${headerUnit}` }
      }
      // Without a unit anywhere (nounits), nvidia-smi means MiB.
      const factor = MEMORY_UNITS[parsed.unit ?? headerUnit ?? 'MiB']
      if (factor === undefined) return { ok: false, detail: `used_gpu_memory ${quoted(memoryCell)}: the unit is not one of B, KiB, MiB, GiB` }
      usedMemoryB = parsed.value * factor
      if (usedMemoryB < 0 || usedMemoryB > MAX_PROCESS_MEMORY_B) return { ok: false, detail: `used_gpu_memory ${quoted(memoryCell)} is outside 0–4 TiB` }
    }
  }

  const nameCell = cell('name') ?? ''
  return {
    ok: true,
    row: {
      gpuIndex: null,
      gpuUuid,
      pid,
      type: 'compute',
      smPct: null,
      memPct: null,
      usedMemoryB,
      name: isMissingToken(nameCell) ? '' : sanitizeProcessName(nameCell),
    },
  }
}
