import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { FIXTURES, REPO_ROOT, runCli, tempDir, waitFor } from './helpers.ts'
import { startServeHost } from './serve-host.ts'

const A100 = join(FIXTURES, 'nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv')
const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '')
// Every line: [ISO instant] [level] [pid] text (no assertion depends on the time itself).
const LINE = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] \[(error|warn|info|verbose|debug|silly)\] \[\d+\] \S/

describe('logs of the headless host and the CLI', () => {
  it('serve writes its start, listen and stop lines to host.log, never the token', async () => {
    const logs = tempDir()
    const host = await startServeHost(join(tempDir(), 'serve.db'), { ...process.env, WATTPRINT_LOG_DIR: logs })
    const file = join(logs, 'host.log')
    try {
      await waitFor(() => read(file).includes('listening on'), 'the listen line')
      // An import through the host is logged with its counts and the file's name only.
      await host.invoke('history:import', { format: 'nvidia-smi-csv', text: read(A100), fileName: join(homedir(), 'private', 'gpu.csv'), zone: 'UTC' })
    } finally {
      await host.stop()
    }
    const text = read(file)
    const port = new URL(host.base).port
    expect(text).toContain(`listening on http://127.0.0.1:${port}/ (the token is not logged)`)
    expect(host.token.length).toBeGreaterThan(20)
    expect(text).not.toContain(host.token)
    expect(text).toMatch(/start Wattprint \S+ \(host serve\) on \w+ \w+, Node [\d.]+, database /)
    expect(text).toMatch(/import gpu\.csv: 965 readings imported/)
    expect(text).not.toContain('private')
    expect(text).toMatch(/stop \(exit code 0\)\n$/)
    for (const line of text.split('\n').filter((l) => l.startsWith('['))) expect(line).toMatch(LINE)
    // The CLI's own file is another one.
    expect(existsSync(join(logs, 'cli.log'))).toBe(false)
  })

  it('a command logs its start, an import its counts and file name only, and its stop; stdout and stderr as before', async () => {
    const logs = tempDir()
    const env = { WATTPRINT_LOG_DIR: logs }
    const db = join(tempDir(), 'cli.db')
    const imported = await runCli(['import', 'nvidia-smi-csv', A100, '--db', db, '--tz', 'UTC'], env)
    expect(imported.code).toBe(0)
    expect(imported.stderr).toBe('')
    const text = read(join(logs, 'cli.log'))
    const lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    for (const line of lines) expect(line).toMatch(LINE)
    expect(lines[0]).toContain(`(cli import nvidia-smi-csv)`)
    expect(lines[0]).toContain(`database ${db}`)
    expect(lines[1]).toMatch(/\[info\] \[\d+\] import JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata\.csv: 965 readings imported, 0 already stored/)
    expect(text).not.toContain(FIXTURES)
    expect(lines[2]).toMatch(/stop \(exit code 0\)$/)
  })

  it('wattprint logs: the folder and each door’s file; --tail N the last lines; reading writes nothing', async () => {
    const logs = tempDir()
    const env = { WATTPRINT_LOG_DIR: logs }
    await runCli(['hardware'], env)
    await runCli(['references'], env)
    const cliLog = join(logs, 'cli.log')
    const size = statSync(cliLog).size

    const listed = await runCli(['logs'], env)
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain(`log folder: ${logs}`)
    expect(listed.stdout).toContain(`app: ${join(logs, 'app.log')} (not written yet)`)
    expect(listed.stdout).toContain(`host: ${join(logs, 'host.log')} (not written yet)`)
    expect(listed.stdout).toContain(`cli: ${cliLog} (${size} bytes)`)

    const tail = await runCli(['logs', '--tail', '2'], env)
    expect(tail.stdout).toContain(`==> ${cliLog} <==`)
    const shown = tail.stdout.split(`==> ${cliLog} <==\n`)[1]?.trimEnd().split('\n') ?? []
    expect(shown).toEqual(read(cliLog).trimEnd().split('\n').slice(-2))
    expect(shown[0]).toMatch(/start Wattprint .*\(cli references\)/)

    const json = JSON.parse((await runCli(['logs', '--door', 'cli', '--tail', '1', '--json'], env)).stdout) as {
      dir: string
      files: { door: string; path: string; bytes: number | null; archives: string[]; tail: string[] }[]
    }
    expect(json.dir).toBe(logs)
    expect(json.files).toEqual([{ door: 'cli', path: cliLog, bytes: size, archives: [], tail: [expect.stringMatching(/stop \(exit code 0\)$/)] }])

    expect(statSync(cliLog).size).toBe(size)
    const bad = await runCli(['logs', '--tail', 'lots'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toEqual(['wattprint: --tail: "lots" is not a number of lines (1 or more)'])
    expect((await runCli(['logs', '--door', 'mars'], env)).code).toBe(2)
    expect((await runCli(['--help'], env)).stdout).toMatch(/^\s+logs \[options\]\s+Where the logs are/m)
  })

  it('a log folder that cannot be written: the command works as usual, with one warning on stderr', async () => {
    const blocker = join(tempDir(), 'a-file')
    writeFileSync(blocker, '')
    const plain = await runCli(['hardware'])
    const blocked = await runCli(['hardware'], { WATTPRINT_LOG_DIR: join(blocker, 'logs') })
    expect(blocked.code).toBe(0)
    expect(blocked.stdout).toBe(plain.stdout)
    expect(blocked.stderr.trim().split('\n')).toEqual([
      `wattprint: cannot write the log in ${join(blocker, 'logs', 'cli.log')} (ENOTDIR); going on without a log file`,
    ])
  })

  it('an unhandled rejection is logged at error level, scrubbed, and the process still fails as Node decides', () => {
    const logs = tempDir()
    const script = join(tempDir(), 'crash.mjs')
    writeFileSync(
      script,
      `import { startNodeLog } from ${JSON.stringify(join(REPO_ROOT, 'src-main', 'headless', 'log.ts'))}
import { homedir } from 'node:os'
startNodeLog({ door: 'cli', version: 'test', command: 'crash', dbPath: null })
Promise.reject(new Error('boom in ' + homedir() + '/work'))
`,
    )
    const run = spawnSync(process.execPath, ['--no-warnings', script], { env: { ...process.env, WATTPRINT_LOG_DIR: logs }, encoding: 'utf8' })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('boom in')
    const text = read(join(logs, 'cli.log'))
    expect(text).toMatch(/\[error\] \[\d+\] unhandled rejection: Error: boom in ~\/work\n/)
    expect(text).not.toContain(homedir())
  })
})
