/**
 * A stand-in for the `electron` module, where the Electron binary is absent: the unit tests of
 * src-main/app load it with vi.mock('electron', …), and the bundle spec loads the built main
 * process with it (e2e/electron/stub/electron-stub.mjs resolves `electron` here). Every fake records
 * what it is asked in `calls` (in order, as [name, ...arguments]) and keeps the objects it made
 * in `seen`, so a test reads back the tray's menu, the notifications shown, the window's bounds.
 * Plain TypeScript (no enums, no parameter properties): Node runs it without a build.
 */
import { EventEmitter } from 'node:events'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface MenuItemOptions {
  label?: string
  type?: 'separator' | 'normal'
  role?: string
  enabled?: boolean
  accelerator?: string
  click?: () => void
  submenu?: MenuItemOptions[]
}

/** Every call, in order. */
export const calls: [string, ...unknown[]][] = []
const record = (name: string, ...args: unknown[]): void => {
  calls.push([name, ...args])
}

/** What the stand-in made, for assertions. */
export const seen = {
  trays: [] as FakeTray[],
  windows: [] as FakeWindow[],
  notifications: [] as FakeNotification[],
  applicationMenu: null as MenuItemOptions[] | null,
  openedPaths: [] as string[],
  sent: [] as { channel: string; payload: unknown }[],
}

/** Screens' work areas, the primary first (tests unplug one by changing this). */
export const displays = { workAreas: [{ x: 0, y: 0, width: 1920, height: 1040 }] as Rect[] }

const notificationsSupported = { value: true }
export function setNotificationsSupported(value: boolean): void {
  notificationsSupported.value = value
}

export function resetElectron(): void {
  calls.length = 0
  seen.trays.length = 0
  seen.windows.length = 0
  seen.notifications.length = 0
  seen.applicationMenu = null
  seen.openedPaths.length = 0
  seen.sent.length = 0
  displays.workAreas = [{ x: 0, y: 0, width: 1920, height: 1040 }]
  nativeTheme.shouldUseDarkColors = false
  nativeTheme.removeAllListeners()
  notificationsSupported.value = true
}

/**
 * `app`: its events are real (on, once, emit); whenReady() resolves only when `ready` is set
 * (the bundle spec sets it with WATTPRINT_STUB_READY=1), so start-up runs as far as asked.
 */
class FakeApp extends EventEmitter {
  isPackaged = false
  ready = process.env.WATTPRINT_STUB_READY === '1'
  /** Called on app.exit (the bundle stub ends the run there). */
  onExit: ((code: number) => void) | null = null
  private readonly paths = new Map<string, string>()

  override on(event: string, listener: (...args: unknown[]) => void): this {
    record('app.on', event)
    return super.on(event, listener)
  }
  override once(event: string, listener: (...args: unknown[]) => void): this {
    record('app.once', event)
    return super.once(event, listener)
  }
  setPath(name: string, path: string): void {
    record('app.setPath', name, path)
    this.paths.set(name, path)
  }
  /** What main set (userData: the per-user folder), never a guess. */
  getPath(name: string): string {
    const path = this.paths.get(name)
    if (path === undefined) throw new Error(`stand-in: no path set for ${name}`)
    return path
  }
  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock')
    return true
  }
  whenReady(): Promise<void> {
    record('app.whenReady')
    return this.ready ? Promise.resolve() : new Promise(() => undefined)
  }
  quit(): void {
    record('app.quit')
  }
  exit(code = 0): void {
    record('app.exit', code)
    this.onExit?.(code)
  }
  getAppPath(): string {
    return process.cwd()
  }
  getVersion(): string {
    return '0.0.0-stub'
  }
  getLocale(): string {
    return 'en-US'
  }
  getLocaleCountryCode(): string {
    return 'US'
  }
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return { openAtLogin: false, wasOpenedAtLogin: false }
  }
  setLoginItemSettings(settings: unknown): void {
    record('app.setLoginItemSettings', settings)
  }
}
export const app = new FakeApp()

export const Menu = {
  buildFromTemplate: (template: MenuItemOptions[]): MenuItemOptions[] => {
    record(
      'Menu.buildFromTemplate',
      template.map((item) => item.label ?? item.type),
    )
    return template
  },
  setApplicationMenu: (menu: MenuItemOptions[] | null): void => {
    record(
      'Menu.setApplicationMenu',
      menu?.map((item) => item.label),
    )
    seen.applicationMenu = menu
  },
}

export class FakeTray extends EventEmitter {
  image: { path: string }
  images: string[] = []
  tooltip = ''
  menu: MenuItemOptions[] = []
  menuBuilds = 0
  destroyed = false

  constructor(image: { path: string }) {
    super()
    record('new Tray')
    this.image = image
    this.images.push(image.path)
    seen.trays.push(this)
  }
  override on(event: string, listener: (...args: unknown[]) => void): this {
    record('tray.on', event)
    return super.on(event, listener)
  }
  setToolTip(text: string): void {
    record('tray.setToolTip', text)
    this.tooltip = text
  }
  setImage(image: { path: string }): void {
    record('tray.setImage', image)
    this.image = image
    this.images.push(image.path)
  }
  setContextMenu(menu: MenuItemOptions[]): void {
    this.menu = menu
    this.menuBuilds++
  }
  destroy(): void {
    this.destroyed = true
  }
  /** Clicks the menu entry whose label starts with `label`. */
  click(label: string): void {
    const item = this.menu.find((i) => i.label?.startsWith(label))
    if (!item?.click) throw new Error(`no clickable tray entry "${label}" in ${JSON.stringify(this.menu.map((i) => i.label))}`)
    item.click()
  }
}
export { FakeTray as Tray }

