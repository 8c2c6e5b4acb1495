import { Menu, type MenuItemConstructorOptions } from 'electron'
import { appMenuModel, type MenuAction, type MenuNode, type Reader } from './desktop-text.ts'

/** Hands the application menu's model to Electron, with our actions bound. */
export function setAppMenu(reader: Reader, run: (action: MenuAction) => void): void {
  const toElectron = (node: MenuNode): MenuItemConstructorOptions => {
    if (node.kind === 'separator') return { type: 'separator' }
    if (node.kind === 'submenu') return { label: node.label, ...(node.role ? { role: node.role } : {}), submenu: node.items.map(toElectron) }
    const { action } = node
    return {
      label: node.label,
      ...(node.role ? { role: node.role } : {}),
      ...(node.accelerator ? { accelerator: node.accelerator } : {}),
      ...(action ? { click: () => run(action) } : {}),
    }
  }
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuModel(reader, process.platform).map(toElectron)))
}
