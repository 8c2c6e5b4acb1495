import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { FleetReport } from '../src-main/contract/fleet.ts'
import type { Report } from '../src-main/contract/footprint.ts'
import { defined, FAKE_SMI_DIR, runCli, tempDir, waitForAsync } from './helpers.ts'
import { startServeHost, type ServedHost } from './serve-host.ts'

// A real Prometheus server (Debian's package, 2.42; .ci/run installs it) scrapes, every second:
// a Wattprint host recording the stand-in nvidia-smi, a stand-in DCGM exporter and a stand-in
// nvidia_gpu_exporter. The fleet report then reads it all back through PromQL range queries.
const PROMETHEUS = '/usr/bin/prometheus'
const have = existsSync(PROMETHEUS)
if (!have) console.warn(`Prometheus tests skipped: ${PROMETHEUS} is not installed (apt install prometheus; .ci/run installs it)`)

const LOAD_W = 230
const DCGM_W = 300
const EXPORTER_W = 150
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

/** Stand-in exporters: DCGM's power gauge and energy counter (mJ, since "driver load"), and nvidia_gpu_exporter's power. */
async function standInExporters(): Promise<{ server: Server; port: number }> {
  const bornMs = Date.now()
  const server = createServer((req, res) => {
    const elapsedS = (Date.now() - bornMs) / 1000
    const body =
      req.url === '/dcgm'
        ? [
            '# TYPE DCGM_FI_DEV_POWER_USAGE gauge',
            `DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-dc900000-0000-4000-8000-000000000000",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="dgx-a"} ${DCGM_W}`,
            '# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter',
            `DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0",UUID="GPU-dc900000-0000-4000-8000-000000000000",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="dgx-a"} ${Math.round(5e6 + DCGM_W * elapsedS * 1000)}`,
          ].join('\n')
        : ['# TYPE nvidia_smi_power_draw_watts gauge', `nvidia_smi_power_draw_watts{uuid="GPU-e0000000-0000-4000-8000-000000000000"} ${EXPORTER_W}`].join('\n')
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
    res.end(`${body}\n`)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { server, port: (server.address() as AddressInfo).port }
}

describe.skipIf(!have)('a real Prometheus server scraping Wattprint, DCGM and nvidia_gpu_exporter', () => {
  let host: ServedHost
  let exporters: { server: Server; port: number }
  let prometheus: ChildProcess
  let promUrl = ''
  let loadFile = ''
  let startMs = 0

  beforeAll(async () => {
    const dir = tempDir()
    loadFile = join(dir, 'load')
    writeFileSync(loadFile, '0')
    startMs = Date.now()
    // The stand-in GPU draws nothing until the load starts: the counter starts at 0 while Prometheus looks.
    host = await startServeHost(
      join(dir, 'fleet.db'),
      {
        ...process.env,
        PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`,
        WATTPRINT_FAKE_SMI_LOAD_FILE: loadFile,
        WATTPRINT_FAKE_SMI_LOAD_W: String(LOAD_W),
        WATTPRINT_FAKE_SMI_IDLE_W: '0',
      },
      ['--metrics', '--metrics-port', '0'],
    )
    const metrics = new URL(defined(host.metricsUrl, 'metrics URL'))
    exporters = await standInExporters()
    const port = await freePort()
    const config = join(dir, 'prometheus.yml')
    // Each job names its machine as a real fleet would (instance relabelled; DCGM says Hostname itself).
    writeFileSync(
      config,
      `global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: wattprint
    static_configs: [{ targets: ['${metrics.host}'] }]
    relabel_configs: [{ target_label: instance, replacement: 'workstation:9787' }]
  - job_name: dcgm
    metrics_path: /dcgm
    static_configs: [{ targets: ['127.0.0.1:${exporters.port}'] }]
  - job_name: nvidia_gpu_exporter
    metrics_path: /exporter
    static_configs: [{ targets: ['127.0.0.1:${exporters.port}'] }]
    relabel_configs: [{ target_label: instance, replacement: 'render-box:9835' }]
`,
    )
    mkdirSync(join(dir, 'tsdb'))
    prometheus = spawn(
      PROMETHEUS,
      [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: 'ignore' },
    )
    promUrl = `http://127.0.0.1:${port}`
    await waitForAsync(async () => (await fetch(`${promUrl}/-/ready`)).status === 200, 'Prometheus ready', 20_000)
    // Every target scraped at least twice, then 12 s of load, then rest.
    const up = async (): Promise<number> => {
      const body = (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent('sum(up)')}`)).json()) as {
        data: { result: { value: [number, string] }[] }
      }
      return Number(body.data.result[0]?.value[1] ?? 0)
    }
    await waitForAsync(async () => (await up()) === 3, 'the three targets up', 20_000)
    await sleep(2500)
    writeFileSync(loadFile, '1')
    await sleep(12_000)
    writeFileSync(loadFile, '0')
    await sleep(3500)
  }, 90_000)

  afterAll(async () => {
    prometheus?.kill('SIGTERM')
    await host?.stop()
    await new Promise<void>((r) => (exporters ? exporters.server.close(() => r()) : r()))
  })

  it("reads each machine back; Wattprint's energy agrees with the host's own report within 1 %", async () => {
    const untilMs = Date.now()
    const fleet = (await runFleet([
      '--since',
      new Date(startMs - 5000).toISOString(),
      '--until',
      new Date(untilMs).toISOString(),
      '--step',
      '1',
    ])) as FleetReport
    expect(fleet.machines.map((m) => m.machine).sort()).toEqual(['dgx-a', 'render-box', 'workstation'])
    const own = await host.invoke<Report>('report:range', { sinceMs: 0, untilMs: Date.now() + 1 })
    const workstation = defined(
      fleet.machines.find((m) => m.machine === 'workstation'),
      'workstation',
    )
    const gpu = defined(workstation.devices[0], 'its GPU')
    expect(gpu).toMatchObject({
      family: 'wattprint',
      method: 'counter-increase',
      source: 'nvidia-smi',
      device: 'GPU-fa4e0000-0000-4000-8000-000000000000',
      resets: 0,
    })
    // 230 W for about 12 s: some 2.8 kJ.
    expect(own.energyJ).toBeGreaterThan(LOAD_W * 10)
    const agreement = (gpu.energyJ - own.energyJ) / own.energyJ
    console.info(`fleet (Prometheus) vs the host's own report: ${gpu.energyJ.toFixed(1)} J vs ${own.energyJ.toFixed(1)} J (${(agreement * 100).toFixed(3)} %)`)
    expect(Math.abs(agreement)).toBeLessThan(0.01)
    // The fleet's footprint is computed as local data's: energy range, grid factor with its source.
    expect(fleet.report.footprint.grid?.source?.url).toMatch(/^https:/)
    expect(fleet.report.footprint.energyRangeKWh[0]).toBeLessThan(fleet.report.footprint.energyKWh)
    expect(fleet.queries).toContain('wattprint_energy_joules_total')
  })

  it("takes DCGM's energy counter before its power gauge, and integrates nvidia_gpu_exporter's power; each as its series says", async () => {
    const untilMs = Date.now()
    const fleet = (await runFleet(['--since', new Date(startMs).toISOString(), '--until', new Date(untilMs).toISOString(), '--step', '1'])) as FleetReport
    const dgx = defined(
      fleet.machines.find((m) => m.machine === 'dgx-a'),
      'dgx-a',
    )
    // One H100, counted once: from the energy counter (mJ → J), not also from the power gauge.
    expect(dgx.devices).toHaveLength(1)
    const h100 = defined(dgx.devices[0], 'H100')
    expect(h100).toMatchObject({ family: 'dcgm-energy', method: 'counter-increase', name: 'NVIDIA H100 80GB HBM3' })
    const spanS = (defined(h100.lastMs, 'last') - defined(h100.firstMs, 'first')) / 1000
    expect(Math.abs(h100.energyJ - DCGM_W * spanS) / (DCGM_W * spanS)).toBeLessThan(0.05)
    const render = defined(fleet.machines.find((m) => m.machine === 'render-box')?.devices[0], 'render-box GPU')
    expect(render).toMatchObject({ family: 'nvidia-gpu-exporter', method: 'power-integration', maxPowerW: EXPORTER_W })
    expect(render.energyJ).toBeCloseTo(EXPORTER_W * render.coveredS, 6)
    expect(render.coveredS).toBeGreaterThan(15)
  })

  it('says what is wrong with a server that is not Prometheus, or not there', async () => {
    const notProm = await runCli(['fleet', '--prometheus', `http://127.0.0.1:${exporters.port}`, '--step', '1'])
    expect(notProm.code).toBe(1)
    expect(notProm.stderr).toMatch(/answered something Wattprint cannot read/)
    const gone = await runCli(['fleet', '--prometheus', `http://127.0.0.1:${await freePort()}`])
    expect(gone.stderr).toMatch(/cannot reach the Prometheus server .*ECONNREFUSED/)
  })

  async function runFleet(args: readonly string[]): Promise<unknown> {
    const result = await runCli(['fleet', '--prometheus', promUrl, '--json', ...args])
    if (result.code !== 0) throw new Error(result.stderr)
    return JSON.parse(result.stdout)
  }
})
