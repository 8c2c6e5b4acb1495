import { BrowserWindow, screen, shell } from 'electron'
import { join } from 'node:path'
import { appLog } from './log.ts'
import { loadWindowState, MIN_SIZE, placeWindow, saveWindowState } from './window-state.ts'

/** Moves and resizes are saved once they settle, not on every pixel. */
const SAVE_AFTER_MS = 500

export interface WindowOptions {
  outDir: string
  iconPath: string
  /** Where the window's place and size are kept between runs. */
  stateFile: string
  /** The view to open (hash route), e.g. /devices. */
  route?: string
}

/** The one window: isolated, sandboxed, no Node; links open in the user's browser; its place and size remembered. */
export function createMainWindow(options: WindowOptions): BrowserWindow {
  const place = placeWindow(
    loadWindowState(options.stateFile),
    // The primary screen first: a window whose screen is gone opens there.
    [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea),
  )
  const win = new BrowserWindow({
    x: place.x,
    y: place.y,
    width: place.width,
    height: place.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Wattprint',
    icon: options.iconPath,
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(options.outDir, 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      // A middle click opens nothing (Electronegativity's AUXCLICK_JS_CHECK); new windows are denied anyway.
      disableBlinkFeatures: 'Auxclick',
    },
  })
  win.once('ready-to-show', () => {
    if (place.maximized) win.maximize()
    win.show()
  })
  trackState(win, options.stateFile)
  // Source links (papers, data sets) open outside the app; nothing navigates the app itself.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (devUrl) void win.loadURL(options.route ? `${devUrl}#${options.route}` : devUrl)
  else void win.loadFile(join(options.outDir, 'renderer', 'index.html'), options.route ? { hash: options.route } : {})
  return win
}

/** Saves the window's normal bounds and whether it is maximised when they change and when it closes. */
function trackState(win: BrowserWindow, file: string): void {
  let timer: NodeJS.Timeout | null = null
  const save = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
    if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return
    const bounds = win.getNormalBounds()
    try {
      saveWindowState(file, {
        x: Math.round(bounds.x),
        y: Math.round(bounds.y),
        width: Math.round(bounds.width),
        height: Math.round(bounds.height),
        maximized: win.isMaximized(),
      })
    } catch (error) {
      // A full disk or a read-only folder costs the window's place, nothing else.
      appLog().warn(`window place not saved: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const later = (): void => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(save, SAVE_AFTER_MS)
  }
  win.on('resize', later)
  win.on('move', later)
  win.on('maximize', save)
  win.on('unmaximize', save)
  win.on('close', save)
}
