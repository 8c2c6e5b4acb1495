import { DashboardPage } from './dashboard.page.ts'
import { expect, screenshot, test } from './fixtures.ts'

test.describe('a machine without an NVIDIA GPU', () => {
  test.use({ hostOptions: { env: { WATTPRINT_NVIDIA_SMI: '/nonexistent/nvidia-smi', WATTPRINT_DEMO_SPEED: '4' } } })

  test('says why there is no live data, offers the demo, and keeps the demo out of the history', async ({ page, host }) => {
    const dashboard = new DashboardPage(page)
    await dashboard.open(host.url)
    await expect(dashboard.statusBanner).toContainText('No live data: no power source found on this computer')
    await expect(dashboard.statusBanner).toContainText('AMD and Intel GPUs')
    // The token left the address bar once the page had it.
    expect(page.url()).not.toContain('token=')
    await screenshot(page, 'no-gpu')

    await dashboard.startDemo()
    await expect(dashboard.demoBanner).toContainText('never saved to your history')
    await expect(dashboard.card('Demo GPU')).toBeVisible()
    await expect(dashboard.card('Demo GPU').getByText('DEMO', { exact: true })).toBeVisible()
    await expect(page.getByTestId('live-total')).toContainText('DEMO')
    await expect(async () => {
      const wh = await dashboard.todayEnergy.textContent()
      expect(wh).toMatch(/^\d+(\.\d+)? (Wh|kWh)$/)
      expect(Number(wh?.split(' ')[0])).toBeGreaterThan(0)
    }).toPass({ timeout: 15_000 })
    await expect(page.locator('.today').getByText('DEMO', { exact: true })).toBeVisible()
    await page.waitForTimeout(3000)
    await screenshot(page, 'demo')

    await page.getByTestId('stop-demo').click()
    await expect(dashboard.statusBanner).toBeVisible()
    const history = await host.invoke<{ samples: number; devices: unknown[] }>('report:range', { sinceMs: 0, untilMs: Date.now() + 1000 })
    expect(history).toMatchObject({ samples: 0, devices: [] })
  })
})
