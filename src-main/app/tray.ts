import { Menu, Tray, nativeImage, nativeTheme } from 'electron'
import { join } from 'node:path'
import type { AppContext } from '../api/context.ts'
import { trayIconName, trayLevel, type TrayLevel, type TrayVariant } from './tray-icon.ts'

/** Which rendered icon suits this panel: macOS tints template images itself; elsewhere light or dark bars. */
function variantFor(platform: NodeJS.Platform): TrayVariant {
  if (platform === 'darwin') return 'template'
  return nativeTheme.shouldUseDarkColors ? 'dark' : 'light'
}

/**
 * Tray icon that shows the load at a glance (bars lit by the share of the GPUs' power limits
 * drawn, changed only when the level changes) and live watts in its tooltip; the app keeps
 * recording while its window is closed.
 */
export function createTray(context: AppContext, iconsDir: string, actions: { show(): void; quit(): void }): Tray {
  const iconFor = (level: TrayLevel): Electron.NativeImage => nativeImage.createFromPath(join(iconsDir, trayIconName(level, variantFor(process.platform), 1)))
  let level: TrayLevel = 0
  const tray = new Tray(iconFor(level))
  tray.setToolTip('Wattprint: starting…')
  tray.setContextMenu(
    Menu.buildFromTemplate([{ label: 'Show Wattprint', click: actions.show }, { type: 'separator' }, { label: 'Quit (stops recording)', click: actions.quit }]),
  )
  tray.on('click', actions.show)
  // The panel's theme changed: the same level, drawn for it.
  nativeTheme.on('updated', () => tray.setImage(iconFor(level)))
  let lastTooltipMs = 0
  context.bus.on((channel) => {
    const now = Date.now()
    if (channel !== 'telemetry:samples' || now - lastTooltipMs < 1000) return
    lastTooltipMs = now
    const status = context.telemetryStatus()
    const watts = status.latest.reduce((sum, s) => sum + (s.powerW ?? 0), 0)
    const limits = status.latest.reduce((sum, s) => sum + (s.powerLimitW ?? 0), 0)
    const label = status.demo ? 'demo' : `${status.latest.length} GPU${status.latest.length === 1 ? '' : 's'}`
    tray.setToolTip(`Wattprint: ${watts.toFixed(0)} W (${label})`)
    const next = trayLevel(watts, limits > 0 ? limits : null)
    if (next !== level) {
      level = next
      tray.setImage(iconFor(level))
    }
  })
  return tray
}
