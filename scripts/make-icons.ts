// Renders resources/icons/icon.svg to the PNGs Electron needs (window, tray), with Chromium.
// Run again after changing the SVG: node scripts/make-icons.ts
import { chromium } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = join(import.meta.dirname, '..', 'resources', 'icons')
const svg = readFileSync(join(dir, 'icon.svg'), 'utf8')
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const page = await browser.newPage()
for (const [name, size] of [
  ['icon-256.png', 256],
  ['tray-32.png', 32],
  ['tray-16.png', 16],
] as const) {
  await page.setViewportSize({ width: size, height: size })
  await page.setContent(`<body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body>`)
  await page.screenshot({ path: join(dir, name), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
}
await browser.close()
