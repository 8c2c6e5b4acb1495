import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defined, REPO_ROOT, steadyPowerLog, tempDir, useFakeNvidiaSmi, waitFor } from '../../test/helpers.ts'
import {
  displays,
  resetElectron,
  seen,
  setNotificationsSupported,
  nativeTheme,
  type FakeTray,
  type FakeWindow,
  type MenuItemOptions,
} from '../../test/stand-ins/electron/index.ts'
import { shiftedClock } from '../core/clock.ts'
import { createContext, type AppContext } from '../api/context.ts'
import { dispatch } from '../api/dispatch.ts'
import type { Reader } from './desktop-text.ts'

// "Today" and the daily budget are local days: this file's data and clock are in UTC, so is its zone.
process.env.TZ = 'UTC'

// The Electron layer against the stand-in electron module: what the tray, the notifications,
// the window and the menu ask of Electron, with the real context behind them.
vi.mock('electron', () => import('../../test/stand-ins/electron/index.ts'))
const { createTray } = await import('./tray.ts')
const { bindNotifications } = await import('./notifications.ts')
const { createMainWindow } = await import('./window.ts')
const { setAppMenu } = await import('./app-menu.ts')

const ICONS = join(REPO_ROOT, 'resources', 'icons')
// Wednesday 18 November 2026, 11:00 UTC, as the app's clock reads it; 300 W for the hour from 08:00 UTC
// (0.3 kWh) already in today's history.
const NOW = Date.parse('2026-11-18T11:00:00Z')

const french = (language: 'en' | 'fr' = 'fr'): Reader => ({
  language,
  locale: language === 'fr' ? 'fr-FR' : 'en-GB',
  energyUnit: 'auto',
  massUnit: 'metric',
  currency: 'EUR',
  timeZone: 'UTC',
})

let contexts: AppContext[] = []
let restore: (() => void) | null = null
beforeEach(() => resetElectron())
afterEach(async () => {
  for (const c of contexts) await c.close()
  contexts = []
  restore?.()
  restore = null
})

function labels(menu: readonly MenuItemOptions[]): string[] {
  return menu.map((i) => i.label ?? `(${i.type ?? i.role ?? '?'})`)
}

