import { app, type BrowserWindow, dialog, session } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createContext, type AppContext, type SourceChoice } from '../api/context.ts'
import { formatText } from '../contract/messages.ts'
import { CONTENT_SECURITY_POLICY } from '../headless/csp.ts'
import { defaultDbPath, userDataDir } from '../store/paths.ts'
import { HIDDEN_ARG, setLinuxAutostart, startsHidden } from './autostart.ts'
import { bindIpc } from './ipc.ts'
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

  const show = (): void => {
    if (!window || window.isDestroyed()) window = createWindow()
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }

  const createWindow = (): BrowserWindow => {
    const win = createMainWindow(outDir, iconPath)
    // Closing the window keeps recording in the tray; Quit in the tray menu ends it.
    win.on('close', (event) => {
      if (!quitting && (context?.settings.get().closeToTray ?? true)) {
        event.preventDefault()
        win.hide()
      }
    })
    return win
  }

  app.on('second-instance', show)
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
      })
    } catch (error) {
      // A database we must not touch (another program's, from a newer Wattprint, read-only): say so and leave it alone.
      dialog.showErrorBox('Wattprint cannot open its database', error instanceof Error ? error.message : String(error))
      app.exit(1)
      return
    }
    const ctx = context
    ctx.start()
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
          icon: iconPath,
        })
        if (result.action === 'not-ours') console.warn(`wattprint: ${result.path} was not written by Wattprint: start at login is left as that file says`)
      } catch (error) {
        console.warn(`wattprint: start at login could not be set: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    applyDesktopSettings(ctx.settings.get())
    ctx.settings.onChange(applyDesktopSettings)
    for (const note of ctx.storageNotes) console.warn(`wattprint: ${formatText('en', note)}`)
    bindIpc(ctx, () => window)
    createTray(ctx, join(resourcesDir, 'icons'), {
      show,
      quit: () => {
        quitting = true
        app.quit()
      },
    })
    // Started at login (the autostart entry's --hidden, or macOS's login item): recording in the tray, no window.
    const hidden = startsHidden(process.argv) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin)
    if (!hidden) window = createWindow()
  })
}
