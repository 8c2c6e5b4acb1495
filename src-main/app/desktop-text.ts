import type { AppRoute } from '../contract/channels.ts'
import { formatMessage, type Language, type MessageCode, type MessageParams } from '../contract/messages.ts'
import { energyText, formatMoney, formatWatts, massText, numberFormat, type EnergyUnit, type MassUnits } from '../contract/quantity-text.ts'
import type { Notice } from '../api/services/notices.service.ts'

/**
 * The desktop app's words (tray, menus, notifications) in the user's language and units, built
 * as plain data so they are tested without Electron; tray.ts, app-menu.ts and notifications.ts
 * hand them to Electron.
 */

/** How the user reads figures: their language, their locale's numbers and their display units. */
export interface Reader {
  language: Language
  /** BCP 47 locale for numbers and times (the OS's, e.g. fr-FR). */
  locale: string
  energyUnit: EnergyUnit
  massUnit: MassUnits
  currency: string
  /** IANA zone for times (tests pin it); default the system's. */
  timeZone?: string
}

export const say = (reader: Reader, code: MessageCode, params: MessageParams = {}): string => formatMessage(reader.language, code, params)

/** "14:05", or "29/11/2026 14:05" when it is not from the last 12 hours. */
export function sinceText(reader: Reader, sinceMs: number, nowMs: number): string {
  const recent = nowMs - sinceMs < 12 * 3_600_000
  return new Intl.DateTimeFormat(reader.locale, {
    ...(recent ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' }),
    ...(reader.timeZone ? { timeZone: reader.timeZone } : {}),
  }).format(sinceMs)
}

/** What the tray shows. */
export interface TrayView {
  state: 'starting' | 'live' | 'demo' | 'no-device' | 'paused'
  /** Power of the counted devices now, W. */
  powerW: number | null
  devices: number
  pausedSinceMs: number | null
  /** Today so far (the real history, never the demo's); null until first read. */
  today: { energyJ: number; co2eKg: number | null; cost: number | null; samples: number } | null
  nowMs: number
}

export type TrayAction = 'pause' | 'resume' | 'open' | 'devices' | 'reveal-logs' | 'quit'
export type TrayItem = { kind: 'separator' } | { kind: 'item'; label: string; action: TrayAction | null; enabled: boolean }

/** Windows cuts tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127

function todayLine(reader: Reader, today: TrayView['today']): string {
  if (!today || today.samples === 0) return say(reader, 'tray.today-none')
  const params = {
    energy: energyText(today.energyJ, reader.locale, reader.energyUnit),
    co2e: today.co2eKg === null ? '—' : massText(today.co2eKg, reader.locale, reader.massUnit),
  }
  return today.cost === null
    ? say(reader, 'tray.today', params)
    : say(reader, 'tray.today-cost', { ...params, cost: formatMoney(today.cost, reader.currency, reader.locale) })
}

function stateLine(reader: Reader, view: TrayView): string {
  const power = formatWatts(view.powerW, reader.locale)
  switch (view.state) {
    case 'starting':
      return say(reader, 'tray.starting')
    case 'no-device':
      return say(reader, 'tray.no-device')
    case 'demo':
      return say(reader, 'tray.power-demo', { power })
    case 'paused':
      return say(reader, 'tray.paused', { since: sinceText(reader, view.pausedSinceMs ?? view.nowMs, view.nowMs) })
    case 'live':
      return say(reader, 'tray.power', { power, devices: say(reader, view.devices === 1 ? 'tray.devices-one' : 'tray.devices-many', { count: view.devices }) })
  }
}

/** Two lines: the state with live watts, and today's energy, CO2e and cost. */
export function trayTooltip(reader: Reader, view: TrayView): string {
  const text = `${stateLine(reader, view)}\n${todayLine(reader, view.today)}`
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`
}

/**
 * The tray menu: today's totals (not clickable), pause or resume, the window, Devices, logs,
 * quit. Live watts stay in the tooltip, so the menu is rebuilt only when today's figures change.
 */
export function trayMenu(reader: Reader, view: TrayView): TrayItem[] {
  const info = (label: string): TrayItem => ({ kind: 'item', label, action: null, enabled: false })
  const item = (code: MessageCode, action: TrayAction, params: MessageParams = {}, enabled = true): TrayItem => ({
    kind: 'item',
    label: say(reader, code, params),
    action,
    enabled,
  })
  const paused = view.state === 'paused'
  return [
    info(todayLine(reader, view.today)),
    { kind: 'separator' },
    paused
      ? item('tray.resume', 'resume', { since: sinceText(reader, view.pausedSinceMs ?? view.nowMs, view.nowMs) })
      : item('tray.pause', 'pause', {}, view.state === 'live' || view.state === 'demo'),
    { kind: 'separator' },
    item('tray.open', 'open'),
    item('tray.devices', 'devices'),
    item('tray.reveal-logs', 'reveal-logs'),
    { kind: 'separator' },
    item('tray.quit', 'quit'),
  ]
}

/** A notification's words, and the view it opens when clicked. */
export interface NoticeText {
  title: string
  body: string
  route: AppRoute
}

function budgetAmount(reader: Reader, metric: 'energy' | 'co2e' | 'cost', value: number): string {
  if (metric === 'energy') return energyText(value * 3.6e6, reader.locale, reader.energyUnit)
  if (metric === 'co2e') return `${massText(value, reader.locale, reader.massUnit)} CO2e`
  return formatMoney(value, reader.currency, reader.locale)
}

export function noticeText(reader: Reader, notice: Notice): NoticeText {
  switch (notice.kind) {
    case 'budget': {
      const { period, metric, limit } = notice.budget
      const r = { ...reader, currency: notice.currency }
      return {
        title: say(reader, `notify.budget-${metric}-${period}`),
        body: say(reader, 'notify.budget-body', {
          period: say(reader, `notify.period-${period}`),
          used: budgetAmount(r, metric, notice.used),
          limit: budgetAmount(r, metric, limit),
        }),
        route: '/history',
      }
    }
    case 'weekly': {
      const day = new Intl.DateTimeFormat(reader.locale, { day: 'numeric', month: 'long', ...(reader.timeZone ? { timeZone: reader.timeZone } : {}) })
      const params = {
        from: day.format(notice.sinceMs),
        // The week ends at Monday 00:00: its last day is the Sunday before.
        to: day.format(notice.untilMs - 1),
        energy: energyText(notice.energyJ, reader.locale, reader.energyUnit),
        co2e: notice.co2eKg === null ? '—' : massText(notice.co2eKg, reader.locale, reader.massUnit),
      }
      return {
        title: say(reader, 'notify.weekly-title'),
        body:
          notice.cost === null
            ? say(reader, 'notify.weekly-body', params)
            : say(reader, 'notify.weekly-body-cost', { ...params, cost: formatMoney(notice.cost, notice.currency, reader.locale) }),
        route: '/history',
      }
    }
    case 'stuck':
      return {
        title: say(reader, 'notify.stuck-title', { device: notice.deviceName }),
        body: say(reader, 'notify.stuck-body', {
          threshold: numberFormat(reader.locale, { maximumFractionDigits: 1 }).format(notice.thresholdW),
          minutes: notice.minutes,
          power: formatWatts(notice.powerW, reader.locale),
        }),
        route: '/devices',
      }
  }
}

/** What a menu entry of ours does (Electron's roles do the rest). */
export type MenuAction = 'about' | 'settings' | 'close-window' | 'quit' | 'reveal-logs' | 'sources' | { go: AppRoute }

/** Electron's built-in behaviours we use, by role name. */
export type MenuRole =
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'zoomIn'
  | 'zoomOut'
  | 'resetZoom'
  | 'togglefullscreen'
  | 'minimize'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'

export type MenuNode =
  | { kind: 'separator' }
  | { kind: 'item'; label: string; role?: MenuRole; action?: MenuAction; accelerator?: string }
  | { kind: 'submenu'; label: string; items: MenuNode[]; role?: 'appMenu' | 'windowMenu' | 'help' }

/** The views the View menu opens, in the app's order, with Ctrl/Cmd+1… */
const VIEWS: readonly [MessageCode, AppRoute][] = [
  ['menu.dashboard', '/'],
  ['menu.history', '/history'],
  ['menu.comparisons', '/comparisons'],
  ['menu.what-if', '/what-if'],
  ['menu.models', '/models'],
  ['menu.devices', '/devices'],
]

/**
 * The application menu: on macOS the app menu (About, Settings, hide, quit), elsewhere File; Edit
 * (text fields need copy and paste), View (the app's views, zoom), Window and Help (sources and
 * licences, logs, About).
 */
export function appMenuModel(reader: Reader, platform: NodeJS.Platform): MenuNode[] {
  const item = (code: MessageCode, extra: Omit<Extract<MenuNode, { kind: 'item' }>, 'kind' | 'label'>): MenuNode => ({
    kind: 'item',
    label: say(reader, code),
    ...extra,
  })
  const separator: MenuNode = { kind: 'separator' }
  const mac = platform === 'darwin'
  const settings = item('menu.settings', { action: 'settings', accelerator: 'CmdOrCtrl+,' })
  const quit = item('menu.quit', { action: 'quit', accelerator: 'CmdOrCtrl+Q' })
  const about = item('menu.about', { action: 'about' })
  const first: MenuNode = mac
    ? {
        kind: 'submenu',
        label: say(reader, 'menu.app'),
        role: 'appMenu',
        items: [
          about,
          separator,
          settings,
          separator,
          item('menu.services', { role: 'services' }),
          separator,
          item('menu.hide', { role: 'hide' }),
          item('menu.hide-others', { role: 'hideOthers' }),
          item('menu.show-all', { role: 'unhide' }),
          separator,
          quit,
        ],
      }
    : {
        kind: 'submenu',
        label: say(reader, 'menu.file'),
        items: [settings, separator, item('menu.close-window', { action: 'close-window', accelerator: 'CmdOrCtrl+W' }), quit],
      }
  return [
    first,
    {
      kind: 'submenu',
      label: say(reader, 'menu.edit'),
      items: [
        item('menu.undo', { role: 'undo' }),
        item('menu.redo', { role: 'redo' }),
        separator,
        item('menu.cut', { role: 'cut' }),
        item('menu.copy', { role: 'copy' }),
        item('menu.paste', { role: 'paste' }),
        item('menu.select-all', { role: 'selectAll' }),
      ],
    },
    {
      kind: 'submenu',
      label: say(reader, 'menu.view'),
      items: [
        ...VIEWS.map(([code, route], i) => item(code, { action: { go: route }, accelerator: `CmdOrCtrl+${i + 1}` })),
        separator,
        item('menu.zoom-in', { role: 'zoomIn' }),
        item('menu.zoom-out', { role: 'zoomOut' }),
        item('menu.zoom-reset', { role: 'resetZoom' }),
        separator,
        item('menu.full-screen', { role: 'togglefullscreen' }),
      ],
    },
    {
      kind: 'submenu',
      label: say(reader, 'menu.window'),
      role: 'windowMenu',
      items: [item('menu.minimize', { role: 'minimize' }), item('menu.close-window', { action: 'close-window' })],
    },
    {
      kind: 'submenu',
      label: say(reader, 'menu.help'),
      role: 'help',
      items: [item('menu.sources', { action: 'sources' }), item('menu.reveal-logs', { action: 'reveal-logs' }), ...(mac ? [] : [separator, about])],
    },
  ]
}
