import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FIXTURES, readFixture } from '../../../test/helpers.ts'
import {
  COMPUTE_APPS_ARGS,
  MAX_PROCESS_NAME_CHARS,
  PMON_ARGS,
  parseComputeApps,
  parsePmon,
  sanitizeProcessName,
  type GpuProcessList,
  type GpuProcessRow,
} from './nvidia-smi-processes.parse.ts'

const MiB = 1024 * 1024
const captures = readdirSync(join(FIXTURES, 'nvidia')).filter((f) => f.endsWith('.txt'))
const WINDOWS_610 = 'nge-capture__windows-x86_64__nvidia-geforce-rtx-2080-super__610.62.txt'
const WINDOWS_591 = 'nge-capture__windows-x86_64__nvidia-geforce-rtx-2080-super__591.86.txt'
const LINUX_2080 = 'nge-capture__linux-x86_64__nvidia-geforce-rtx-2080-super__595.71.05.txt'

/**
 * The `# idle :: pmon (…)` / `# load :: query-compute-apps (…)` sections of an nvidia_gpu_exporter
 * capture: title, `# $ command`, a rule of #, then nvidia-smi's output up to the next rule.
 */
function captureSections(capture: string, kind: 'pmon' | 'query-compute-apps'): { state: string; text: string }[] {
  const sections: { state: string; text: string }[] = []
  const lines = capture.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^# (idle|load) :: (\S+) \(/.exec(lines[i] ?? '')
    if (!m || m[2] !== kind) continue
    const body: string[] = []
    for (let j = i + 3; j < lines.length && !/^#{20,}$/.test(lines[j] ?? ''); j++) body.push(lines[j] ?? '')
    sections.push({ state: m[1] ?? '', text: body.join('\n') })
  }
  return sections
}

function section(file: string, kind: 'pmon' | 'query-compute-apps', state: 'idle' | 'load'): string {
  const found = captureSections(readFixture('nvidia', file), kind).find((s) => s.state === state)
  if (!found) throw new Error(`${file} has no ${state} ${kind} section`)
  return found.text
}

/** What every row of every parse must be, whatever the input. */
function expectWellFormed(list: GpuProcessList): void {
  for (const r of list.rows) {
    expect(Number.isInteger(r.pid) && r.pid > 0).toBe(true)
    expect(r.smPct === null || (r.smPct >= 0 && r.smPct <= 100)).toBe(true)
    expect(r.memPct === null || (r.memPct >= 0 && r.memPct <= 100)).toBe(true)
    expect(r.usedMemoryB === null || (Number.isFinite(r.usedMemoryB) && r.usedMemoryB >= 0)).toBe(true)
    expect(r.gpuIndex === null || (Number.isInteger(r.gpuIndex) && r.gpuIndex >= 0)).toBe(true)
    expect(r.name.length).toBeLessThanOrEqual(MAX_PROCESS_NAME_CHARS)
    expect(sanitizeProcessName(r.name)).toBe(r.name)
  }
  for (const s of list.skipped) expect(s.line).toBeGreaterThan(0)
}

describe('the commands Wattprint runs', () => {
  it('asks pmon for one sample of utilisation and memory, and compute-apps for exactly four bare fields', () => {
    expect(PMON_ARGS).toEqual(['pmon', '-c', '1', '-s', 'um'])
    expect(COMPUTE_APPS_ARGS).toEqual(['--query-compute-apps=gpu_uuid,pid,process_name,used_gpu_memory', '--format=csv,noheader,nounits'])
  })
})

