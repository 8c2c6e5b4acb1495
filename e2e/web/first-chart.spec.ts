import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DashboardPage } from './dashboard.page.ts'
import { ARTIFACTS, expect, test } from './fixtures.ts'

// Reported, not asserted: time from navigation start to the dashboard's first chart, from the
// renderer's own performance mark. Playwright's fake clock replaces the performance timeline, so
// this spec runs on the real clock; it checks nothing that depends on the date.
test.describe('time to the first chart', () => {
  test.use({ hostOptions: { env: { WATTPRINT_FAKE_SMI_SPEED: '5' }, pinClock: false } })

  test('the dashboard paints its first chart and says how long it took', async ({ page, host }) => {
    const dashboard = new DashboardPage(page)
    await dashboard.open(host.url)
    await expect(dashboard.gpuCards).toHaveCount(1, { timeout: 15_000 })
    await expect(dashboard.chart).toBeVisible()
    const firstChartMs = Number(await page.evaluate('performance.getEntriesByName("wattprint:first-chart")[0]?.startTime ?? -1'))
    expect(firstChartMs).toBeGreaterThan(0)
    mkdirSync(ARTIFACTS, { recursive: true })
    writeFileSync(join(ARTIFACTS, 'first-chart.json'), JSON.stringify({ firstChartMs }))
    console.log(`time to first chart: ${firstChartMs.toFixed(0)} ms`)
  })
})
