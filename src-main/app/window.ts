import { BrowserWindow, shell } from 'electron'
import { join } from 'node:path'

/** The one window: isolated, sandboxed, no Node; links open in the user's browser. */
export function createMainWindow(outDir: string, iconPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Wattprint',
    icon: iconPath,
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(outDir, 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  })
  win.once('ready-to-show', () => win.show())
  // Source links (papers, data sets) open outside the app; nothing navigates the app itself.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(join(outDir, 'renderer', 'index.html'))
  return win
}