describe('nvidia-smi pmon on real captures (8 GPUs, Linux and Windows drivers, H100 MIG)', () => {
  it.each(captures)('%s: idle and load parse whole, the last sample holds every compute-apps process', (file) => {
    const pmon = captureSections(readFixture('nvidia', file), 'pmon')
    const apps = captureSections(readFixture('nvidia', file), 'query-compute-apps')
    expect(pmon.map((s) => s.state)).toEqual(['idle', 'load'])
    expect(apps.map((s) => s.state)).toEqual(['idle', 'load'])
    for (const state of ['idle', 'load'] as const) {
      const p = parsePmon(pmon.find((s) => s.state === state)?.text ?? '')
      const a = parseComputeApps(apps.find((s) => s.state === state)?.text ?? '')
      expect(p.skipped).toEqual([])
      expect(a.skipped).toEqual([])
      expectWellFormed(p)
      expectWellFormed(a)
      // One sample: a process once per GPU.
      expect(new Set(p.rows.map((r) => `${r.gpuIndex}:${r.pid}`)).size).toBe(p.rows.length)
      expect(p.rows.every((r) => r.gpuIndex === 0 && r.gpuUuid === null && r.name !== '')).toBe(true)
      // Taken a moment apart, both listings see the same compute processes.
      for (const app of a.rows) {
        const seen = p.rows.find((r) => r.pid === app.pid)
        expect(seen?.type, `${state} pid ${app.pid}`).toMatch(/^compute/)
        // pmon's name is the compute-apps path's base name, cut at 15 or 16 characters.
        const base = app.name.split(/[\\/]/).pop() ?? ''
        expect(base.startsWith(seen?.name ?? '?')).toBe(true)
      }
      if (state === 'load') expect(p.rows.some((r) => r.type === 'compute')).toBe(true)
    }
  })

  it('keeps the last of five samples exactly (Linux RTX 2080 SUPER, two ffmpeg under load)', () => {
    const { rows } = parsePmon(section(LINUX_2080, 'pmon', 'load'))
    const row = (pid: number, type: GpuProcessRow['type'], smPct: number | null, memPct: number | null, name: string): GpuProcessRow => ({
      gpuIndex: 0,
      gpuUuid: null,
      pid,
      type,
      smPct,
      memPct,
      usedMemoryB: null,
      name,
    })
    expect(rows).toEqual([
      row(1696, 'graphics', null, null, 'gnome-shell'),
      row(4584, 'graphics', null, null, 'Xwayland'),
      row(5267, 'compute', null, null, 'ffmpeg'),
      row(5268, 'compute', 7, 3, 'ffmpeg'),
    ])
  })

  it('does not cut a sample where pmon reprints its header (Windows 610.62: the header comes back mid-sample)', () => {
    const text = section(WINDOWS_610, 'pmon', 'load')
    expect(text.match(/^# gpu/gm)).toHaveLength(3)
    const { rows } = parsePmon(text)
    // The last sample spans the third header: 21 processes, the two ffmpeg on either side of it.
    expect(rows).toHaveLength(21)
    expect(rows.filter((r) => r.name === 'ffmpeg.exe').map((r) => [r.pid, r.smPct, r.memPct])).toEqual([
      [12940, 3, 1],
      [13820, 3, 1],
    ])
    expect(rows.find((r) => r.pid === 13092)?.name).toBe('SystemSettings.')
    const idle = parsePmon(section(WINDOWS_610, 'pmon', 'idle')).rows
    expect(idle).toHaveLength(19)
    expect(idle.every((r) => r.type === 'compute+graphics')).toBe(true)
  })

  it('keeps names with spaces and the 16-character cut of driver 591.86', () => {
    const { rows } = parsePmon(section(WINDOWS_591, 'pmon', 'load'))
    expect(rows.map((r) => r.name)).toContain('NVIDIA Share.exe')
    expect(rows.map((r) => r.name)).toContain('NZXT CAM.exe')
    expect(rows.map((r) => r.name)).toContain('TextInputHost.ex')
  })

  it('reads an idle GPU (pid "-") as no process, not as a bad row (H100, H100 MIG, H200, L40S)', () => {
    for (const file of captures.filter((f) => /h100|h200|l40s/.test(f))) {
      expect(parsePmon(section(file, 'pmon', 'idle'))).toEqual({ rows: [], skipped: [] })
    }
  })
})

// Hand-written in the shapes other projects' tests and notes record for other drivers (values
// are ours): the `-s um` layout with fb and ccpm (R550+), the older `sm mem enc dec fb` layout,
// the doubled header of some drivers with `-s mu`, the same pid on several GPUs and `-o DT` dates.
describe('pmon layouts of other drivers', () => {
  it('reads fb (MB = MiB) and ccpm beside the utilisation columns, two GPUs, one idle', () => {
    const text = [
      '# gpu         pid   type     fb   ccpm     sm    mem    enc    dec    jpg    ofa    command ',
      '# Idx           #    C/G     MB     MB      %      %      %      %      %      %    name ',
      '    0       4242   C+G    512      0      3      1      -      -      -      -    LM Studio Helpe',
      '    0      91733     C  21480      0     97     41      -      -      -      -    ollama_llama_se',
      '    1          -     -      -      -      -      -      -      -      -      -    -              ',
    ].join('\n')
    const { rows, skipped } = parsePmon(text)
    expect(skipped).toEqual([])
    expect(rows).toEqual([
      { gpuIndex: 0, gpuUuid: null, pid: 4242, type: 'compute+graphics', smPct: 3, memPct: 1, usedMemoryB: 512 * MiB, name: 'LM Studio Helpe' },
      { gpuIndex: 0, gpuUuid: null, pid: 91733, type: 'compute', smPct: 97, memPct: 41, usedMemoryB: 21480 * MiB, name: 'ollama_llama_se' },
    ])
  })

  it('reads fb after dec (older drivers) and an fb of "-" as unknown', () => {
    const text = [
      '# gpu        pid  type    sm   mem   enc   dec    fb   command',
      '# Idx          #   C/G     %     %     %     %    MB   name',
      '    0      30891     C    45    13     -     -  6144   python3',
      '    0       1523     G     -     -     -     -     -   Xorg',
    ].join('\n')
    expect(parsePmon(text).rows.map((r) => [r.pid, r.smPct, r.memPct, r.usedMemoryB])).toEqual([
      [30891, 45, 13, 6144 * MiB],
      [1523, null, null, null],
    ])
  })

  it('uses the second of two headers, keeps one pid on four GPUs, and does not need pids in order', () => {
    const text = [
      '# gpu        pid  type    sm   mem   enc   dec   command',
      '# Idx          #   C/G     %     %     %     %   name',
      '# gpu        pid  type    fb    sm   mem   enc   dec   command',
      '# Idx          #   C/G    MB     %     %     %     %   name',
      '    0     700112     C  8021    61    20     -     -   python3.11     ',
      '    1     700112     C   612     -     -     -     -   python3.11     ',
      '    1     655004     C 30210    88    35     -     -   torchrun       ',
      '    2     700112     C   612     -     -     -     -   python3.11     ',
      '    2     512977     C  9100     -     -     -     -   python3        ',
      '    3     700112     C   612     -     -     -     -   python3.11     ',
    ].join('\n')
    const { rows, skipped } = parsePmon(text)
    expect(skipped).toEqual([])
    expect(rows.map((r) => [r.gpuIndex, r.pid, r.usedMemoryB === null ? null : r.usedMemoryB / MiB, r.smPct])).toEqual([
      [0, 700112, 8021, 61],
      [1, 700112, 612, null],
      [1, 655004, 30210, 88],
      [2, 700112, 612, null],
      [2, 512977, 9100, null],
      [3, 700112, 612, null],
    ])
  })

  it('starts a new sample where the GPU index goes down, even when the first process of it is new', () => {
    const text = [
      '# gpu         pid   type     sm    mem    command',
      '# Idx           #    C/G      %      %    name',
      '    0       1001     C     10      1    python3',
      '    1       2002     C     20      2    python3',
      // Second sample: 1001 is gone and 3003 came; 2002 alone would not show the boundary in time.
      '    0       3003     C     30      3    llama-server',
      '    1       2002     C     40      4    python3',
    ].join('\n')
    expect(parsePmon(text).rows.map((r) => [r.gpuIndex, r.pid, r.smPct])).toEqual([
      [0, 3003, 30],
      [1, 2002, 40],
    ])
  })

  it('reads `-o DT` dates as columns like any other, and CRLF line ends', () => {
    const text = [
      '#Date       Time        gpu         pid   type     sm    mem    enc    dec    command ',
      '#YYYYMMDD   HH:MM:SS    Idx           #    C/G      %      %      %      %    name ',
      ' 20261130   12:00:01      0      48213     C     71     30      -      -    python ',
    ].join('\r\n')
    expect(parsePmon(text)).toEqual({
      rows: [{ gpuIndex: 0, gpuUuid: null, pid: 48213, type: 'compute', smPct: 71, memPct: 30, usedMemoryB: null, name: 'python' }],
      skipped: [],
    })
  })

  it('skips what it cannot read, saying which line and why, and keeps the rest', () => {
    const text = [
      '    0       1111     C      1      1    before-header',
      '# gpu         pid   type     sm    mem    command',
      '    0          0     C      1      1    pid-zero',
      '    0        12a     C      1      1    pid-word',
      '    0       2222     C    150      1    too-busy',
      '    0       3333     C      1',
      '   x0       4444     C      1      1    bad-gpu',
      '    0       5555     X      1   12.5    unknown-type',
      '    0   99999999999     C      1      1    pid-too-big',
    ].join('\n')
    const { rows, skipped } = parsePmon(text)
    expect(rows.map((r) => [r.pid, r.type, r.memPct, r.name])).toEqual([[5555, null, 12.5, 'unknown-type']])
    expect(skipped).toEqual([
      { line: 1, detail: 'a process row before any "# gpu pid …" header line' },
      { line: 3, detail: 'pid "0" is not a positive integer' },
      { line: 4, detail: 'pid "12a" is not a positive integer' },
      { line: 5, detail: 'sm "150" is not a percentage' },
      { line: 6, detail: 'expected 6 columns, got 4' },
      { line: 7, detail: 'gpu "x0" is not a device index' },
      { line: 9, detail: 'pid "99999999999" is not a positive integer' },
    ])
  })

  it('strips control characters and bidi overrides from names and caps them at 256 characters', () => {
    const header = '# gpu         pid   type     sm    mem    command\n'
    const evil = parsePmon(`${header}    0       4321     C      -      -    \u001b[31mred\u202e\u0007 name\u0000`)
    // The ESC that would start the sequence is gone; what is left is harmless text.
    expect(evil.rows[0]?.name).toBe('[31mred name')
    const long = parsePmon(`${header}    0       4321     C      -      -    ${'x'.repeat(1000)}`)
    expect(long.rows[0]?.name).toHaveLength(MAX_PROCESS_NAME_CHARS)
  })
})

describe('nvidia-smi --query-compute-apps', () => {
  it.each(captures)('%s: the capture sections (header, units in header and values) parse whole', (file) => {
    for (const { text } of captureSections(readFixture('nvidia', file), 'query-compute-apps')) {
      const { rows, skipped } = parseComputeApps(text)
      expect(skipped).toEqual([])
      expect(rows.every((r) => r.gpuUuid === 'GPU-00000000-0000-0000-0000-000000000000' && r.type === 'compute' && r.smPct === null)).toBe(true)
      // WDDM: Windows manages the memory, nvidia-smi says [N/A] for every process.
      if (file.includes('windows')) expect(rows.every((r) => r.usedMemoryB === null)).toBe(true)
      else expect(rows.every((r) => r.usedMemoryB !== null && r.usedMemoryB > 0)).toBe(true)
    }
  })

  it('reads the H100 load rows exactly, paths kept as nvidia-smi gave them', () => {
    const { rows } = parseComputeApps(section('nge-capture__linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt', 'query-compute-apps', 'load'))
    expect(rows.map((r) => [r.pid, r.name, r.usedMemoryB === null ? null : r.usedMemoryB / MiB])).toEqual([
      [11327, '/root/tools/memhog', 2566],
      [11328, '/root/tools/memhog', 1542],
      [11345, './gpu_burn', 15690],
    ])
  })

  it('reads the Windows paths with spaces and parentheses (WDDM)', () => {
    const { rows } = parseComputeApps(section(WINDOWS_610, 'query-compute-apps', 'load'))
    expect(rows).toHaveLength(21)
    expect(rows.map((r) => r.name)).toContain('C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application\\149.0.4022.80\\msedgewebview2.exe')
  })

  it("parses the app's own command (no header, bare MiB), unknown memory as null", () => {
    const text = [
      'GPU-5f1c7c2e-0b7e-4d41-9b7a-2b8d3f6c1a90, 91733, /usr/lib/ollama/runners/cuda_v12/ollama_llama_server, 21480',
      'GPU-5f1c7c2e-0b7e-4d41-9b7a-2b8d3f6c1a90, 48213, /home/ana/venv/bin/python3, [Insufficient Permissions]',
      'GPU-5f1c7c2e-0b7e-4d41-9b7a-2b8d3f6c1a90, 7788, C:\\Users\\ana\\AppData\\Local\\Programs\\Ollama\\ollama.exe, [N/A]',
      '',
    ].join('\n')
    const { rows, skipped } = parseComputeApps(text)
    expect(skipped).toEqual([])
    expect(rows).toEqual([
      {
        gpuIndex: null,
        gpuUuid: 'GPU-5f1c7c2e-0b7e-4d41-9b7a-2b8d3f6c1a90',
        pid: 91733,
        type: 'compute',
        smPct: null,
        memPct: null,
        usedMemoryB: 21480 * MiB,
        name: '/usr/lib/ollama/runners/cuda_v12/ollama_llama_server',
      },
      expect.objectContaining({ pid: 48213, usedMemoryB: null, name: '/home/ana/venv/bin/python3' }),
      expect.objectContaining({ pid: 7788, usedMemoryB: null, name: 'C:\\Users\\ana\\AppData\\Local\\Programs\\Ollama\\ollama.exe' }),
    ])
  })

  it('puts a name with commas back together, maps columns by header in any order, and accepts "used_memory"', () => {
    const text = ['pid, used_memory [MiB], name, gpu_uuid', '5150, 2048 MiB, /opt/my,odd,app/bin/run, MIG-1b2c3d4e-aaaa-bbbb-cccc-0123456789ab'].join('\n')
    expect(parseComputeApps(text).rows).toEqual([
      expect.objectContaining({ pid: 5150, usedMemoryB: 2048 * MiB, name: '/opt/my,odd,app/bin/run', gpuUuid: 'MIG-1b2c3d4e-aaaa-bbbb-cccc-0123456789ab' }),
    ])
  })

  it('ignores "No running processes found" and never takes a process named pid for a header', () => {
    expect(parseComputeApps('No running processes found\n')).toEqual({ rows: [], skipped: [] })
    const text = ['GPU-1, 10, pid, 5', 'GPU-1, 11, python3, 6'].join('\n')
    expect(parseComputeApps(text).rows.map((r) => [r.pid, r.name])).toEqual([
      [10, 'pid'],
      [11, 'python3'],
    ])
  })

  it('skips bad rows with a reason', () => {
    const text = [
      'GPU-1, -4, python3, 10',
      'GPU-1, 12, python3',
      'not-a-uuid, 13, python3, 10',
      'GPU-1, 14, python3, lots',
      'GPU-1, 15, python3, 10 GB',
      'GPU-1, 16, python3, -10',
      'GPU-1, 17, python3, 10',
    ].join('\n')
    const { rows, skipped } = parseComputeApps(text)
    expect(rows.map((r) => r.pid)).toEqual([17])
    expect(skipped.map((s) => s.line)).toEqual([1, 2, 3, 4, 5, 6])
    expect(skipped[0]?.detail).toBe('pid "-4" is not a positive integer')
    expect(skipped[2]?.detail).toMatch(/not a GPU-… or MIG-… identifier/)
    expect(skipped[4]?.detail).toMatch(/not one of B, KiB, MiB, GiB/)
    expect(skipped[5]?.detail).toMatch(/outside 0–4 TiB/)
    const mismatch = parseComputeApps('pid, used_gpu_memory [MiB]\n9, 10 GiB')
    expect(mismatch.skipped[0]?.detail).toBe('used_gpu_memory "10 GiB" is in GiB, the header says MiB')
  })
})

describe('any input, mangled or random', () => {
  const realPmon = captures.flatMap((f) => captureSections(readFixture('nvidia', f), 'pmon').map((s) => s.text))
  const realApps = captures.flatMap((f) => captureSections(readFixture('nvidia', f), 'query-compute-apps').map((s) => s.text))
  const mangled = (texts: string[]): fc.Arbitrary<string> =>
    fc
      .tuple(
        fc.constantFrom(...texts),
        fc.array(
          fc.tuple(fc.nat(), fc.nat(40), fc.oneof(fc.string(), fc.constantFrom('-', '#', ',', '\n', '\u0000', '\u001b[2J', '999', '-1', '[N/A]', ' C+G '))),
        ),
      )
      .map(([text, edits]) =>
        edits.reduce((t, [at, cut, insert]) => {
          const i = t.length === 0 ? 0 : at % t.length
          return t.slice(0, i) + insert + t.slice(i + cut)
        }, text),
      )
  const anyText = fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), mangled(realPmon), mangled(realApps))

  it('never throws; every row has a positive integer pid, percentages in 0–100 or null, a printable name', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expectWellFormed(parsePmon(text))
        expectWellFormed(parseComputeApps(text))
      }),
      { numRuns: 500 },
    )
  })
})
