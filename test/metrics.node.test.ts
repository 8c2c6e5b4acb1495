import { afterEach, describe, expect, it } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { METRICS, METRIC_NAMES } from '../src-main/contract/metrics.ts'
import { parsePrometheusText, type PrometheusSample } from '../src-main/telemetry/inference/prometheus-text.parse.ts'
import { defined, FAKE_SMI_DIR, runCli, tempDir } from './helpers.ts'
import { startServeHost, type ServedHost } from './serve-host.ts'

const PROMTOOL = '/usr/bin/promtool'
const hosts: ServedHost[] = []
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop()
})

/** A host recording the stand-in nvidia-smi (the demo trace, 2 GPUs, 5× speed), with metrics on a free port. */
async function serveWithMetrics(db: string, extra: readonly string[] = ['--metrics', '--metrics-port', '0'], env: NodeJS.ProcessEnv = {}): Promise<ServedHost> {
  const host = await startServeHost(
    db,
    { ...process.env, PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`, WATTPRINT_FAKE_SMI_SPEED: '5', WATTPRINT_FAKE_SMI_GPUS: '2', ...env },
    extra,
  )
  hosts.push(host)
  return host
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url, { headers })
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() }
}

const named = (samples: readonly PrometheusSample[], name: string): PrometheusSample[] => samples.filter((s) => s.name === name)

/** A raw request with the headers given as they are (fetch sets its own Host). */
function rawGet(url: string, headers: Record<string, string>, method = 'GET'): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume()
      resolvePromise(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('wattprint serve --metrics', () => {
  it('exposes power, energy, CO2e and source state with the contract’s names and labels, which promtool accepts', async () => {
    const host = await serveWithMetrics(join(tempDir(), 'metrics.db'))
    const url = defined(host.metricsUrl, 'the metrics URL')
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    // Both GPUs read, and each has an interval integrated (a first reading alone has no energy yet): the stand-in starts in a moment.
    const ready = async (): Promise<boolean> => {
      const samples = parsePrometheusText((await scrape(url)).body).samples
      const energy = named(samples, 'wattprint_energy_joules_total')
      return named(samples, 'wattprint_gpu_power_watts').length === 2 && energy.length === 2 && energy.every((e) => e.value > 0)
    }
    await expect.poll(ready, { timeout: 15_000 }).toBe(true)
    const res = await scrape(url)
    expect(res.status).toBe(200)
    expect(res.type).toBe('text/plain; version=0.0.4; charset=utf-8')
    const parsed = parsePrometheusText(res.body)
    expect(parsed.skipped).toEqual([])
    // Every sample is a contract metric with exactly its labels.
    for (const s of parsed.samples) {
      expect(METRIC_NAMES).toContain(s.name)
      expect(Object.keys(s.labels)).toEqual(METRICS[s.name as keyof typeof METRICS].labels)
    }
    const power = named(parsed.samples, 'wattprint_gpu_power_watts')
    expect(power.map((s) => s.labels.device).sort()).toEqual(['GPU-fa4e0000-0000-4000-8000-000000000000', 'GPU-fa4e0001-0000-4000-8000-000000000000'])
    expect(power[0]?.labels).toMatchObject({ source: 'nvidia-smi', method: 'sampled-power' })
    const energy = named(parsed.samples, 'wattprint_energy_joules_total')
    expect(energy).toHaveLength(2)
    for (const e of energy) expect(e.value).toBeGreaterThan(0)
    expect(named(parsed.samples, 'wattprint_source_up').find((s) => s.labels.source === 'nvidia-smi')).toMatchObject({ value: 1, labels: { state: 'ok' } })
    const co2e = defined(named(parsed.samples, 'wattprint_co2e_grams_total')[0], 'CO2e')
    expect(co2e.labels.grid_factor).toMatch(/^grid:ember:/)
    // The CO2e counter is the energy under the factor its labels name.
    const totalJ = energy.reduce((sum, e) => sum + e.value, 0)
    expect(co2e.value).toBeCloseTo((totalJ / 3.6e6) * Number(co2e.labels.grid_g_per_kwh), 0)
    expect(named(parsed.samples, 'wattprint_build_info')[0]?.labels.version).toMatch(/^\d+\.\d+\.\d+/)
    if (!existsSync(PROMTOOL)) {
      console.warn(`promtool check metrics skipped: ${PROMTOOL} is not installed (apt install prometheus; .ci/run installs it)`)
      return
    }
    const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: res.body, encoding: 'utf8' })
    expect({ status: check.status, problems: `${check.stdout}${check.stderr}` }).toEqual({ status: 0, problems: '' })
  })

  it('continues its energy counters across a restart: they are read from the database', async () => {
    const db = join(tempDir(), 'restart.db')
    const first = await serveWithMetrics(db)
    const total = async (url: string): Promise<number> =>
      named(parsePrometheusText((await scrape(url)).body).samples, 'wattprint_energy_joules_total').reduce((sum, s) => sum + s.value, 0)
    const firstUrl = defined(first.metricsUrl, 'metrics')
    await expect.poll(() => total(firstUrl), { timeout: 15_000 }).toBeGreaterThan(0)
    const before = await total(firstUrl)
    await first.stop()
    const second = await serveWithMetrics(db, ['--metrics', '--metrics-port', '0'], { WATTPRINT_NVIDIA_SMI: '/nonexistent/nvidia-smi' })
    const after = await total(defined(second.metricsUrl, 'metrics'))
    expect(before).toBeGreaterThan(0)
    expect(after).toBeGreaterThanOrEqual(before)
  })

  it('refuses what a scraper does not send: another Host, a cross-site page, other methods and paths', async () => {
    const host = await serveWithMetrics(join(tempDir(), 'guard.db'))
    const url = defined(host.metricsUrl, 'metrics')
    const port = new URL(url).port
    expect(await rawGet(url, { host: `127.0.0.1:${port}` })).toBe(200)
    expect(await rawGet(url, { host: `attacker.example:${port}` })).toBe(403)
    expect(await rawGet(url, { host: `127.0.0.1:${port}`, origin: 'https://attacker.example' })).toBe(403)
    expect(await rawGet(url, { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'cross-site' })).toBe(403)
    expect(await rawGet(url, { host: `127.0.0.1:${port}` }, 'POST')).toBe(405)
    expect(await rawGet(url.replace('/metrics', '/api/invoke/settings:get'), { host: `127.0.0.1:${port}` })).toBe(404)
    // The API itself still needs the host's token.
    expect((await fetch(`${host.base}/api/invoke/settings:get`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(
      401,
    )
  })

  it('off loopback only with a token of its own (Bearer), said in the help', async () => {
    const db = join(tempDir(), 'remote.db')
    const refused = await runCli(['serve', '--db', db, '--metrics', '--metrics-bind', '0.0.0.0'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/metrics on 0\.0\.0\.0 could be read from other machines: give a token of at least 16 characters/)
    const weak = join(tempDir(), 'weak-token')
    writeFileSync(weak, 'short\n')
    expect((await runCli(['serve', '--db', db, '--metrics-bind', '0.0.0.0', '--metrics-token-file', weak])).stderr).toMatch(/16 to 200 letters/)
    expect((await runCli(['serve', '--db', db, '--metrics', '--metrics-bind', 'localhost'])).stderr).toMatch(/not an IP address/)
    const help = execFileSync(process.execPath, [join(FAKE_SMI_DIR, '..', '..', 'bin', 'wattprint.js'), 'serve', '--help'], { encoding: 'utf8' })
    expect(help.replace(/\s+/g, ' ')).toMatch(/WARNING: other machines can then read your power/)
    const tokenFile = join(tempDir(), 'token')
    const token = 'a'.repeat(12) + 'Bc-_0123456789'
    writeFileSync(tokenFile, `${token}\n`)
    const host = await serveWithMetrics(db, ['--metrics-bind', '0.0.0.0', '--metrics-port', '0', '--metrics-token-file', tokenFile])
    const url = defined(host.metricsUrl, 'metrics').replace('0.0.0.0', '127.0.0.1')
    expect((await scrape(url)).status).toBe(401)
    expect((await scrape(url, { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401)
    expect((await scrape(url, { authorization: `Bearer ${token}` })).status).toBe(200)
  })
})
