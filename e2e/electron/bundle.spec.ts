import { expect, test } from '@playwright/test'
import { execFile } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { isolatedMachineEnv } from '../../test/isolated-machine.ts'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

// Runs everywhere, Electron binary or not: the built main bundle is loaded in plain Node with a
// stand-in `electron` module, so a bad import (a JSON file, a package that cannot be bundled)
// fails here and not on a user's first start.
/** Runs the built main bundle under the stand-in `electron`; the calls it made, in order. */
async function startUnderStandIn(options: {
  ready: boolean
  argv?: string[]
  config: string
  env?: Record<string, string>
}): Promise<[string, ...unknown[]][]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', join(REPO_ROOT, 'e2e', 'electron', 'stub', 'electron-stub.mjs'), join(REPO_ROOT, 'out', 'main', 'main.js'), ...(options.argv ?? [])],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...isolatedMachineEnv(),
        XDG_CONFIG_HOME: join(REPO_ROOT, 'test-results', options.config),
        WATTPRINT_STUB_READY: options.ready ? '1' : '0',
        ...options.env,
      },
    },
  )
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as [string, ...unknown[]][]
}

test('the built main process loads and starts up to app.whenReady()', async () => {
  const calls = await startUnderStandIn({ ready: false, config: 'electron-stub-config' })
  expect(calls.map((c) => c[0])).toEqual(expect.arrayContaining(['app.setPath', 'app.requestSingleInstanceLock', 'app.whenReady']))
})

test('once ready: a sandboxed, isolated window with the strict CSP, permissions denied, IPC bound, and the tray', async () => {
  const calls = await startUnderStandIn({ ready: true, config: 'electron-stub-ready' })
  const named = (name: string): unknown[][] => calls.filter((c) => c[0] === name).map((c) => c.slice(1))
  const [windowOptions] = named('new BrowserWindow')[0] as [{ webPreferences: Record<string, unknown> }]
  expect(windowOptions.webPreferences).toMatchObject({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    disableBlinkFeatures: 'Auxclick',
  })
  expect(String(named('window.loadFile')[0]?.[0])).toMatch(/out[/\\]renderer[/\\]index\.html$/)
  // New windows are denied (links open in the browser); the app itself never navigates.
  expect(named('webContents.setWindowOpenHandler')[0]?.[0]).toEqual({ action: 'deny' })
  expect(named('webContents.on').map((c) => c[0])).toContain('will-navigate')
  expect(named('permission media')[0]?.[0]).toBe(false)
  const headers = named('response headers')[0]?.[0] as Record<string, string[]>
  expect(headers['Content-Security-Policy']?.[0]).toMatch(/default-src 'self'; script-src 'self'/)
  expect(named('ipcMain.handle').length).toBeGreaterThan(10)
  expect(named('new Tray')).toHaveLength(1)
  // The idle icon for a light panel (the stand-in's theme), one of the rendered load icons.
  expect(named('nativeImage.createFromPath').map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/resources[/\\]icons[/\\]tray-light-0\.png$/))
  // The tray's words in the stand-in's language (en-US): starting, nothing recorded today.
  expect(named('tray.setToolTip')[0]?.[0]).toBe('Wattprint: looking for GPUs…\nToday: nothing recorded yet')
  expect(named('Menu.buildFromTemplate')[0]?.[0]).toEqual([
    'Today: nothing recorded yet',
    'separator',
    'Pause recording',
    'separator',
    'Open Wattprint',
    'Devices and sources…',
    'Show log files',
    'separator',
    'Quit Wattprint (stops recording)',
  ])
  expect(named('Menu.setApplicationMenu')[0]?.[0]).toEqual(['File', 'Edit', 'View', 'Window', 'Help'])
  // The window opens centred on the screen the first time (no saved place yet).
  expect(windowOptions).toMatchObject({ x: 360, y: 110, width: 1200, height: 820 })
  expect(named('dialog.showErrorBox')).toEqual([])
  // Start at login is off by default: no login item asked for, no autostart entry written (Linux).
  expect(existsSync(join(REPO_ROOT, 'test-results', 'electron-stub-ready', 'autostart', 'wattprint.desktop'))).toBe(false)
})

test('started at login (--hidden): recording in the tray, no window', async () => {
  const calls = await startUnderStandIn({ ready: true, argv: ['--hidden'], config: 'electron-stub-hidden' })
  expect(calls.filter((c) => c[0] === 'new Tray')).toHaveLength(1)
  expect(calls.filter((c) => c[0] === 'new BrowserWindow')).toHaveLength(0)
})

test('quitting from the tray writes the last readings and the log, then exits', async () => {
  const dir = join(REPO_ROOT, 'test-results', 'electron-stub-quit')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const db = join(dir, 'wattprint.db')
  const logs = join(dir, 'logs')
  const calls = await startUnderStandIn({
    ready: true,
    config: 'electron-stub-quit',
    env: {
      // The demo trace replayed as if live, at its own pace (a reading every 100 ms).
      WATTPRINT_SOURCE: `replay:${join(REPO_ROOT, 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv')}`,
      WATTPRINT_DB: db,
      WATTPRINT_LOG_DIR: logs,
      WATTPRINT_STUB_QUIT_MS: '1500',
      // Nothing is written on the way: only the quit can have written the readings.
      WATTPRINT_FLUSH_MS: '600000',
    },
  })
  const names = calls.map((c) => c[0])
  // will-quit is held until the recording is closed, then the app exits with 0.
  expect(calls.find((c) => c[0] === 'will-quit prevented')?.[1]).toBe(true)
  expect(calls.find((c) => c[0] === 'app.exit')?.[1]).toBe(0)
  expect(names).not.toContain('stand-in: never exited')
  // The readings of the last second are in the database: nothing was pending at exit.
  const database = new DatabaseSync(db, { readOnly: true })
  const readings = database.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }
  database.close()
  expect(readings.n).toBeGreaterThan(0)
  const { stdout } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin', 'wattprint.js'), 'report', '--db', db, '--json'], {
    env: { ...process.env, ...isolatedMachineEnv(), WATTPRINT_LOG_DIR: logs },
  })
  expect((JSON.parse(stdout) as { samples: number }).samples).toBeGreaterThan(8)
  const log = readFileSync(join(logs, 'app.log'), 'utf8')
  expect(log).toMatch(/start Wattprint .* \(app\)/)
  expect(log.trim().split('\n').at(-1)).toMatch(/\] stop$/)
})
