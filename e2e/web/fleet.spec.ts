import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, expectAccessible, screenshot, test } from './fixtures.ts'

/**
 * A stand-in Prometheus API answering query_range with a small fleet, as the real server answers
 * (the shapes test/prometheus.node.test.ts reads from Debian's Prometheus 2.42): a workstation
 * running Wattprint, a DGX with DCGM's energy counter and power, a render box with nvidia_gpu_exporter.
 */
async function standInPrometheus(nowMs: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const query = url.searchParams.get('query') ?? ''
    const start = Number(url.searchParams.get('start'))
    const end = Math.min(Number(url.searchParams.get('end')), Math.floor(nowMs / 1000))
    const step = Number.parseInt(url.searchParams.get('step') ?? '15', 10)
    const times: number[] = []
    for (let t = Math.max(start, end - 2 * 86_400); t <= end; t += step) times.push(t)
    const series = (metric: Record<string, string>, value: (i: number) => number) => ({ metric, values: times.map((t, i) => [t, String(value(i))]) })
    const result = query.startsWith('wattprint_energy_joules_total')
      ? [
          series(
            {
              __name__: 'wattprint_energy_joules_total',
              instance: 'workstation:9787',
              job: 'wattprint',
              device: 'GPU-4090',
              name: 'NVIDIA GeForce RTX 4090',
              domain: 'gpu',
              source: 'nvml',
              method: 'counter',
            },
            (i) => 1e6 + i * step * 320,
          ),
        ]
      : query.startsWith('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION')
        ? [
            series(
              { Hostname: 'dgx-a', UUID: 'GPU-h100-0', gpu: '0', modelName: 'NVIDIA H100 80GB HBM3', instance: '10.0.0.5:9400' },
              (i) => 5e9 + i * step * 650_000,
            ),
          ]
        : query.includes('DCGM_FI_DEV_POWER_USAGE')
          ? [series({ Hostname: 'dgx-a', UUID: 'GPU-h100-0', gpu: '0', modelName: 'NVIDIA H100 80GB HBM3', instance: '10.0.0.5:9400' }, () => 650)]
          : [series({ uuid: 'GPU-a6000', instance: 'render-box:9835', job: 'nvidia_gpu_exporter' }, () => 180)]
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

test.describe('a fleet on a Prometheus server', () => {
  test.use({ hostOptions: { env: { WATTPRINT_NVIDIA_SMI: '/nonexistent/nvidia-smi' }, seedDays: 3 } })

  test('set in Settings, History shows each machine and the total with its footprint, and Comparisons can compare the fleet', async ({ page, host }) => {
    const prometheus = await standInPrometheus(host.now())
    try {
      await page.goto(`${host.url}#/settings`)
      await page.getByTestId('settings-fleet-url').fill('ftp://nowhere')
      await page.getByTestId('settings-save').click()
      await expect(page.getByTestId('settings-error')).toContainText('Prometheus server address')
      await page.getByTestId('settings-fleet-url').fill(prometheus.url)
      await page.getByTestId('settings-save').click()
      await expect(page.getByTestId('settings-saved')).toBeVisible()
      await page.getByTestId('nav-history').click()
      const card = page.getByTestId('fleet-card')
      await expect(card.getByTestId('fleet-device')).toHaveCount(3)
      await expect(card.getByTestId('fleet-table')).toContainText('dgx-a')
      await expect(card.getByTestId('fleet-table')).toContainText('DCGM energy counter · counter increase')
      await expect(card.getByTestId('fleet-table')).toContainText('nvidia_gpu_exporter power · mean power × time')
      await expect(card.getByTestId('fleet-total')).toContainText('CO2e')
      await card.scrollIntoViewIfNeeded()
      await screenshot(page, 'view-history-fleet')
      await expectAccessible(page, 'history with a fleet')
      await page.getByTestId('nav-comparisons').click()
      await page.getByTestId('comparisons-scope').selectOption('fleet')
      await expect(page.getByTestId('comparisons-you')).toContainText('Your fleet')
      await screenshot(page, 'view-comparisons-fleet')
      // The server gone: History says so, naming it, and shows the local history as before.
      prometheus.server.close()
      prometheus.server.closeAllConnections()
      await page.getByTestId('nav-history').click()
      await expect(page.getByTestId('fleet-error')).toContainText('cannot reach the Prometheus server')
      await expect(page.getByTestId('history-energy')).toContainText('Wh')
    } finally {
      prometheus.server.close()
    }
  })
})
