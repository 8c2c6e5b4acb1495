import { test as base, expect, type Page } from '@playwright/test'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FAKE_SMI_DIR = join(REPO_ROOT, 'e2e', 'fake-nvidia-smi')
export const DEMO_TRACE = join(REPO_ROOT, 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv')
/** Screenshots people look at: kept as test artifacts. */
export const ARTIFACTS = join(REPO_ROOT, 'e2e', 'artifacts')

export interface Host {
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
}

/** Starts `wattprint serve` (the real headless host) for one test and stops it afterwards. */
export const test = base.extend<{ hostOptions: HostOptions; host: Host; guard: null }>({
  hostOptions: [{ env: {} }, { option: true }],
  host: async ({ hostOptions }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'wattprint-e2e-'))
    const dbPath = join(dir, 'wattprint.db')
    if (hostOptions.seedDays) {
      execFileSync(process.execPath, [join(REPO_ROOT, 'e2e', 'seed-history.ts'), dbPath, String(hostOptions.seedDays)], { env: { ...process.env, TZ: 'UTC' } })
    }
    const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'wattprint.js'), 'serve', '--db', dbPath, '--port', '0'], {
      env: {
        ...process.env,
        PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`,
        WATTPRINT_FAKE_SMI_STATE: join(dir, 'launches'),
        WATTPRINT_FLUSH_MS: '500',
        TZ: 'UTC',
        ...hostOptions.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
    const url = await new Promise<string>((resolvePromise, reject) => {
      let out = ''
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString()
        if (out.includes('\n')) resolvePromise(out.split('\n')[0] ?? '')
      })
      child.on('exit', (code) => reject(new Error(`wattprint serve exited (${code}): ${stderr}`)))
    })
    const token = url.split('token=')[1] ?? ''
    const base = url.split('/?')[0] ?? ''
    const invoke = async <T,>(channel: string, request: unknown = {}): Promise<T> => {
      const res = await fetch(`${base}/api/invoke/${channel}`, { method: 'POST', body: JSON.stringify(request), headers: { authorization: `Bearer ${token}` } })
      const body = (await res.json()) as { result: T; error?: { message: string } }
      if (body.error) throw new Error(body.error.message)
      return body.result
    }
    await use({ url, base, token, dbPath, invoke })
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  },
  // Any uncaught error or console error in the page fails the test. It depends on the host so it
  // is checked (and the page closed) before the host stops: a page polling a stopped host is not a bug.
  guard: [
    async ({ page, host }, use) => {
      void host
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
      page.on('console', (m) => {
        // A 400 is the API refusing a bad value, which the UI shows inline; anything else is a bug.
        if (m.type() === 'error' && !m.text().includes('status of 400')) errors.push(`console: ${m.text()}`)
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
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([])
}
