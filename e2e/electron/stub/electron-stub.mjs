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
const handlers = {}
let quitting = false
const finish = () => { process.stdout.write(JSON.stringify(calls) + '\\n'); process.exit(0) }
// WATTPRINT_STUB_QUIT_MS: the user quits (the tray's Quit) this long after start; before-quit, then will-quit.
const quitMs = Number(process.env.WATTPRINT_STUB_QUIT_MS ?? '0')
if (ready && quitMs > 0) setTimeout(() => {
  quitting = true
  for (const h of handlers['before-quit'] ?? []) h({ preventDefault() {} })
  let prevented = false
  for (const h of handlers['will-quit'] ?? []) h({ preventDefault() { prevented = true } })
  calls.push(['will-quit prevented', prevented])
  if (!prevented) finish()
}, quitMs)
export const app = {
  isPackaged: false,
  setPath: (name, path) => { calls.push(['app.setPath', name, path]); paths[name] = path },
  requestSingleInstanceLock: () => { calls.push(['app.requestSingleInstanceLock']); return true },
  on: (event, handler) => { calls.push(['app.on', event]); (handlers[event] ??= []).push(handler) },
  once: (event, handler) => { calls.push(['app.once', event]); (handlers[event] ??= []).push(handler) },
  quit: record('app.quit'),
  // Quitting ends the run: what main wrote by then is what a real quit leaves.
  exit: (code) => { calls.push(['app.exit', code]); if (quitting) finish() },
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
if (quitMs === 0) setTimeout(finish, ready ? 1500 : 300)
else setTimeout(() => { calls.push(['stand-in: never exited']); finish() }, quitMs + 10000)
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
