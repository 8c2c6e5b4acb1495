import { describe, expect, it } from 'vitest'

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createContext } from '../src-main/api/context.ts'
import { startHeadlessServer } from '../src-main/headless/server.ts'
import { runCli, tempDir } from './helpers.ts'

const cli = runCli

/** A log at 100 W around midnight, Paris time, 2026-11-01 (23:00Z on 31 October). */
function midnightLog(): string {
  const rows = ['timestamp, power.draw [W], uuid']
  for (let s = -3600; s <= 3600; s += 1) {
    const t = new Date(Date.UTC(2026, 9, 31, 23) + s * 1000)
    rows.push(`${t.toISOString().slice(0, 23).replace('T', ' ').replace(/-/g, '/')}, 100.00, GPU-da7e0000-0000-4000-8000-000000000000`)
  }
  return rows.join('\n')
}

describe('one reading of dates for every door', () => {
  it("a date alone is local midnight in the CLI's flags and in a scenario file's measured baseline alike (TZ=Europe/Paris)", async () => {
    const dir = tempDir()
    const db = join(dir, 'dates.db')
    const log = join(dir, 'log.csv')
    writeFileSync(log, midnightLog())
    const env = { TZ: 'Europe/Paris' }
    expect((await cli(['import', 'nvidia-smi-csv', log, '--db', db, '--tz', 'UTC'], env)).code).toBe(0)
    const report = JSON.parse((await cli(['report', '--db', db, '--since', '2026-11-01', '--until', '2026-11-02', '--json'], env)).stdout) as {
      since: string
      energyKWh: number
    }
    expect(report.since).toBe('2026-10-31T23:00:00.000Z')
    // Only the hour after Paris midnight is in the period: 100 W × 1 h.
    expect(report.energyKWh).toBeCloseTo(0.1, 4)
    const file = join(dir, 'scenario.json')
    writeFileSync(
      file,
      JSON.stringify({ name: 'd', baseline: { kind: 'measured', since: '2026-11-01', until: '2026-11-02' }, site: { countryIso3: 'FRA' }, variants: [] }),
    )
    const scenario = JSON.parse((await cli(['scenario', file, '--db', db, '--json'], env)).stdout) as {
      baseline: { workload: { itEnergyKWh: number }; profile: string }
    }
    // The parts' energy is the report's; the scenario's home profile then adds the power supply's loss.
    expect(scenario.baseline.workload.itEnergyKWh).toBeCloseTo(report.energyKWh, 9)
    expect(scenario.baseline.profile).toBe('home')
  })

  it('says so in the help', async () => {
    const help = await cli(['report', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/--since <ISO>/)
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/a date alone is local midnight/)
    const root = await cli(['--help'])
    for (const command of ['report', 'history', 'compare', 'estimate', 'scenario', 'import', 'record', 'serve', 'doctor'])
      expect(root.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'))
    const estimate = await cli(['estimate', 'training', '--help'])
    expect(estimate.stdout).toMatch(/--gpu-hours <H>\s+accelerator-hours/)
    expect(estimate.stdout).toMatch(/--power-w <W>/)
  })
})

describe('the same error, through each door', () => {
  it('bad input: HTTP 400 with the code and field, CLI exit 2 naming the flag; unknown channel: 404; a failure: 500 / exit 1', async () => {
    const ctx = createContext({ dbPath: join(tempDir(), 'doors.db'), host: 'headless', version: 'test' })
    const server = await startHeadlessServer({ context: ctx, port: 0, staticDir: null })
    try {
      const post = async (channel: string, body: unknown): Promise<{ status: number; error: { kind: string; code: string; field: string | null } }> => {
        const res = await fetch(`http://127.0.0.1:${server.port}/api/invoke/${channel}`, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        })
        return { status: res.status, ...((await res.json()) as { error: { kind: string; code: string; field: string | null } }) }
      }
      const bad = await post('estimate:training', { gpuHours: 5, hardwareId: 'abacus' })
      expect(bad).toMatchObject({ status: 400, error: { kind: 'bad-input', code: 'estimate.unknown-hardware', field: 'hardwareId' } })
      expect(await post('shell:exec', {})).toMatchObject({ status: 404, error: { kind: 'not-found', code: 'request.unknown-channel' } })
      const cliBad = await cli(['estimate', 'training', '--gpu-hours', '5', '--hardware', 'abacus'])
      expect(cliBad.code).toBe(2)
      expect(cliBad.stderr).toMatch(/^wattprint: --hardware: unknown hardware "abacus"/)
      // A failure underneath (the database closed under the handler) is a 500 with the words of what failed.
      ctx.recorder.current.flush()
      await ctx.close()
      const failed = await post('report:range', { sinceMs: 0, untilMs: 1 })
      expect(failed).toMatchObject({ status: 500, error: { kind: 'failure' } })
    } finally {
      await server.close()
    }
  })
})
