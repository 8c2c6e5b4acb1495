import type { Locator, Page } from '@playwright/test'

/** The dashboard, as a user sees it. */
export class DashboardPage {
  readonly page: Page
  readonly statusBanner: Locator
  readonly demoBanner: Locator
  readonly gpuCards: Locator
  readonly chart: Locator
  readonly todayEnergy: Locator
  readonly todayCo2e: Locator
  readonly todayCost: Locator
  readonly factorDialog: Locator

  constructor(page: Page) {
    this.page = page
    this.statusBanner = page.getByTestId('status-banner')
    this.demoBanner = page.getByTestId('demo-banner')
    this.gpuCards = page.getByTestId('gpu-card')
    this.chart = page.getByTestId('power-chart')
    this.todayEnergy = page.getByTestId('today-energy')
    this.todayCo2e = page.getByTestId('today-co2e')
    this.todayCost = page.getByTestId('today-cost')
    this.factorDialog = page.getByTestId('factor-dialog')
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await this.page.getByText('Wattprint', { exact: true }).waitFor()
  }

  card(name: string | RegExp): Locator {
    return this.gpuCards.filter({ hasText: name })
  }

  async startDemo(): Promise<void> {
    await this.page.getByTestId('start-demo').click()
    await this.demoBanner.waitFor()
  }

  async explain(what: 'energy' | 'co2e' | 'cost' | 'embodied'): Promise<void> {
    await this.page.getByTestId(`explain-${what}`).click()
    await this.factorDialog.waitFor()
  }

  /** Changes settings in the Settings view, then comes back to the dashboard. */
  async setSettings(values: {
    country?: string
    price?: string
    currency?: string
    grid?: string
    renewable?: string
    idle?: string
    psuLevel?: string
    lifetime?: string
  }): Promise<void> {
    await this.page.getByTestId('nav-settings').click()
    await this.page.getByTestId('settings-form').waitFor()
    if (values.country) await this.page.getByTestId('settings-country').selectOption(values.country)
    if (values.grid !== undefined) await this.page.getByTestId('settings-grid').fill(values.grid)
    if (values.price !== undefined) await this.page.getByTestId('settings-price').fill(values.price)
    if (values.renewable !== undefined) await this.page.getByTestId('settings-renewable').fill(values.renewable)
    if (values.currency) await this.page.getByTestId('settings-currency').fill(values.currency)
    if (values.idle !== undefined) await this.page.getByTestId('settings-idle').fill(values.idle)
    if (values.psuLevel) await this.page.getByTestId('settings-psu-level').selectOption(values.psuLevel)
    if (values.lifetime !== undefined) await this.page.getByTestId('settings-lifetime').fill(values.lifetime)
    // Wait for this save's answer, not a message left on screen by the previous one.
    const answered = this.page.waitForResponse((r) => /\/api\/invoke\/settings(%3A|:)update$/.test(r.url()))
    await this.page.getByTestId('settings-save').click()
    const response = await answered
    if (!response.ok()) {
      await this.page.getByTestId('settings-error').waitFor()
      return
    }
    await this.page.getByTestId('settings-saved').waitFor()
    await this.page.getByTestId('nav-dashboard').click()
    await this.gpuCards.first().or(this.page.getByText('No GPU readings yet.')).waitFor()
  }
}