export const nativeImage = {
  createFromPath: (path: string): { path: string } => {
    record('nativeImage.createFromPath', path)
    return { path }
  },
}

class FakeNativeTheme extends EventEmitter {
  shouldUseDarkColors = false
}
export const nativeTheme = new FakeNativeTheme()

export class FakeNotification extends EventEmitter {
  static isSupported(): boolean {
    return notificationsSupported.value
  }
  readonly options: { title: string; body: string; silent?: boolean }
  shown = false
  constructor(options: { title: string; body: string; silent?: boolean }) {
    super()
    record('new Notification', options)
    this.options = options
  }
  show(): void {
    this.shown = true
    seen.notifications.push(this)
  }
}
export { FakeNotification as Notification }

class FakeWebContents extends EventEmitter {
  readonly mainFrame = {}
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  /** Keeps the handler, and records its answer for a file: URL (it must deny). */
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    record('webContents.setWindowOpenHandler', handler({ url: 'file:///etc/passwd' }))
    this.windowOpenHandler = handler
  }
  override on(event: string, listener: (...args: unknown[]) => void): this {
    record('webContents.on', event)
    return super.on(event, listener)
  }
  send(channel: string, payload: unknown): void {
    seen.sent.push({ channel, payload })
  }
}

export class FakeWindow extends EventEmitter {
  readonly options: Record<string, unknown> & Rect
  readonly webContents = new FakeWebContents()
  bounds: Rect
  maximized = false
  minimized = false
  fullScreen = false
  destroyed = false
  loaded: { file?: string; url?: string; options?: unknown } = {}

  constructor(options: Record<string, unknown> & Rect) {
    super()
    record('new BrowserWindow', options)
    this.options = options
    this.bounds = { x: options.x, y: options.y, width: options.width, height: options.height }
    seen.windows.push(this)
  }
  static getAllWindows(): FakeWindow[] {
    return seen.windows.filter((w) => !w.destroyed)
  }
  loadFile(file: string, options?: unknown): Promise<void> {
    record('window.loadFile', file)
    this.loaded = { file, options }
    return Promise.resolve()
  }
  loadURL(url: string): Promise<void> {
    record('window.loadURL', url)
    this.loaded = { url }
    return Promise.resolve()
  }
  getNormalBounds(): Rect {
    return { ...this.bounds }
  }
  /** The user drags or resizes the window. */
  setBounds(bounds: Rect): void {
    this.bounds = { ...bounds }
    this.emit('resize')
    this.emit('move')
  }
  maximize(): void {
    this.maximized = true
    this.emit('maximize')
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isMinimized(): boolean {
    return this.minimized
  }
  isFullScreen(): boolean {
    return this.fullScreen
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  show(): void {}
  focus(): void {}
  restore(): void {}
  hide(): void {}
  close(): void {
    this.emit('close', { preventDefault: () => undefined })
    this.destroyed = true
  }
}
export { FakeWindow as BrowserWindow }

export const screen = {
  getPrimaryDisplay: (): { workArea: Rect } => ({ workArea: displays.workAreas[0] ?? { x: 0, y: 0, width: 1920, height: 1040 } }),
  getAllDisplays: (): { workArea: Rect }[] => displays.workAreas.map((workArea) => ({ workArea })),
}

export const session = {
  defaultSession: {
    /** Asks the handler installed for a camera request, and records the answer (it must deny). */
    setPermissionRequestHandler: (handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void =>
      handler(null, 'media', (granted) => record('permission media', granted)),
    webRequest: {
      /** Runs the handler on a response without headers, and records the headers it adds. */
      onHeadersReceived: (
        handler: (details: { responseHeaders: Record<string, string[]> }, callback: (r: { responseHeaders: Record<string, string[]> }) => void) => void,
      ): void => handler({ responseHeaders: {} }, ({ responseHeaders }) => record('response headers', responseHeaders)),
    },
  },
}

export const ipcMain = {
  handle: (channel: string): void => record('ipcMain.handle', channel),
  removeHandler: (channel: string): void => record('ipcMain.removeHandler', channel),
}

export const dialog = { showErrorBox: (title: string, content: string): void => record('dialog.showErrorBox', title, content) }

export const shell = {
  openExternal: (url: string): Promise<void> => {
    record('shell.openExternal', url)
    seen.openedPaths.push(url)
    return Promise.resolve()
  },
  openPath: (path: string): Promise<string> => {
    record('shell.openPath', path)
    seen.openedPaths.push(path)
    return Promise.resolve('')
  },
}

export default {
  app,
  Menu,
  Tray: FakeTray,
  nativeImage,
  nativeTheme,
  Notification: FakeNotification,
  BrowserWindow: FakeWindow,
  screen,
  session,
  ipcMain,
  dialog,
  shell,
}
