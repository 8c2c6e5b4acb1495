import { readFileSync } from 'node:fs'
import { integrateSeries } from '../../src-main/core/integration.ts'
import { epochMsFromLocalParts } from '../../src-main/core/time.ts'
import { parseNvidiaSmiLog } from '../../src-main/telemetry/parsers/nvidia-smi-log.parse.ts'
import { DashboardPage } from './dashboard.page.ts'
import { DEMO_TRACE, expect, screenshot, test } from './fixtures.ts'

const SPEED = 5
const GPUS = 2

/** What the fake nvidia-smi will replay: the trace's readings and its energy at SPEED×. */
function traceFacts(): { lastPowerW: number; energyJ: number } {
  const parsed = parseNvidiaSmiLog(readFileSync(DEMO_TRACE, 'utf8'))
  if (!parsed.ok) throw new Error(parsed.problem.code)
  const points = parsed.log.records.map(({ record }) => ({ tMs: epochMsFromLocalParts(record.time, 'UTC') ?? 0, powerW: record.powerW }))
  const energyJ = integrateSeries(points, 10).energyJ / SPEED
  // GPU i draws the trace's power × (1 + i/4): 1 + 1.25 for two GPUs.
  return { lastPowerW: points.at(-1)?.powerW ?? 0, energyJ: energyJ * (1 + 1.25) }
}

test.describe('live telemetry from a (fake) nvidia-smi replaying a real trace', () => {
  test.use({
    hostOptions: {
      env: {
        WATTPRINT_FAKE_SMI_SPEED: String(SPEED),
        WATTPRINT_FAKE_SMI_GPUS: String(GPUS),
        // One pass over the trace, then the GPU "disappears", so the totals stop moving.
        WATTPRINT_FAKE_SMI_MODE: 'once',
        WATTPRINT_FAKE_SMI_FAIL_LAUNCHES: '1',
        WATTPRINT_FAKE_SMI_LATER_MODE: 'no-device',
      },
    },
  })

  test("shows each GPU's watts and today's energy as the trace implies", async ({ page, host }) => {
    const facts = traceFacts()
    const dashboard = new DashboardPage(page)
    await dashboard.open(host.url)
    await expect(dashboard.gpuCards).toHaveCount(GPUS, { timeout: 15_000 })
    await expect(page.getByTestId('live-total')).toContainText('Live')
    // Mid-burst: the chart has the idle → load ramp on it.
    await page.waitForTimeout(7_000)
    await screenshot(page, 'dashboard-live')

    // After the single pass nvidia-smi "loses" the GPU: the banner says so, in nvidia-smi's words.
    await expect(dashboard.statusBanner).toContainText('no GPU or CPU power sensor found', { timeout: 20_000 })
    await expect(dashboard.statusBanner).toContainText('No devices were found')

    // The last readings are the trace's last value (GPU 1 draws 1.25×), marked as the last ones.
    await expect(dashboard.gpuCards.getByTestId('gpu-stale')).toHaveCount(2)
    const watts = await dashboard.gpuCards.getByTestId('gpu-watts').allTextContents()
    const expected = [facts.lastPowerW, facts.lastPowerW * 1.25].map((w) => `${w.toFixed(1)} W`)
    expect(watts.map((w) => w.trim()).sort()).toEqual(expected.sort())

    // Today's energy: the trace integrated at 5× speed, both GPUs (within 3%: timer jitter).
    await expect(async () => {
      const today = await host.invoke<{ energyJ: number; samples: number }>('summary:today')
      expect(today.samples).toBeGreaterThan(1200)
      expect(Math.abs(today.energyJ - facts.energyJ) / facts.energyJ).toBeLessThan(0.03)
      const shownWh = Number((await dashboard.todayEnergy.textContent())?.replace(/[^\d.]/g, ''))
      expect(Math.abs(shownWh * 3600 - today.energyJ) / today.energyJ).toBeLessThan(0.01)
    }).toPass({ timeout: 15_000 })
    await screenshot(page, 'dashboard-after-trace')

    // The same figures are in the history the CLI reports on.
    const report = await host.invoke<{ devices: { deviceId: string }[] }>('report:range', { sinceMs: 0, untilMs: Date.now() + 1000 })
    expect(report.devices.map((d) => d.deviceId).sort()).toEqual(['GPU-fa4e0000-0000-4000-8000-000000000000', 'GPU-fa4e0001-0000-4000-8000-000000000000'])
  })
})

test.describe('pausing the recording (the tray does it in the desktop app)', () => {
  test.use({ hostOptions: { env: { WATTPRINT_FAKE_SMI_SPEED: '5' } } })

  test('the dashboard says since when it is paused and resumes with a click; the paused time is a gap', async ({ page, host }) => {
    const dashboard = new DashboardPage(page)
    await dashboard.open(host.url)
    await expect(dashboard.gpuCards).toHaveCount(1, { timeout: 15_000 })
    const paused = await host.invoke<{ paused: { sinceMs: number } | null }>('recording:pause')
    const sinceMs = paused.paused?.sinceMs ?? 0
    const banner = page.getByTestId('paused-banner')
    await expect(banner).toContainText('Recording paused since')
    await expect(banner).toContainText('a gap in your history, not zero')
    await screenshot(page, 'dashboard-paused')
    await page.waitForTimeout(1500)
    // Still paused until the click: nothing was read from the pause to here.
    const beforeResumeMs = host.now()
    await page.getByTestId('resume-recording').click()
    await expect(banner).toHaveCount(0)
    await expect(page.getByTestId('live-total')).toContainText('Live', { timeout: 15_000 })
    const gap = await host.invoke<{ samples: number; energyJ: number }>('report:range', { sinceMs: sinceMs + 1, untilMs: beforeResumeMs })
    expect(gap).toMatchObject({ samples: 0, energyJ: 0 })
  })
})
