import { readFileSync } from 'node:fs'
import { expect, expectAccessible, screenshot, test } from './fixtures.ts'

test.describe('the views, on four weeks of history', () => {
  test.use({ hostOptions: { env: { WATTPRINT_NVIDIA_SMI: '/nonexistent/nvidia-smi' }, seedDays: 28 } })

  test('the main navigation is reachable by keyboard, in order', async ({ page, host }) => {
    await page.goto(host.url)
    await page.getByTestId('nav-dashboard').waitFor()
    const names: string[] = []
    await page.keyboard.press('Tab') // skip link
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab')
      names.push(String(await page.evaluate('document.activeElement?.textContent ?? ""')).trim())
    }
    expect(names).toEqual(['Dashboard', 'History', 'Comparisons', 'What-if', 'Models', 'Devices', 'Settings'])
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
    await expectAccessible(page, 'settings')
  })

  test('History: weeks from the rollups, previous period, gaps, CSV/JSON export', async ({ page, host }) => {
    await page.goto(`${host.url}#/history`)
    await expect(page.getByTestId('history-energy')).toContainText('Wh')
    await expect(page.getByTestId('history-delta')).toContainText('vs the previous period')
    await expect(page.getByTestId('history-energy-range')).toContainText(/range \d/)
    await expect(page.getByTestId('history-co2e-range')).toContainText(/range \d/)
    await page.getByTestId('history-kind').selectOption('month')
    await expect(page.getByTestId('history-label')).toContainText(String(new Date(host.now()).getUTCFullYear()))
    await page.waitForTimeout(500)
    await screenshot(page, 'view-history-month')
    await page.getByTestId('history-explain-co2e').click()
    await expect(page.getByTestId('factor-dialog')).toContainText('Ember')
    await page.keyboard.press('Escape')
    await expectAccessible(page, 'history')
    const download = page.waitForEvent('download')
    await page.getByTestId('export-csv').click()
    const csv = readFileSync((await (await download).path()) ?? '', 'utf8')
    expect(csv.split('\n')[0]).toBe(
      'bucket_start_utc,device_id,device_name,energy_kwh,energy_kwh_low,energy_kwh_high,co2e_kg,co2e_kg_low,co2e_kg_high,cost,cost_low,cost_high,mean_power_w,max_power_w,samples,gaps',
    )
    expect(csv.split('\n').length).toBeGreaterThan(10)
    const jsonDownload = page.waitForEvent('download')
    await page.getByTestId('export-json').click()
    const json = JSON.parse(readFileSync((await (await jsonDownload).path()) ?? '', 'utf8')) as {
      buckets: unknown[]
      report: { footprint: { grid: { source: { url: string } } } }
    }
    expect(json.buckets.length).toBeGreaterThan(10)
    expect(json.report.footprint.grid.source.url).toMatch(/^https:/)
    // A day with no session (every sixth day) has no bucket: a gap, not a zero.
    await page.getByTestId('history-kind').selectOption('day')
    await page.getByTestId('history-prev').click()
    await expect(page.getByTestId('history-chart')).toBeVisible()
  })

  test('Comparisons: log scale, years to equal, and each figure opens its source', async ({ page, host }) => {
    await page.goto(`${host.url}#/comparisons`)
    await expect(page.getByTestId('comparisons-you')).toContainText('kWh')
    const gpt3 = page.getByTestId('run-gpt3-patterson2021')
    await expect(gpt3).toContainText('1.29 GWh')
    await expect(gpt3).toContainText('552 t')
    await expect(gpt3).toContainText('years to equal it')
    // The ratio and the years carry the range of your measured energy.
    await expect(gpt3.getByTestId('pace')).toContainText(/between [\d,.]+–[\d,.]+ years/)
    await expect(gpt3.getByTestId('ratio')).toContainText(/–/)
    await expect(page.getByTestId('comparisons-you-range')).toContainText(/Wh/)
    await gpt3.getByRole('button', { name: 'Source' }).click()
    await expect(page.getByTestId('factor-dialog')).toContainText('Patterson')
    await expect(page.getByTestId('factor-dialog').getByRole('link', { name: /arxiv\.org\/abs\/2104\.10350/ })).toBeVisible()
    await screenshot(page, 'view-comparisons-source')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('equivalences')).toContainText('km by new EU car')
    // Every commonly misquoted figure links its source.
    const misquotes = page.getByTestId('misquotes').locator('li')
    const count = await misquotes.count()
    expect(count).toBeGreaterThan(5)
    for (let i = 0; i < count; i++) await expect(misquotes.nth(i).getByRole('link').first()).toHaveAttribute('href', /^https:\/\//)
    await screenshot(page, 'view-comparisons')
    await expectAccessible(page, 'comparisons')
  })

  test("What-if: levers update the results; a scenario is saved and exported as the CLI's JSON", async ({ page, host }) => {
    await page.goto(`${host.url}#/what-if`)
    const quant = page.getByTestId('result-4-bit quantization')
    await expect(quant).toContainText('-75 %')
    await page.getByTestId('lever-0-0-toBits').fill('8')
    await expect(quant).toContainText('-50 %')
    // The slider drives the same lever; 16 → 16 bits is not a quantisation, and the field says so.
    await page.getByTestId('slider-0-0-toBits').fill('16')
    await expect(page.locator('.param-error')).toHaveText('field "toBits": quantisation means fewer bits after than before')
    await page.getByTestId('lever-0-0-toBits').fill('4')
    await expect(page.locator('.param-error')).toHaveCount(0)
    await expect(quant).toContainText('-75 %')
    // Every result carries its range and says what the baseline is (measured at home: PUE 1, the power supply).
    await expect(quant.getByTestId('range-energy')).toContainText('–')
    await expect(page.getByTestId('baseline-profile')).toContainText('home PC')
    await page.getByTestId('add-lever-type-1').selectOption('renewable-share')
    await page.getByTestId('add-lever-1').click()
    await expect(page.getByTestId('result-In the cloud')).toContainText('renewable contracts')
    await page.getByTestId('whatif-name').fill('Week 48 options')
    await page.getByTestId('whatif-save').click()
    await expect(page.getByRole('button', { name: 'Week 48 options' })).toBeVisible()
    const download = page.waitForEvent('download')
    await page.getByTestId('whatif-export').click()
    const exported = JSON.parse(readFileSync((await (await download).path()) ?? '', 'utf8')) as { name: string; variants: { levers: { type: string }[] }[] }
    expect(exported.name).toBe('Week 48 options')
    expect(exported.variants[1]?.levers.map((l) => l.type)).toEqual(['location', 'renewable-share'])
    // The same file runs in the CLI's scenario command (same schema): the API accepts it as is.
    const result = await host.invoke<{ variants: unknown[] }>('scenario:run', exported)
    expect(result.variants).toHaveLength(2)
    await page.waitForTimeout(300)
    await screenshot(page, 'view-what-if')
    // Other baselines: an inference workload estimated from model size, bits and the GPU's bandwidth.
    await page.getByTestId('whatif-baseline').selectOption('inference')
    await expect(page.getByTestId('whatif-results')).toContainText('1,000,000 tokens')
    await expectAccessible(page, 'what-if')
  })

  test('Settings: budgets and notifications are off until set; a budget is added, checked and kept; About lists versions, data sets and licences', async ({
    page,
    host,
  }) => {
    await page.goto(`${host.url}#/settings`)
    const notices = page.getByTestId('settings-notices')
    await expect(notices.getByTestId('settings-budget')).toHaveCount(0)
    await expect(page.getByTestId('settings-weekly')).not.toBeChecked()
    await expect(page.getByTestId('settings-stuck-w')).toHaveValue('')
    await page.getByTestId('budget-add').click()
    const budget = notices.getByTestId('settings-budget')
    await budget.getByTestId('budget-period').selectOption('week')
    await budget.getByTestId('budget-metric').selectOption('cost')
    // A cost budget without a price is never crossed: said beside it.
    await expect(budget).toContainText('needs a price per kWh')
    await budget.getByTestId('budget-limit').fill('-3')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('settings-error')).toContainText('budgets')
    await budget.getByTestId('budget-limit').fill('2,5')
    await page.getByTestId('settings-weekly').check()
    await page.getByTestId('settings-stuck-w').fill('60')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('settings-saved')).toBeVisible()
    expect(await host.invoke('settings:get')).toMatchObject({
      budgets: [{ period: 'week', metric: 'cost', limit: 2.5 }],
      weeklySummary: true,
      stuckGpuAlertW: 60,
    })
    await expect(page.getByTestId('settings-notices')).toContainText('Notifications are shown by the desktop app')
    await screenshot(page, 'view-settings-budgets')
    await expectAccessible(page, 'settings with a budget')
    await page.getByTestId('settings-about').click()
    await expect(page.getByRole('heading', { name: 'About Wattprint', level: 1 })).toBeVisible()
    await expect(page.getByTestId('about-version')).toContainText('MIT licence')
    await expect(page.getByTestId('about-data-pack')).toContainText('Reference data pack 1.')
    const sets = page.getByTestId('about-data-sets')
    await expect(sets.getByRole('row').filter({ hasText: 'Ember' })).toContainText('CC BY-SA 4.0')
    await expect(sets.getByRole('row').filter({ hasText: 'Demo trace' })).toContainText('Apache-2.0')
    await page.getByTestId('about-software').locator('summary').click()
    await expect(page.getByTestId('about-software').getByRole('row').filter({ hasText: 'echarts' })).toContainText('Apache-2.0')
    await screenshot(page, 'view-about')
    await expectAccessible(page, 'about')
  })

  test('Settings apply without a restart: French, dark theme, and the numbers follow', async ({ page, host }) => {
    await page.goto(`${host.url}#/settings`)
    await page.getByTestId('settings-interval').fill('50')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('settings-error')).toContainText('sampleIntervalMs')
    await page.getByTestId('settings-interval').fill('1000')
    await page.getByTestId('settings-language').selectOption('fr')
    await page.getByTestId('settings-theme').selectOption('dark')
    await page.getByTestId('settings-price').fill('0,25')
    await page.getByTestId('settings-mass-unit').selectOption('imperial')
    await page.getByTestId('settings-save').click()
    await expect(page.getByTestId('settings-saved')).toContainText('Enregistré')
    // Start at login and tray behaviour belong to the desktop app: disabled here, and said so.
    await expect(page.getByTestId('settings-login')).toBeDisabled()
    await expect(page.getByTestId('nav-history')).toHaveText('Historique')
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark')
    await screenshot(page, 'view-settings-fr-dark')
    await page.getByTestId('nav-history').click()
    // Numbers in French: a decimal comma, and the cost in euros.
    await expect(page.getByTestId('history-mean')).toContainText(/\d,\d W/)
    // CO2e in the unit chosen: ounces for a week of one GPU.
    await expect(page.locator('.tile:not(.tile--apart)').filter({ hasText: 'CO2e' })).toContainText('oz')
    await page.waitForTimeout(500)
    await screenshot(page, 'view-history-fr-dark')
    await expectAccessible(page, 'history (fr, dark)')
    await page.getByTestId('nav-comparisons').click()
    await expect(page.getByRole('heading', { name: 'Comparaisons', level: 1 })).toBeVisible()
    await screenshot(page, 'view-comparisons-fr-dark')
    await page.getByTestId('nav-devices').click()
    // The main process's sentences come as codes and are made in French here; a tool's own words stay as they are.
    const smi = page.getByTestId('source-nvidia-smi')
    await expect(smi).toContainText('nvidia-smi est introuvable (/nonexistent/nvidia-smi).')
    await expect(smi).toContainText('Il est fourni avec le pilote NVIDIA')
    await expect(page.getByTestId('source-nvml')).toContainText('non installé')
    await screenshot(page, 'view-devices-fr-dark')
    await expectAccessible(page, 'devices (fr, dark)')
    await page.getByTestId('nav-dashboard').click()
    await expect(page.getByTestId('status-banner')).toContainText('Pas de données en direct : aucune source de puissance trouvée')
    await screenshot(page, 'view-dashboard-fr-dark')
    await expectAccessible(page, 'dashboard (fr, dark)')
  })
})
