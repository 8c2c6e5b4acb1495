import { test as base, expect, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeBadDatabase } from '../../test/damage.ts'
import { isolatedMachineEnv } from '../../test/isolated-machine.ts'
import { startServeHost } from '../../test/serve-host.ts'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FAKE_SMI_DIR = join(REPO_ROOT, 'e2e', 'fake-nvidia-smi')
export const DEMO_TRACE = join(REPO_ROOT, 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv')
/** Screenshots people look at: kept as test artifacts. */
export const ARTIFACTS = join(REPO_ROOT, 'e2e', 'artifacts')

/**
 * "Now" for every spec: a Wednesday afternoon, so "this week" and "today" hold seeded history
 * whatever day the suite runs. The host, the fake nvidia-smi and the browser share it (it runs on
 * at real speed from when the host starts).
 */
export const PINNED_NOW = '2026-11-25T15:00:00.000Z'

export interface Host {
  /** The host's clock (pinned, unless the spec asked for the real one), ms. */
  now(): number
  pinned: boolean
  url: string
  base: string
  token: string
  dbPath: string
  invoke<T>(channel: string, request?: unknown): Promise<T>
}

export interface HostOptions {
  env: Record<string, string>
  /** Days of history to pre-fill (from the real demo trace) before the host starts. */
  seedDays?: number
  /** Pin "now" in the host, the fake nvidia-smi and the browser (default); false runs on the real clock. */
  pinClock?: boolean
  /** Start the host on a damaged Wattprint database (page-corrupted), to see what the user is told. */
  damagedDb?: boolean
}

/** Starts `wattprint serve` (the real headless host) for one test and stops it afterwards. */
export const test = base.extend<{ hostOptions: HostOptions; host: Host; guard: null }>({
  hostOptions: [{ env: {} }, { option: true }],
  host: async ({ hostOptions }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'wattprint-e2e-'))
    const dbPath = join(dir, 'wattprint.db')
    const nowAt = Date.now()
    const pinned = hostOptions.pinClock ?? true
    const clock: Record<string, string> = pinned ? { WATTPRINT_NOW: PINNED_NOW, WATTPRINT_NOW_AT: String(nowAt) } : {}
    const now = (): number => (pinned ? Date.parse(PINNED_NOW) + (Date.now() - nowAt) : Date.now())
    if (hostOptions.damagedDb) makeBadDatabase(dir, 'page-corrupted', dbPath)
    if (hostOptions.seedDays) {
      execFileSync(process.execPath, [join(REPO_ROOT, 'e2e', 'seed-history.ts'), dbPath, String(hostOptions.seedDays)], {
        env: { ...process.env, TZ: 'UTC', ...clock },
      })
    }
    const served = await startServeHost(dbPath, {
      ...process.env,
      ...isolatedMachineEnv(),
      PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`,
      WATTPRINT_FAKE_SMI_STATE: join(dir, 'launches'),
      WATTPRINT_FLUSH_MS: '500',
      TZ: 'UTC',
      ...clock,
      ...hostOptions.env,
    })
    const { url, base, token } = served
    const invoke = served.invoke.bind(served)
    await use({ now, pinned, url, base, token, dbPath, invoke })
    await served.stop()
  },
  // Any uncaught error or console error in the page fails the test. It depends on the host so it
  // is checked (and the page closed) before the host stops: a page polling a stopped host is not a bug.
  guard: [
    async ({ page, host }, use) => {
      // The browser's clock is the host's pinned one (timers keep running at real speed).
      if (host.pinned) await page.clock.install({ time: host.now() })
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
      page.on('console', (m) => {
        // A 400 is the API refusing a bad value, a 502 a server the user set (a fleet's Prometheus) failing: the UI
        // shows both inline. Anything else is a bug.
        if (m.type() === 'error' && !/status of (400|502)/.test(m.text())) errors.push(`console: ${m.text()}`)
      })
      await use(null)
      const seen = [...errors]
      await page.close()
      expect(seen, seen.join('\n')).toEqual([])
    },
    { auto: true },
  ],
})

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

export { expect }

/** Runs axe-core on the page: no serious or critical violation allowed. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const { default: AxeBuilder } = await import('@axe-core/playwright')
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    bad.map(
      (v) =>
        `${what}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
  ).toEqual([])
}
