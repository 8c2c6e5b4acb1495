/**
 * A stand-in for the `electron` module in unit tests of src-main/app (vi.mock('electron', …)):
 * the few classes and objects the app uses, recording what they are asked so tests can read back
 * the tray's menu, the notifications shown, the windows' bounds. State is reset by `resetElectron()`.
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

/** What the stand-in saw, for assertions. */
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

export function resetElectron(): void {
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

export const Menu = {
  buildFromTemplate: (template: MenuItemOptions[]): MenuItemOptions[] => template,
  setApplicationMenu: (menu: MenuItemOptions[] | null): void => {
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
    this.image = image
    this.images.push(image.path)
    seen.trays.push(this)
  }

  setToolTip(text: string): void {
    this.tooltip = text
  }

  setImage(image: { path: string }): void {
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

export const nativeImage = { createFromPath: (path: string): { path: string } => ({ path }) }

class FakeNativeTheme extends EventEmitter {
  shouldUseDarkColors = false
}
export const nativeTheme = new FakeNativeTheme()

const notificationsSupported = { value: true }
export function setNotificationsSupported(value: boolean): void {
  notificationsSupported.value = value
}

export class FakeNotification extends EventEmitter {
  static isSupported(): boolean {
    return notificationsSupported.value
  }
  readonly options: { title: string; body: string; silent?: boolean }
  shown = false
  constructor(options: { title: string; body: string; silent?: boolean }) {
    super()
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
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
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
    this.options = options
    this.bounds = { x: options.x, y: options.y, width: options.width, height: options.height }
    seen.windows.push(this)
  }
  static getAllWindows(): FakeWindow[] {
    return seen.windows.filter((w) => !w.destroyed)
  }
  loadFile(file: string, options?: unknown): Promise<void> {
    this.loaded = { file, options }
    return Promise.resolve()
  }
  loadURL(url: string): Promise<void> {
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

export const shell = {
  openExternal: (url: string): Promise<void> => {
    seen.openedPaths.push(url)
    return Promise.resolve()
  },
  openPath: (path: string): Promise<string> => {
    seen.openedPaths.push(path)
    return Promise.resolve('')
  },
}

export default { Menu, Tray: FakeTray, nativeImage, nativeTheme, Notification: FakeNotification, BrowserWindow: FakeWindow, screen, shell }