describe('the tray, with a GPU recorded by the stand-in nvidia-smi', () => {
  async function live(): Promise<{ ctx: AppContext; tray: FakeTray; load: string; shown: string[]; reader: { current: Reader } }> {
    const load = join(tempDir(), 'load')
    writeFileSync(load, '0')
    restore = useFakeNvidiaSmi({
      WATTPRINT_FAKE_SMI_SPEED: '1',
      WATTPRINT_FAKE_SMI_LOAD_FILE: load,
      WATTPRINT_FAKE_SMI_LOAD_W: '400',
      WATTPRINT_FAKE_SMI_IDLE_W: '30',
    })
    const ctx = createContext({
      dbPath: join(tempDir(), 'tray.db'),
      host: 'electron',
      version: 'test',
      source: { kind: 'nvidia-smi' },
      locale: 'fr-FR',
      flushIntervalMs: 200,
      sampleIntervalMs: 100,
      clock: shiftedClock(NOW, Date.now()),
    })
    contexts.push(ctx)
    await dispatch(ctx, 'history:import', {
      format: 'nvidia-smi-csv',
      text: steadyPowerLog(NOW - 3 * 3_600_000, 3600, 300),
      fileName: 'morning.csv',
      zone: 'UTC',
    })
    ctx.start()
    const shown: string[] = []
    const reader = { current: french() }
    createTray(ctx, ICONS, () => reader.current, {
      show: (route) => shown.push(route ?? 'window'),
      quit: () => shown.push('quit'),
      revealLogs: () => shown.push('logs'),
    })
    const tray = defined(seen.trays[0], 'the tray')
    await waitFor(() => tray.tooltip.includes('en ce moment'), 'a live tooltip')
    return { ctx, tray, load, shown, reader }
  }

  it("shows live watts and today's energy and CO2e in the tooltip, today's totals in the menu, in the user's language", async () => {
    const { ctx, tray, reader } = await live()
    expect(tray.tooltip).toMatch(/^Wattprint : [\d,]+ W en ce moment \(1 appareil\)\nAujourd’hui : 30\d Wh, [\d,]+ g CO2e$/)
    expect(labels(tray.menu)).toEqual([
      expect.stringMatching(/^Aujourd’hui : 30\d Wh, [\d,]+ g CO2e$/),
      '(separator)',
      'Mettre l’enregistrement en pause',
      '(separator)',
      'Ouvrir Wattprint',
      'Appareils et sources…',
      'Afficher les journaux',
      '(separator)',
      'Quitter Wattprint (arrête l’enregistrement)',
    ])
    expect(tray.menu[0]?.enabled).toBe(false)
    // A price set: today's cost joins the menu; the language set to English: the words follow.
    reader.current = french('en')
    await dispatch(ctx, 'settings:update', { pricePerKWh: 0.2, currency: 'EUR', language: 'en' })
    expect(tray.menu[0]?.label).toMatch(/^Today: 30\d Wh, [\d.]+ g CO2e, €0\.06$/)
    expect(tray.tooltip).toMatch(/^Wattprint: [\d.]+ W now \(1 device\)/)
  })

  it('pauses and resumes recording from the menu; paused, the tooltip and menu say since when and the icon shows no load', async () => {
    const { ctx, tray, load } = await live()
    writeFileSync(load, '1')
    await waitFor(() => tray.image.path.endsWith('tray-light-4.png'), 'the full-load icon')
    tray.click('Mettre l’enregistrement en pause')
    await waitFor(() => ctx.telemetryStatus().paused !== null, 'paused')
    await waitFor(() => tray.tooltip.startsWith('Wattprint : enregistrement en pause depuis 11:0'), 'the paused tooltip')
    const since = defined(tray.tooltip.split('\n')[0], 'first line').slice(-5)
    expect(labels(tray.menu)).toContain(`Reprendre l’enregistrement (en pause depuis ${since})`)
    expect(tray.image.path).toMatch(/tray-light-0\.png$/)
    tray.click('Reprendre')
    await waitFor(() => ctx.telemetryStatus().paused === null && tray.tooltip.includes('en ce moment'), 'recording again')
  })

  it('lights the bars with the load, redraws them for a dark panel, and opens the window and Devices', async () => {
    const { tray, load, shown } = await live()
    expect(tray.image.path).toMatch(/tray-light-0\.png$/)
    // 400 W of a 450 W limit: 89 %, every bar lit.
    writeFileSync(load, '1')
    await waitFor(() => tray.image.path.endsWith('tray-light-4.png'), 'the full-load icon')
    nativeTheme.shouldUseDarkColors = true
    nativeTheme.emit('updated')
    expect(tray.image.path).toMatch(/tray-dark-4\.png$/)
    tray.click('Appareils et sources')
    tray.click('Ouvrir Wattprint')
    tray.emit('click')
    expect(shown).toEqual(['/devices', '/', 'window'])
    // Icons are swapped only on a change of level, not on every reading.
    const swaps = tray.images.length
    await new Promise((r) => setTimeout(r, 500))
    expect(tray.images.length).toBe(swaps)
    for (const path of tray.images) expect(existsSync(path), path).toBe(true)
  })
})

describe('notifications', () => {
  it('a crossed budget is notified once (in French here), and its click opens History; none where the system has no notifications', async () => {
    const now = { ms: NOW }
    const ctx = createContext({
      dbPath: join(tempDir(), 'notify.db'),
      host: 'electron',
      version: 'test',
      clock: { nowMs: () => now.ms },
      locale: 'fr-FR',
      notices: true,
    })
    contexts.push(ctx)
    await dispatch(ctx, 'history:import', {
      format: 'nvidia-smi-csv',
      text: steadyPowerLog(NOW - 3 * 3_600_000, 3600, 300),
      fileName: 'morning.csv',
      zone: 'UTC',
    })
    const opened: string[] = []
    bindNotifications(
      ctx,
      () => french(),
      (route) => opened.push(route),
    )
    await dispatch(ctx, 'settings:update', { budgets: [{ period: 'day', metric: 'energy', limit: 0.25 }] })
    ctx.notices.check()
    ctx.notices.check()
    expect(seen.notifications.map((n) => n.options)).toEqual([
      { title: 'Budget d’énergie du jour atteint', body: 'Aujourd’hui : 300 Wh, votre budget est de 250 Wh.', silent: false },
    ])
    defined(seen.notifications[0], 'notification').emit('click')
    expect(opened).toEqual(['/history'])
    setNotificationsSupported(false)
    await dispatch(ctx, 'settings:update', { budgets: [{ period: 'day', metric: 'energy', limit: 0.2 }] })
    expect(ctx.notices.check()).toHaveLength(1)
    expect(seen.notifications).toHaveLength(1)
  })
})

