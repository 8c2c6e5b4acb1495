import { Menu, Tray, nativeImage, nativeTheme } from 'electron'
import { join } from 'node:path'
import type { AppContext } from '../api/context.ts'
import { trayMenu, trayTooltip, type Reader, type TrayAction, type TrayView } from './desktop-text.ts'
import { trayIconName, trayLevel, type TrayLevel, type TrayVariant } from './tray-icon.ts'

/** Today's totals are read again at most this often (a rollup query; the tooltip's watts follow every second). */
const TODAY_EVERY_MS = 60_000

export interface TrayActions {
  show(route?: '/' | '/devices'): void
  quit(): void
  revealLogs(): void
}

/** Which rendered icon suits this panel: macOS tints template images itself; elsewhere light or dark bars. */
function variantFor(platform: NodeJS.Platform): TrayVariant {
  if (platform === 'darwin') return 'template'
  return nativeTheme.shouldUseDarkColors ? 'dark' : 'light'
}

/** The tray's view of the context (state, counted power, devices, pause, today) and the power limits it draws against, W. */
function trayView(context: AppContext, today: TrayView['today']): { view: TrayView; capacityW: number | null } {
  const status = context.telemetryStatus()
  const counted = new Set(status.devices.filter((d) => !d.partOf && d.domain !== 'platform').map((d) => d.deviceId))
  const latest = status.latest.filter((s) => counted.has(s.deviceId))
  const powers = latest.map((s) => s.powerW).filter((p): p is number => p !== null)
  const anyOk = status.sources.some((s) => s.state === 'ok' || s.state === 'starting')
  const state: TrayView['state'] = status.paused
    ? 'paused'
    : status.demo
      ? 'demo'
      : latest.length > 0
        ? 'live'
        : status.sources.length > 0 && !anyOk
          ? 'no-device'
          : 'starting'
  const limitW = latest.reduce((sum, s) => sum + (s.powerLimitW ?? 0), 0)
  return {
    view: {
      state,
      powerW: powers.length ? powers.reduce((a, b) => a + b, 0) : null,
      devices: counted.size,
      pausedSinceMs: status.paused?.sinceMs ?? null,
      today,
      nowMs: context.clock.nowMs(),
    },
    capacityW: limitW > 0 ? limitW : null,
  }
}

/**
 * The tray: an icon that shows the load (bars lit by the share of the GPUs' power limits drawn,
 * swapped only when the level changes), a tooltip with live watts and today's energy and CO2e,
 * and a menu with today's totals, pause/resume, the window, Devices, the logs and quit.
 */
export function createTray(context: AppContext, iconsDir: string, reader: () => Reader, actions: TrayActions): { refresh(): void; destroy(): void } {
  const iconFor = (level: TrayLevel): Electron.NativeImage => nativeImage.createFromPath(join(iconsDir, trayIconName(level, variantFor(process.platform), 1)))
  let level: TrayLevel = 0
  const tray = new Tray(iconFor(level))
  let today: { atMs: number; value: TrayView['today'] } | null = null
  let menuKey = ''
  let lastTooltipMs = 0

  const readToday = (force: boolean): TrayView['today'] => {
    const nowMs = context.clock.nowMs()
    if (!force && today && nowMs - today.atMs >= 0 && nowMs - today.atMs < TODAY_EVERY_MS) return today.value
    context.recorder.current.flush()
    const report = context.reports.today(nowMs)
    const value = { energyJ: report.energyJ, co2eKg: report.footprint.co2eKg, cost: report.footprint.cost, samples: report.samples }
    today = { atMs: nowMs, value }
    return value
  }

  const run = (action: TrayAction): void => {
    if (action === 'pause') void context.recorder.pause().then(() => refresh(true))
    else if (action === 'resume') void context.recorder.resume().then(() => refresh(true))
    else if (action === 'open') actions.show('/')
    else if (action === 'devices') actions.show('/devices')
    else if (action === 'reveal-logs') actions.revealLogs()
    else actions.quit()
  }

  const refresh = (force = false): void => {
    const { view, capacityW } = trayView(context, readToday(force))
    const words = reader()
    tray.setToolTip(trayTooltip(words, view))
    const items = trayMenu(words, view)
    // Rebuilt only when a label changes: some Linux panels flicker on every rebuild.
    const key = JSON.stringify(items)
    if (key !== menuKey) {
      menuKey = key
      tray.setContextMenu(
        Menu.buildFromTemplate(
          items.map((item) =>
            item.kind === 'separator'
              ? { type: 'separator' as const }
              : {
                  label: item.label,
                  enabled: item.enabled,
                  ...(item.action
                    ? {
                        click: (
                          (a: TrayAction) => () =>
                            run(a)
                        )(item.action),
                      }
                    : {}),
                },
          ),
        ),
      )
    }
    const next = view.state === 'paused' ? 0 : trayLevel(view.powerW, capacityW)
    if (next !== level) {
      level = next
      tray.setImage(iconFor(level))
    }
  }

  tray.on('click', () => actions.show())
  // The panel's theme changed: the same level, drawn for it.
  const onTheme = (): void => tray.setImage(iconFor(level))
  nativeTheme.on('updated', onTheme)
  const offBus = context.bus.on((channel) => {
    if (channel === 'telemetry:status') return refresh()
    const now = Date.now()
    if (channel !== 'telemetry:samples' || now - lastTooltipMs < 1000) return
    lastTooltipMs = now
    refresh()
  })
  // Language, units, price or grid changed: the words and today's figures follow at once.
  const offSettings = context.settings.onChange(() => refresh(true))
  refresh(true)
  return {
    refresh: () => refresh(true),
    destroy: () => {
      offBus()
      offSettings()
      nativeTheme.off('updated', onTheme)
      tray.destroy()
    },
  }
}
