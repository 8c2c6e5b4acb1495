import { defineConfig } from '@playwright/test'
import { existsSync } from 'node:fs'

// Debian's Chromium where it is installed (CI, this machine); Playwright's own browser elsewhere.
const chromium = process.env.WATTPRINT_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/playwright',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  projects: [
    {
      name: 'web',
      testMatch: 'web/**/*.spec.ts',
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 860 },
        // The host runs with TZ=UTC: the browser reads dates in the same zone.
        timezoneId: 'UTC',
        launchOptions: {
          ...(chromium ? { executablePath: chromium } : {}),
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
        },
        screenshot: 'only-on-failure',
        trace: 'off',
      },
    },
    { name: 'electron', testMatch: 'electron/**/*.spec.ts' },
  ],
})
