import { DashboardPage } from './dashboard.page.ts'
import { expect, screenshot, test } from './fixtures.ts'

test.describe('every figure says where it comes from', () => {
  test.use({ hostOptions: { env: { WATTPRINT_FAKE_SMI_SPEED: '3', LANG: 'de_DE.UTF-8' } } })

  test('CO2e and cost open their formula and sources; settings change the numbers', async ({ page, host }) => {
    const dashboard = new DashboardPage(page)
    await dashboard.open(host.url)
    await expect(dashboard.gpuCards).toHaveCount(1, { timeout: 15_000 })
    await expect(dashboard.todayCo2e).toHaveText(/\d/, { timeout: 15_000 })

    // Cost is unknown until a price is set: no invented tariff.
    await expect(dashboard.todayCost).toHaveText('—')
    await expect(page.getByTestId('set-price')).toBeVisible()

    await dashboard.setSettings({ country: 'POL' })
    await dashboard.explain('co2e')
    await expect(dashboard.factorDialog).toContainText('CO2e (kg) = energy (kWh) × grid intensity (g CO2e/kWh) ÷ 1000')
    await expect(dashboard.factorDialog).toContainText('Grid average, Poland')
    await expect(dashboard.factorDialog).toContainText('Ember')
    await expect(dashboard.factorDialog).toContainText('CC BY-SA 4.0')
    await expect(dashboard.factorDialog.getByRole('link', { name: /ember-climate/ })).toHaveAttribute('href', /^https:\/\/ember-climate\.org\//)
    // The energy's own uncertainty is a cited factor too (NVIDIA's NVML documentation, ±5%).
    await expect(dashboard.factorDialog.getByRole('link', { name: /docs\.nvidia\.com/ })).toBeVisible()
    await expect(dashboard.factorDialog).toContainText('0.95–1.05')
    const countries = await host.invoke<{ countries: { iso3: string; gCo2ePerKWh: number }[] }>('factors:countries')
    const pol = countries.countries.find((c) => c.iso3 === 'POL')?.gCo2ePerKWh
    await expect(dashboard.factorDialog).toContainText(`${pol} g CO2e/kWh`)
    await screenshot(page, 'co2e-source')
    await page.keyboard.press('Escape')
    await expect(dashboard.factorDialog).toBeHidden()

    // Every figure carries its range, and the reference data's version shows.
    await expect(page.getByTestId('today-energy-range')).toContainText('range')
    await expect(page.getByTestId('data-pack')).toContainText(/Reference data \d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\)/)
    await expect(page.getByTestId('tile-co2e')).toContainText('location-based')

    // A renewable contract makes the figure market-based, and the panel says so, citing the GHG Protocol.
    await dashboard.setSettings({ renewable: '50' })
    await expect(page.getByTestId('tile-co2e')).toContainText('market-based')
    await dashboard.explain('co2e')
    await expect(dashboard.factorDialog).toContainText('Scope 2')
    await page.getByTestId('factor-close').click()
    await dashboard.setSettings({ renewable: '' })

    // A cleaner grid gives less CO2e for the same energy.
    const today = await host.invoke<{ footprint: { co2eKg: number; energyKWh: number } }>('summary:today')
    expect(today.footprint.co2eKg / today.footprint.energyKWh).toBeCloseTo((pol ?? 0) / 1000, 6)
    await dashboard.setSettings({ grid: '20' })
    await dashboard.explain('co2e')
    await expect(dashboard.factorDialog).toContainText('Grid intensity you entered')
    await expect(dashboard.factorDialog).toContainText('entered by you in Settings')
    await page.getByTestId('factor-close').click()

    // A bad value gets a message naming the field; nothing is saved.
    await dashboard.setSettings({ price: '-3' })
    await expect(page.getByTestId('settings-error')).toContainText('pricePerKWh')
    await page.getByTestId('settings-price').fill('')

    await dashboard.setSettings({ price: '0.30', currency: 'EUR' })
    await expect(dashboard.todayCost).toHaveText(/€/)
    await dashboard.explain('cost')
    await expect(dashboard.factorDialog).toContainText('Electricity price you entered')
    await expect(dashboard.factorDialog).toContainText('0.3 EUR/kWh')
    await screenshot(page, 'cost-source')
    await page.getByTestId('factor-close').click()

    // The GPU's manufacturing carbon sits apart from the operational CO2e, with its cited figures.
    await expect(page.getByTestId('tile-embodied')).toContainText('not in the CO2e beside it')
    await expect(page.getByTestId('embodied-co2e')).toHaveText(/\d/)
    await dashboard.explain('embodied')
    await expect(dashboard.factorDialog).toContainText('consumer graphics card')
    await expect(dashboard.factorDialog.getByRole('link', { name: /hubblo-org\/gpu-calculator/ })).toBeVisible()
    await expect(dashboard.factorDialog.getByRole('link', { name: /doc\.api\.boavizta\.org/ })).toBeVisible()
    await screenshot(page, 'embodied-source')
    await page.getByTestId('factor-close').click()
    // A lifetime set in Settings spreads it thinner; an 80 PLUS rating fills in the supply's efficiency.
    const before = await host.invoke<{ embodied: { co2eKg: number } }>('summary:today')
    await dashboard.setSettings({ lifetime: '8', psuLevel: 'Platinum' })
    const after = await host.invoke<{ embodied: { co2eKg: number; lifetime: { value: number } } }>('summary:today')
    expect(after.embodied.lifetime.value).toBe(8)
    expect(after.embodied.co2eKg).toBeLessThan(before.embodied.co2eKg)
    const settings = await host.invoke<{ psuEfficiency: number }>('settings:get')
    expect(settings.psuEfficiency).toBeCloseTo(0.92, 9)

    // An idle baseline reports the energy above idle separately (the trace idles at ~22 W).
    await dashboard.setSettings({ idle: '20' })
    await expect(page.getByTestId('today-above-idle')).toContainText('above idle (the idle power set in Settings)')
  })

  test('the page carries a strict Content-Security-Policy and the API wants the token', async ({ page, host }) => {
    const response = await page.goto(host.url)
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
    expect(response?.headers()['content-security-policy']).toContain("object-src 'none'")
    const anonymous = await fetch(`${host.base}/api/invoke/settings:get`, { method: 'POST', body: '{}' })
    expect(anonymous.status).toBe(401)
    // The token is not in a cookie (cookies are shared by every port of 127.0.0.1): only a page key named after the port.
    const cookies = await page.context().cookies()
    expect(cookies.map((c) => c.name)).toEqual([`wattprint_page_${new URL(host.base).port}`])
    expect(cookies.some((c) => c.value === host.token)).toBe(false)
    // The page kept the token in this tab's memory: a reload still works, without it in the address bar.
    await page.reload()
    await expect(page.getByTestId('data-pack')).toBeVisible()
    expect(page.url()).not.toContain('token=')
    // Another page of another local server cannot drive the API, even knowing the token.
    const forged = await fetch(`${host.base}/api/invoke/settings:update`, {
      method: 'POST',
      body: JSON.stringify({ pricePerKWh: 9 }),
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' },
    })
    expect(forged.status).toBe(403)
  })
})
