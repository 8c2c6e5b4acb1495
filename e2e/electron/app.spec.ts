import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync, mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The Electron binary's path, or why there is none (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1). */
function electronBinary(): { path: string } | { why: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown
    if (typeof path === 'string' && existsSync(path)) return { path }
    return { why: 'the Electron binary is not installed (npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on CI)' }
  } catch (error) {
    return { why: `the electron package cannot give its binary: ${String(error).split('\n')[0]}` }
  }
}

const binary = electronBinary()
// Say why in the run's output, not only in the report.
if ('why' in binary) console.log(`electron specs skipped: ${binary.why}`)

test.describe('the desktop app (Electron)', () => {
  test.skip('why' in binary, 'why' in binary ? binary.why : '')

  test('opens a sandboxed, isolated window with the preload API and no Node', async () => {
    if (!('path' in binary)) return
    const dir = mkdtempSync(join(tmpdir(), 'wattprint-electron-'))
    const app = await electron.launch({
      executablePath: binary.path,
      args: [join(REPO_ROOT, 'out', 'main', 'main.js'), '--no-sandbox'],
      cwd: REPO_ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: dir, WATTPRINT_DB: join(dir, 'wattprint.db'), WATTPRINT_SOURCE: `replay:${join(REPO_ROOT, 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv')}` },
    })
    try {
      const page = await app.firstWindow()
      // No Node in the page (nodeIntegration off, sandboxed, isolated): only the bridge.
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined')
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
      expect(await page.evaluate(() => typeof (globalThis as { wattprint?: { telemetry?: { status?: unknown } } }).wattprint?.telemetry?.status)).toBe('function')
      await expect(page.getByTestId('gpu-card')).toHaveCount(1, { timeout: 15_000 })
      await page.screenshot({ path: join(REPO_ROOT, 'e2e', 'artifacts', 'electron-dashboard.png') })
      // The API refuses what the contract does not allow, from the renderer too.
      const refused = await page.evaluate(() => {
        const api = (globalThis as unknown as { wattprint: { telemetry: { recent(r: unknown): Promise<unknown> } } }).wattprint
        return api.telemetry.recent({ windowS: -1 }).then(() => 'accepted', (e: Error) => e.message)
      })
      expect(refused).toMatch(/windowS/)
    } finally {
      await app.close()
    }
  })
})
