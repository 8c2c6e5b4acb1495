import { app, type BrowserWindow, dialog, session, shell } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createContext, type AppContext, type SourceChoice } from '../api/context.ts'
import type { AppRoute } from '../contract/channels.ts'
import { resolveLanguage } from '../contract/language.ts'
import { CONTENT_SECURITY_POLICY } from '../headless/csp.ts'
import { defaultDbPath, userDataDir } from '../store/paths.ts'
import { setAppMenu } from './app-menu.ts'
import { HIDDEN_ARG, setLinuxAutostart, startsHidden } from './autostart.ts'
import { say, type MenuAction, type Reader } from './desktop-text.ts'
import { bindIpc } from './ipc.ts'
import { bindMetricsSetting } from './metrics-setting.ts'
import { appLog, logAppError, logFolderPath, startAppLog } from './log.ts'
import { bindNotifications } from './notifications.ts'
import { createTray } from './tray.ts'
import { createMainWindow } from './window.ts'

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const resourcesDir = join(app.getAppPath(), 'resources')
const iconPath = join(resourcesDir, 'icons', 'icon-256.png')

// One database for the app and the CLI: the same per-user folder, set explicitly.
app.setPath('userData', userDataDir())

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let window: BrowserWindow | null = null
  let quitting = false
  let context: AppContext | null = null

  /** The user's language and units for the tray, menus, notifications and dialogs (English until the settings are read). */
  const reader = (): Reader => {
    const s = context?.settings.get()
    const locale = app.getLocale()
    return {
      language: resolveLanguage(s?.language ?? 'system', locale),
      locale,
      energyUnit: s?.energyUnit ?? 'auto',
      massUnit: s?.massUnit ?? 'metric',
      currency: s?.currency ?? 'EUR',
    }
  }

  /** Shows the window (made again if it was closed), on `route` when given. */
  const show = (route?: AppRoute): void => {
    if (!window || window.isDestroyed()) window = createWindow(route)
    else if (route) window.webContents.send('app:navigate', { route })
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }

  const createWindow = (route?: AppRoute): BrowserWindow => {
    const win = createMainWindow({ outDir, iconPath, stateFile: join(app.getPath('userData'), 'window-state.json'), ...(route ? { route } : {}) })
    // Closing the window keeps recording in the tray; Quit in the tray menu ends it.
    win.on('close', (event) => {
      if (!quitting && (context?.settings.get().closeToTray ?? true)) {
        event.preventDefault()
        win.hide()
      }
    })
    return win
  }

  app.on('second-instance', () => show())
  app.on('before-quit', () => {
    quitting = true
  })
  app.on('window-all-closed', () => {
    // Stay in the tray unless the user chose "closing the window quits".
    if (context && !context.settings.get().closeToTray) app.quit()
  })
  app.on('will-quit', (event) => {
    if (!context) return
    event.preventDefault()
    const closing = context
    context = null
    void closing.close().finally(() => app.exit(0))
  })

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
    })
    const source: SourceChoice = process.env.WATTPRINT_SOURCE?.startsWith('replay:')
      ? { kind: 'replay', file: process.env.WATTPRINT_SOURCE.slice('replay:'.length) }
      : { kind: 'auto' }
    const region = app.getLocaleCountryCode()
    try {
      context = createContext({
        dbPath: defaultDbPath(),
        host: 'electron',
        version: app.getVersion(),
        source,
        demoTraceFile: join(resourcesDir, 'demo', 'qwen3-asr-burst.nvidia-smi.csv'),
        locale: region ? `und-${region}` : app.getLocale(),
        // A damaged database is moved aside (the app says where) and recording goes on in a fresh file.
        recoverDamaged: true,
        // As for the CLI: how often readings are written (default every second; kill -9 loses at most that).
        ...(process.env.WATTPRINT_FLUSH_MS ? { flushIntervalMs: Number(process.env.WATTPRINT_FLUSH_MS) } : {}),
        // Budgets, the weekly summary and the stuck-GPU warning become notifications here.
        notices: true,
      })
    } catch (error) {
      // A database we must not touch (another program's, from a newer Wattprint, read-only): say so and leave it alone.
      logAppError('cannot open the database', error)
      dialog.showErrorBox(say(reader(), 'dialog.db-title'), error instanceof Error ? error.message : String(error))
      app.exit(1)
      return
    }
    const ctx = context
    ctx.start()
    // Start line, storage notes, each source's transitions, uncaught errors; the stop line on quit.
    startAppLog(ctx)
    const applyDesktopSettings = (s: { startAtLogin: boolean }): void => {
      // Electron has no login-item API on Linux: an XDG autostart entry there. Started at login, the window stays closed.
      if (process.platform !== 'linux') {
        app.setLoginItemSettings({ openAtLogin: s.startAtLogin, args: [HIDDEN_ARG] })
        return
      }
      try {
        const result = setLinuxAutostart(s.startAtLogin, {
          env: process.env,
          execPath: process.execPath,
          args: app.isPackaged ? [] : [app.getAppPath()],
          // Packaged, the icon file is inside app.asar (and an AppImage's mount moves each run): the installed theme icon by name.
          icon: app.isPackaged ? 'wattprint' : iconPath,
        })
        if (result.action === 'not-ours') appLog().warn(`${result.path} was not written by Wattprint: start at login is left as that file says`)
      } catch (error) {
        appLog().warn(`start at login could not be set: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    applyDesktopSettings(ctx.settings.get())
    ctx.settings.onChange(applyDesktopSettings)
    bindIpc(ctx, () => window)
    const quit = (): void => {
      quitting = true
      app.quit()
    }
    const revealLogs = (): void => {
      void shell.openPath(logFolderPath())
    }
    createTray(ctx, join(resourcesDir, 'icons'), reader, { show, quit, revealLogs })
    bindNotifications(ctx, reader, (route) => show(route))
    const runMenu = (action: MenuAction): void => {
      if (typeof action === 'object') show(action.go)
      else if (action === 'about' || action === 'sources') show('/about')
      else if (action === 'settings') show('/settings')
      else if (action === 'close-window') window?.close()
      else if (action === 'reveal-logs') revealLogs()
      else quit()
    }
    setAppMenu(reader(), runMenu)
    bindMetricsSetting(ctx, (line) => appLog().warn(line))
    // The menu's words follow the language at once (the tray follows every setting itself).
    ctx.settings.onChange((next, before) => {
      if (next.language !== before.language) setAppMenu(reader(), runMenu)
    })
    // Started at login (the autostart entry's --hidden, or macOS's login item): recording in the tray, no window.
    const hidden = startsHidden(process.argv) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin)
    if (!hidden) window = createWindow()
  })
}