describe('the window', () => {
  const outDir = join(REPO_ROOT, 'out')
  const open = (stateFile: string, route?: string): FakeWindow =>
    createMainWindow({ outDir, iconPath: 'icon.png', stateFile, ...(route ? { route } : {}) }) as unknown as FakeWindow

  it('opens centred the first time, then where and as large as it was left, maximised if it was', async () => {
    vi.useFakeTimers()
    try {
      const stateFile = join(tempDir(), 'window-state.json')
      const first = open(stateFile)
      expect(first.options).toMatchObject({
        x: 360,
        y: 110,
        width: 1200,
        height: 820,
        webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
      })
      first.setBounds({ x: 100, y: 80, width: 1000, height: 700 })
      // Saved once the move settles, not on every pixel.
      expect(existsSync(stateFile)).toBe(false)
      await vi.advanceTimersByTimeAsync(600)
      expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: false })
      first.maximize()
      first.close()
      const second = open(stateFile, '/devices')
      expect(second.options).toMatchObject({ x: 100, y: 80, width: 1000, height: 700 })
      expect(second.loaded.options).toEqual({ hash: '/devices' })
      second.emit('ready-to-show')
      expect(second.maximized).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('left on a screen since unplugged, it opens on the primary screen; a damaged state file is ignored', () => {
    const stateFile = join(tempDir(), 'window-state.json')
    writeFileSync(stateFile, JSON.stringify({ x: 2400, y: 100, width: 1600, height: 1000, maximized: false }))
    displays.workAreas = [
      { x: 0, y: 0, width: 1920, height: 1040 },
      { x: 1920, y: 0, width: 2560, height: 1400 },
    ]
    expect(open(stateFile).options).toMatchObject({ x: 2400, y: 100, width: 1600, height: 1000 })
    displays.workAreas = [{ x: 0, y: 0, width: 1366, height: 728 }]
    expect(open(stateFile).options).toMatchObject({ x: 0, y: 0, width: 1366, height: 728 })
    writeFileSync(stateFile, '{"x": "left"')
    expect(open(stateFile).options).toMatchObject({ width: 1200, height: 728 })
  })
})

describe('the application menu', () => {
  it('has the views, Edit for text fields, sources and logs under Help, in French', () => {
    const ran: unknown[] = []
    setAppMenu(french(), (action) => ran.push(action))
    const menu = defined(seen.applicationMenu, 'the menu')
    expect(labels(menu)).toEqual(
      process.platform === 'darwin' ? ['Wattprint', 'Édition', 'Affichage', 'Fenêtre', 'Aide'] : ['Fichier', 'Édition', 'Affichage', 'Fenêtre', 'Aide'],
    )
    const view = defined(menu.find((m) => m.label === 'Affichage')?.submenu, 'View')
    expect(labels(view).slice(0, 6)).toEqual(['Tableau de bord', 'Historique', 'Comparaisons', 'Et si', 'Modèles', 'Appareils'])
    view.find((i) => i.label === 'Appareils')?.click?.()
    const help = defined(menu.find((m) => m.label === 'Aide')?.submenu, 'Help')
    help.find((i) => i.label === 'Sources des données et licences')?.click?.()
    expect(ran).toEqual([{ go: '/devices' }, 'sources'])
    const edit = defined(menu.find((m) => m.label === 'Édition')?.submenu, 'Edit')
    expect(edit.filter((i) => i.role).map((i) => i.role)).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll'])
  })
})

describe('the Prometheus setting of the desktop app', () => {
  it('serves /metrics on the port set, moves with it, and stops when it is cleared', async () => {
    const { bindMetricsSetting } = await import('./metrics-setting.ts')
    const ctx = createContext({ dbPath: join(tempDir(), 'metrics.db'), host: 'electron', version: 'test', locale: 'fr-FR' })
    contexts.push(ctx)
    const warnings: string[] = []
    const stop = bindMetricsSetting(ctx, (line) => warnings.push(line))
    const ports = [40000 + Math.floor(Math.random() * 10000), 50000 + Math.floor(Math.random() * 10000)]
    const up = async (port: number): Promise<boolean> => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/metrics`)).ok
      } catch {
        return false
      }
    }
    expect(await up(defined(ports[0], 'port'))).toBe(false)
    await dispatch(ctx, 'settings:update', { metricsPort: ports[0] })
    await expect.poll(() => up(defined(ports[0], 'port'))).toBe(true)
    await dispatch(ctx, 'settings:update', { metricsPort: ports[1] })
    await expect.poll(() => up(defined(ports[1], 'port'))).toBe(true)
    expect(await up(defined(ports[0], 'port'))).toBe(false)
    await dispatch(ctx, 'settings:update', { metricsPort: null })
    await expect.poll(() => up(defined(ports[1], 'port'))).toBe(false)
    await stop()
    expect(warnings).toEqual([])
  })
})
