// A stand-in for the `electron` module, so the built main bundle can be loaded in plain Node
// where the Electron binary is absent: it proves every import resolves and start-up code runs.
import { registerHooks } from 'node:module'

// WATTPRINT_STUB_READY=1: app.whenReady() resolves, so the whole start-up runs (context, IPC,
// session rules, window, tray) against recording stand-ins; otherwise it never resolves.
const STUB = `
const calls = globalThis.__electronCalls = []
const record = (name) => (...args) => { calls.push([name, ...args]); return undefined }
const ready = process.env.WATTPRINT_STUB_READY === '1'
const paths = {}
export const app = {
  isPackaged: false,
  setPath: (name, path) => { calls.push(['app.setPath', name, path]); paths[name] = path },
  requestSingleInstanceLock: () => { calls.push(['app.requestSingleInstanceLock']); return true },
  on: record('app.on'),
  quit: record('app.quit'),
  exit: record('app.exit'),
  getAppPath: () => process.cwd(),
  // What main set (userData: the per-user folder under the spec's XDG_CONFIG_HOME), never the repository.
  getPath: (name) => { if (!paths[name]) throw new Error('stand-in: no path set for ' + name); return paths[name] },
  getVersion: () => '0.0.0-stub',
  getLocale: () => 'en-US',
  getLocaleCountryCode: () => 'US',
  getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
  setLoginItemSettings: record('app.setLoginItemSettings'),
  whenReady: () => { calls.push(['app.whenReady']); return ready ? Promise.resolve() : new Promise(() => {}) },
}
class WebContents {
  mainFrame = {}
  setWindowOpenHandler(handler) { calls.push(['webContents.setWindowOpenHandler', handler({ url: 'file:///etc/passwd' })]) }
  on(event) { calls.push(['webContents.on', event]) }
  send() {}
}
export class BrowserWindow {
  static getAllWindows() { return [] }
  webContents = new WebContents()
  constructor(options) { calls.push(['new BrowserWindow', options]) }
  once(event) { calls.push(['window.once', event]) }
  on(event) { calls.push(['window.on', event]) }
  loadFile(file) { calls.push(['window.loadFile', file]); return Promise.resolve() }
  loadURL(url) { calls.push(['window.loadURL', url]); return Promise.resolve() }
  isDestroyed() { return false }
  getNormalBounds() { return { x: 0, y: 0, width: 1200, height: 820 } }
  isMaximized() { return false }
  isFullScreen() { return false }
  maximize() {}
  isMinimized() { return false }
  show() {}
  focus() {}
  restore() {}
  hide() {}
}
export const Menu = {
  buildFromTemplate: (template) => { calls.push(['Menu.buildFromTemplate', template.map((item) => item.label ?? item.type)]); return template },
  setApplicationMenu: (menu) => calls.push(['Menu.setApplicationMenu', menu.map((item) => item.label)]),
}
export class Notification {
  static isSupported() { return true }
  constructor(options) { calls.push(['new Notification', options]) }
  on() {}
  show() {}
}
export const screen = {
  getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
}
export class Tray {
  constructor() { calls.push(['new Tray']) }
  setToolTip(text) { calls.push(['tray.setToolTip', text]) }
  setImage(image) { calls.push(['tray.setImage', image]) }
  setContextMenu() {}
  on(event) { calls.push(['tray.on', event]) }
  destroy() {}
}
export const dialog = { showErrorBox: record('dialog.showErrorBox') }
export const ipcMain = { handle: record('ipcMain.handle'), removeHandler: record('ipcMain.removeHandler') }
export const nativeImage = { createFromPath: (path) => { calls.push(['nativeImage.createFromPath', path]); return { path } } }
export const nativeTheme = { shouldUseDarkColors: false, on: record('nativeTheme.on'), off: record('nativeTheme.off') }
export const session = {
  defaultSession: {
    // Asks the handler installed for a camera request, and records the answer.
    setPermissionRequestHandler: (handler) => handler(null, 'media', (granted) => calls.push(['permission media', granted])),
    webRequest: { onHeadersReceived: (handler) => handler({ responseHeaders: {} }, ({ responseHeaders }) => calls.push(['response headers', responseHeaders])) },
  },
}
export const shell = { openExternal: record('shell.openExternal'), openPath: record('shell.openPath') }
setTimeout(() => { process.stdout.write(JSON.stringify(calls) + '\\n'); process.exit(0) }, ready ? 1500 : 300)
`

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron') return { url: 'wattprint-stub:electron', shortCircuit: true }
    return nextResolve(specifier, context)
  },
  load(url, context, nextLoad) {
    if (url === 'wattprint-stub:electron') return { format: 'module', source: STUB, shortCircuit: true }
    return nextLoad(url, context)
  },
})
