import { describe, expect, it } from 'vitest'
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BIN, DEMO_TRACE, FAKE_SMI_DIR, FIXTURES, runCli, tempDir } from './helpers.ts'

const cli = runCli

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')
const A100 = join(FIXTURES, 'nvidia-logs', 'JimZeyuYang__GPU_Power_Benchmark__5050_A100_gpudata.csv')

describe('wattprint CLI', () => {
  it('imports a log and reports it as JSON with every promised field', async () => {
    const db = join(tempDir(), 'cli.db')
    const imported = await cli(['import', 'nvidia-smi-csv', A100, '--db', db, '--tz', 'UTC'])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(/965 rows imported, 0 already stored/)
    const report = await cli(['report', '--db', db, '--since', '2023-07-14T00:00Z', '--until', '2023-07-15T00:00Z', '--country', 'DEU', '--json'])
    expect(report.code).toBe(0)
    const out = JSON.parse(report.stdout) as Record<string, unknown> & { devices: { uuid: string; name: string; energyJ: number }[] }
    for (const key of ['energyJ', 'energyKWh', 'co2eKg', 'gridGCo2ePerKWh', 'gridSource', 'samples', 'gaps', 'devices']) expect(out).toHaveProperty(key)
    expect(out.samples).toBe(965)
    expect(out.gaps).toBe(0)
    expect(out.energyKWh).toBeCloseTo((out.energyJ as number) / 3.6e6, 12)
    expect(out.co2eKg).toBeCloseTo(((out.energyKWh as number) * (out.gridGCo2ePerKWh as number)) / 1000, 12)
    expect(out.gridSource).toMatch(/Germany.*Ember.*https:\/\//)
    expect(out.devices).toHaveLength(1)
    expect(out.devices[0]?.energyJ).toBeCloseTo(out.energyJ as number, 6)
    // A low and a high beside each central figure, the central one inside.
    for (const key of ['energyKWh', 'co2eKg', 'gridGCo2ePerKWh']) {
      const [low, mid, high] = [out[`${key}Low`], out[key], out[`${key}High`]] as number[]
      expect(low).toBeLessThanOrEqual(mid as number)
      expect(high).toBeGreaterThanOrEqual(mid as number)
    }
    expect(out.energyKWhHigh).toBeGreaterThan(out.energyKWhLow as number)
    // The GPU's manufacturing carbon over the log's span, apart from the operational CO2e (the log
    // names no model, so the consumer-card proxy, 98 kg over 4 years).
    const embodied = out.embodied as { co2eKg: number; co2eKgLow: number; co2eKgHigh: number; devices: { factorId: string; spanS: number }[] }
    expect(embodied.devices[0]?.factorId).toBe('embodied-consumer-gpu')
    expect(embodied.devices[0]?.spanS).toBeGreaterThan(10)
    expect(embodied.co2eKg).toBeCloseTo((98 * (embodied.devices[0]?.spanS ?? 0)) / (4 * 365.25 * 86_400), 9)
    expect(embodied.co2eKgLow).toBeLessThan(embodied.co2eKg)
    expect(embodied.co2eKgHigh).toBeGreaterThan(embodied.co2eKg)
    // A window that misses the log holds nothing.
    const empty = JSON.parse((await cli(['report', '--db', db, '--since', '2024-01-01', '--json'])).stdout) as { samples: number; energyJ: number }
    expect(empty).toMatchObject({ samples: 0, energyJ: 0 })
  })

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['import', 'xml', 'f'], /import needs a format/],
    [['import', 'nvidia-smi-csv', '/nonexistent/log.csv'], /cannot read \/nonexistent\/log.csv: ENOENT/],
    [['import', 'nvidia-smi-csv', A100, '--tz', 'Mars/Olympus'], /unknown time zone "Mars\/Olympus"/],
    [['report', '--since', 'yesterday-ish'], /--since: "yesterday-ish" is not an ISO 8601/],
    [['report', '--country', 'ATLANTIS'], /--country: no grid figure for "ATLANTIS"/],
    [['report', '--until', '2020-01-01', '--since', '2021-01-01'], /--until must be after --since/],
    [['report', '--bogus'], /Unknown option '--bogus'/],
    [['record', '--duration=-3'], /--duration: "-3" is not a positive number/],
    [['record', '--duration', 'soon'], /--duration: "soon" is not a positive number/],
    [['record', '--source', 'amd-smi'], /--source: "amd-smi" is not auto, nvidia-smi or replay:FILE/],
    [['serve', '--port', '99999'], /--port: "99999" is not a port number/],
  ])('%j: one-line error, exit code 2, database untouched', async (args, message) => {
    const db = join(tempDir(), 'keep.db')
    await cli(['import', 'nvidia-smi-csv', A100, '--db', db])
    const before = sha(db)
    const result = await cli([...args, '--db', db])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(sha(db)).toBe(before)
  })

  it('does not create a database for a failed import or a report on nothing', async () => {
    const db = join(tempDir(), 'none.db')
    expect((await cli(['import', 'nvidia-smi-csv', '/nonexistent.csv', '--db', db])).code).toBe(2)
    expect((await cli(['report', '--db', db])).stderr).toMatch(/no database at/)
    expect(existsSync(db)).toBe(false)
  })

  it('refuses a log without a header, importing nothing', async () => {
    const db = join(tempDir(), 'x.db')
    const result = await cli(['import', 'nvidia-smi-csv', join(FIXTURES, 'nvidia-logs', 'beam11221__plato__gpu_log.csv'), '--db', db])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/noheader/)
  })

  it('records a replayed log with its own timing', async () => {
    const db = join(tempDir(), 'rec.db')
    const result = await cli(['record', '--db', db, '--source', `replay:${DEMO_TRACE}`, '--duration', '2', '--json'], { WATTPRINT_REPLAY_SPEED: '10' })
    expect(result.code).toBe(0)
    const out = JSON.parse(result.stdout) as { samples: number; energyJ: number; cpuS: number; steady: unknown }
    // 2 s at 10× covers ~20 s of the trace (100 ms readings): about 200 samples.
    expect(out.samples).toBeGreaterThan(120)
    expect(out.energyJ).toBeGreaterThan(0)
    // Its own CPU while recording; a steady-state figure only from the 10th second on (the benchmark's).
    expect(out.cpuS).toBeGreaterThan(0)
    expect(out.steady).toBeNull()
  })

  it('a disk that fills while recording: said so, exit code 1, and what was written stays intact', async () => {
    const db = join(tempDir(), 'full.db')
    // A real write failure without root: a file-size limit (the signal it raises is ignored, so writes fail with EFBIG).
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-c', 'trap "" XFSZ; ulimit -f 150; exec "$@"', 'limited', process.execPath, BIN, 'record', '--db', db, '--duration', '5'],
        {
          env: { ...process.env, PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`, WATTPRINT_FAKE_SMI_SPEED: '5' },
        },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/wattprint: \d+ readings could not be written to .*full\.db \(.+\); the \d+ written before are intact/)
    const check = await cli(['doctor', '--db', db])
    expect(check.stdout).toMatch(/healthy/)
  })

  it('serve prints its URL first and wants the token', async () => {
    const db = join(tempDir(), 'serve.db')
    const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--source', `replay:${DEMO_TRACE}`], { stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.setEncoding('utf8')
        child.stdout.on('data', (c: string) => {
          out += c
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '')
        })
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)))
      })
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/)
      const base = url.split('?')[0] ?? ''
      expect((await fetch(`${base}api/invoke/app:info`, { method: 'POST', body: '{}' })).status).toBe(401)
      const ok = await fetch(`${base}api/invoke/app:info`, {
        method: 'POST',
        body: '{}',
        headers: { authorization: `Bearer ${url.split('token=')[1]}`, 'content-type': 'application/json' },
      })
      expect(ok.status).toBe(200)
    } finally {
      child.kill('SIGTERM')
    }
  })
})
