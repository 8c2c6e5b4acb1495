// A stand-in for the `electron` module, so the built main bundle can be loaded in plain Node
// where the Electron binary is absent: it proves every import resolves and start-up code runs.
import { registerHooks } from 'node:module'

const STUB = `
const calls = globalThis.__electronCalls = []
const record = (name) => (...args) => { calls.push([name, ...args]); return undefined }
export const app = {
  setPath: record('app.setPath'),
  requestSingleInstanceLock: () => { calls.push(['app.requestSingleInstanceLock']); return true },
  on: record('app.on'),
  quit: record('app.quit'),
  exit: record('app.exit'),
  getAppPath: () => process.cwd(),
  getVersion: () => '0.0.0-stub',
  getLocale: () => 'en-US',
  getLocaleCountryCode: () => 'US',
  // Never ready: no window is created in plain Node.
  whenReady: () => { calls.push(['app.whenReady']); return new Promise(() => {}) },
}
export class BrowserWindow { static getAllWindows() { return [] } }
export const Menu = { buildFromTemplate: record('Menu.buildFromTemplate') }
export class Tray {}
export const dialog = { showErrorBox: record('dialog.showErrorBox') }
export const ipcMain = { handle: record('ipcMain.handle'), removeHandler: record('ipcMain.removeHandler') }
export const nativeImage = { createFromPath: record('nativeImage.createFromPath') }
export const session = {}
export const shell = { openExternal: record('shell.openExternal') }
setTimeout(() => { process.stdout.write(JSON.stringify(calls.map((c) => c[0])) + '\\n'); process.exit(0) }, 300)
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
