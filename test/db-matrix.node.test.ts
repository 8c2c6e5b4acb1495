import { describe, expect, it } from 'vitest'
import { execFile, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BAD_DATABASE_KINDS, makeBadDatabase, sha256, type BadDatabaseKind } from './damage.ts'
import { DEMO_TRACE, FIXTURES, REPO_ROOT, tempDir } from './helpers.ts'

// Every command against every kind of file that is not a usable Wattprint database: another
// program's, a newer schema, page-corrupted, truncated, random bytes, text, read-only. The answer
// is one line and an exit code (2 for a file Wattprint will not use); the file is byte for byte
// what it was (hashed), except that the recorder moves a damaged database of its own aside (never
// deletes it) and records into a fresh file, and `doctor` salvages into a new file.

const BIN = join(REPO_ROOT, 'bin', 'wattprint.js')
const A100 = join(FIXTURES, 'nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv')

type Command = 'import' | 'report' | 'compare' | 'scenario' | 'data-status' | 'data-import' | 'data-revert' | 'record' | 'serve' | 'doctor'
const COMMANDS: Command[] = ['import', 'report', 'compare', 'scenario', 'data-status', 'data-import', 'data-revert', 'record', 'serve', 'doctor']

interface Outcome {
  code: number | null
  stdout: string
  stderr: string
}

function argsFor(command: Command, db: string, dir: string): string[] {
  switch (command) {
    case 'import':
      return ['import', 'nvidia-smi-csv', A100, '--db', db, '--tz', 'UTC']
    case 'report':
      return ['report', '--db', db, '--json']
    case 'compare':
      return ['compare', '--db', db, '--json']
    case 'scenario': {
      const file = join(dir, 'scenario.json')
      writeFileSync(
        file,
        JSON.stringify({
          name: 'm',
          baseline: { kind: 'measured', since: '2026-11-01', until: '2026-11-29' },
          site: { countryIso3: 'FRA' },
          variants: [{ name: 'NOR', levers: [{ type: 'grid', countryIso3: 'NOR' }] }],
        }),
      )
      return ['scenario', file, '--db', db]
    }
    case 'data-status':
      return ['data', 'status', '--db', db]
    case 'data-import': {
      const pack = JSON.parse(readFileSync(join(REPO_ROOT, 'resources', 'data', 'reference-data.json'), 'utf8')) as { version: string }
      const file = join(dir, 'pack.json')
      writeFileSync(file, JSON.stringify({ ...pack, version: '99.0.0' }))
      return ['data', 'import', file, '--db', db]
    }
    case 'data-revert':
      return ['data', 'revert', '--db', db]
    case 'record':
      return ['record', '--db', db, '--source', `replay:${DEMO_TRACE}`, '--duration', '1']
    case 'serve':
      return ['serve', '--db', db, '--source', `replay:${DEMO_TRACE}`, '--port', '0']
    case 'doctor':
      return ['doctor', '--db', db]
  }
}

/** Runs the CLI; `serve` is stopped once it prints its URL (or reported as it exits). */
function run(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    if (args[0] !== 'serve') {
      execFile(
        process.execPath,
        [BIN, ...args],
        { timeout: 60_000, env: { ...process.env, WATTPRINT_REPLAY_SPEED: '10', WATTPRINT_NOW: '2026-11-30T12:00:00Z' } },
        (error, stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
        },
      )
      return
    }
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
      if (stdout.includes('\n')) child.kill('SIGTERM')
    })
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('exit', (code) => resolve({ code: stdout.startsWith('http://') ? 0 : code, stdout, stderr }))
  })
}

/** What each command must do with each kind of file. */
function expected(kind: BadDatabaseKind, command: Command): 'refuse' | 'works' | 'move-aside' | 'salvage' {
  if (kind === 'page-corrupted' || kind === 'truncated') {
    if (command === 'record' || command === 'serve') return 'move-aside'
    if (command === 'doctor') return 'salvage'
    return 'refuse'
  }
  if (kind === 'read-only') return ['report', 'compare', 'scenario', 'data-status', 'doctor'].includes(command) ? 'works' : 'refuse'
  return 'refuse'
}

const cases = BAD_DATABASE_KINDS.flatMap((kind) => COMMANDS.map((command) => [kind, command] as const))

describe('every command against every file that is not a usable Wattprint database', () => {
  it(`${cases.length} runs: one line, the right exit code, no stack trace, the file untouched (or moved aside whole)`, async () => {
    const results: { kind: BadDatabaseKind; command: Command; ok: boolean; why: string }[] = []
    const check = async (kind: BadDatabaseKind, command: Command): Promise<void> => {
      const dir = tempDir('wattprint-matrix-')
      const db = makeBadDatabase(dir, kind)
      const before = sha256(db)
      const out = await run(argsFor(command, db, dir))
      const want = expected(kind, command)
      const problems: string[] = []
      if (/^\s+at .*:\d+:\d+\)?$/m.test(out.stderr)) problems.push('stack trace')
      if (want === 'refuse') {
        if (out.code !== 2) problems.push(`exit ${out.code}, wanted 2`)
        const lines = out.stderr.trim().split('\n')
        if (lines.length !== 1 || !lines[0]?.startsWith('wattprint: ')) problems.push(`stderr not one line: ${JSON.stringify(out.stderr.slice(0, 300))}`)
        if (!existsSync(db) || sha256(db) !== before) problems.push('file changed')
      }
      if (want === 'works') {
        if (out.code !== 0) problems.push(`exit ${out.code}, wanted 0: ${out.stderr.slice(0, 200)}`)
        if (sha256(db) !== before) problems.push('file changed')
      }
      if (want === 'move-aside') {
        if (out.code !== 0) problems.push(`exit ${out.code}, wanted 0: ${out.stderr.slice(0, 200)}`)
        const moved = readdirSync(dir).find((f) => f.startsWith(`${kind}.db.damaged-`) && !f.endsWith('-wal') && !f.endsWith('-shm'))
        if (!moved) problems.push('not moved aside')
        else if (sha256(join(dir, moved)) !== before) problems.push('moved file differs from the damaged one')
        if (!/moved to .*damaged-/.test(out.stderr)) problems.push(`the user was not told where: ${out.stderr.slice(0, 200)}`)
      }
      if (want === 'salvage') {
        if (out.code !== 1) problems.push(`exit ${out.code}, wanted 1`)
        if (sha256(db) !== before) problems.push('file changed')
        if (!readdirSync(dir).some((f) => f.includes('.salvaged-'))) problems.push('no salvage file')
      }
      results.push({ kind, command, ok: problems.length === 0, why: problems.join('; ') })
    }
    // A few at a time: each run is a Node process.
    const queue = [...cases]
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await check(...next)
      }),
    )
    const failures = results.filter((r) => !r.ok)
    const modified = results.filter((r) => r.why.includes('file changed')).length
    const traces = results.filter((r) => r.why.includes('stack trace')).length
    console.log(`database matrix: ${results.length} runs, ${failures.length} wrong, ${modified} files modified, ${traces} stack traces`)
    expect(failures.map((f) => `${f.kind} × ${f.command}: ${f.why}`)).toEqual([])
  }, 240_000)
})
