import { _electron as electron, expect, test } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * The Electron binary's path, or why there is none. Reads the package's path.txt instead of
 * require('electron'), which would try to download the binary (no network here).
 */
function electronBinary(): { path: string } | { why: string } {
  const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  const pathFile = join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) {
    return { why: 'the Electron binary is not installed (npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on CI, where it cannot be downloaded)' }
  }
  const path = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(path) ? { path } : { why: `the Electron binary is missing at ${path}` }
}

const binary = electronBinary()
// Say why in the run's output, not only in the report.
if ('why' in binary) console.log(`electron specs skipped: ${binary.why}`)

test.describe('the desktop app (Electron)', () => {
  test.skip('why' in binary, 'why' in binary ? binary.why : '')

  test('opens a sandboxed, isolated window with the preload API and no Node', async () => {
    if (!('path' in binary)) return
    const dir = mkdtempSync(join(tmpdir(), 'wattprint-electron-'))
    // A headless Linux box has no display: give Electron a virtual one.
    let xvfb: ChildProcess | null = null
    let display = process.env.DISPLAY
    if (process.platform === 'linux' && !display && existsSync('/usr/bin/Xvfb')) {
      display = ':97'
      xvfb = spawn('/usr/bin/Xvfb', [display, '-screen', '0', '1280x900x24'], { stdio: 'ignore' })
      await new Promise((r) => setTimeout(r, 500))
    }
    const app = await electron.launch({
      executablePath: binary.path,
      args: [join(REPO_ROOT, 'out', 'main', 'main.js'), '--no-sandbox'],
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...(display ? { DISPLAY: display } : {}),
        XDG_CONFIG_HOME: dir,
        WATTPRINT_DB: join(dir, 'wattprint.db'),
        WATTPRINT_SOURCE: `replay:${join(REPO_ROOT, 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv')}`,
      },
    })
    try {
      const page = await app.firstWindow()
      // No Node in the page (nodeIntegration off, sandboxed, isolated): only the bridge.
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined')
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
      expect(await page.evaluate(() => typeof (globalThis as { wattprint?: { telemetry?: { status?: unknown } } }).wattprint?.telemetry?.status)).toBe(
        'function',
      )
      await expect(page.getByTestId('gpu-card')).toHaveCount(1, { timeout: 15_000 })
      await page.screenshot({ path: join(REPO_ROOT, 'e2e', 'artifacts', 'electron-dashboard.png') })
      // The API refuses what the contract does not allow, from the renderer too.
      const refused = await page.evaluate(() => {
        const api = (globalThis as unknown as { wattprint: { telemetry: { recent(r: unknown): Promise<unknown> } } }).wattprint
        return api.telemetry.recent({ windowS: -1 }).then(
          () => 'accepted',
          (e: Error) => e.message,
        )
      })
      expect(refused).toMatch(/windowS/)
      // The application menu in the user's language, and the main process opening a view (as the tray and menus do).
      const menu = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((item) => item.label) ?? [])
      expect(menu).toEqual(process.platform === 'darwin' ? ['Wattprint', 'Edit', 'View', 'Window', 'Help'] : ['File', 'Edit', 'View', 'Window', 'Help'])
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.send('app:navigate', { route: '/about' }))
      await expect(page.getByRole('heading', { name: 'About Wattprint', level: 1 })).toBeVisible()
    } finally {
      await app.close()
      xvfb?.kill()
    }
  })
})
