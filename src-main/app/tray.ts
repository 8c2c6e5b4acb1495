import { Menu, Tray, nativeImage } from 'electron'
import type { AppContext } from '../api/context.ts'

/** Tray icon whose tooltip shows live watts; the app keeps recording while its window is closed. */
export function createTray(context: AppContext, iconPath: string, actions: { show(): void; quit(): void }): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath))
  tray.setToolTip('Wattprint: starting…')
  tray.setContextMenu(
    Menu.buildFromTemplate([{ label: 'Show Wattprint', click: actions.show }, { type: 'separator' }, { label: 'Quit (stops recording)', click: actions.quit }]),
  )
  tray.on('click', actions.show)
  let lastTooltipMs = 0
  context.bus.on((channel) => {
    const now = Date.now()
    if (channel !== 'telemetry:samples' || now - lastTooltipMs < 1000) return
    lastTooltipMs = now
    const status = context.telemetryStatus()
    const watts = status.latest.reduce((sum, s) => sum + (s.powerW ?? 0), 0)
    const label = status.demo ? 'demo' : `${status.latest.length} GPU${status.latest.length === 1 ? '' : 's'}`
    tray.setToolTip(`Wattprint: ${watts.toFixed(0)} W (${label})`)
  })
  return tray
}
