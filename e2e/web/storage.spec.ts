import { readdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DashboardPage } from './dashboard.page.ts'
import { expect, screenshot, test } from './fixtures.ts'

test.describe('a damaged database at start', () => {
  test.use({ hostOptions: { env: { WATTPRINT_NVIDIA_SMI: '/nonexistent/nvidia-smi' }, damagedDb: true } })

  test('is moved aside, the user is told where and how to salvage it, and the app works on a fresh file', async ({ page, host }) => {
    const dashboard = new DashboardPage(page)
    await dashboard.open(host.url)
    const warning = page.getByTestId('start-warnings')
    await expect(warning).toContainText('The database was damaged')
    await expect(warning).toContainText('wattprint.db.damaged-')
    await expect(warning).toContainText('wattprint doctor --db')
    expect(readdirSync(dirname(host.dbPath)).some((f) => f.startsWith('wattprint.db.damaged-'))).toBe(true)
    await screenshot(page, 'damaged-database')
    // The fresh database answers.
    const report = await host.invoke<{ samples: number }>('report:range', { sinceMs: 0, untilMs: host.now() })
    expect(report.samples).toBe(0)
  })
})
