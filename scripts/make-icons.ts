// Renders resources/icons/icon.svg to the window icon Electron needs (256 px, also Windows' .ico), the
// installers' icons (electron-builder.yml: 512 px for Linux, 1024 px for macOS's .icns), and the tray's load
// icons (src-main/app/tray-icon.ts: 5 levels × light, dark and macOS template × 16 and 32 px), with
// Chromium. Run again after changing either: node scripts/make-icons.ts
import { chromium } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TRAY_LEVELS, trayIconName, trayIconSvg, type TrayVariant } from '../src-main/app/tray-icon.ts'

const dir = join(import.meta.dirname, '..', 'resources', 'icons')
const svg = readFileSync(join(dir, 'icon.svg'), 'utf8')
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const page = await browser.newPage()
for (const [name, size] of [
  ['icon-256.png', 256],
  ['icon-512.png', 512],
  ['icon-1024.png', 1024],
] as const) {
  await page.setViewportSize({ width: size, height: size })
  await page.setContent(`<body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body>`)
  await page.screenshot({ path: join(dir, name), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
}
for (const level of TRAY_LEVELS) {
  for (const variant of ['light', 'dark', 'template'] as TrayVariant[]) {
    for (const scale of [1, 2] as const) {
      const size = 16 * scale
      await page.setViewportSize({ width: size, height: size })
      await page.setContent(`<body style="margin:0">${trayIconSvg(level, variant).replace('<svg ', `<svg width="${size}" height="${size}" `)}</body>`)
      await page.screenshot({ path: join(dir, trayIconName(level, variant, scale)), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
    }
  }
}
await browser.close()
