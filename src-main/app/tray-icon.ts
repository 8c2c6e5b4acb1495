/**
 * The tray icon that shows the load at a glance: four bars, lit by how much of the GPUs' power
 * limits is drawn. Plain code (no electron import): the icons are rendered from these SVGs by
 * `node scripts/make-icons.ts`, and the level is tested here.
 */

/** Levels 0 (idle or unknown) to 4 (near the power limit). */
export const TRAY_LEVELS = [0, 1, 2, 3, 4] as const
export type TrayLevel = (typeof TRAY_LEVELS)[number]

/** light: for a light panel (dark bars); dark: for a dark panel; template: macOS (black and alpha, tinted by the system). */
export type TrayVariant = 'light' | 'dark' | 'template'

/** Share of the power limit at which each level starts (level 1 at 10 %, … level 4 at 85 %). */
const LEVEL_FROM = [0, 0.1, 0.3, 0.6, 0.85] as const
/** Without any power limit reported, a desktop GPU's typical one, W (an RTX 4090's is 450 W). */
export const FALLBACK_CAPACITY_W = 450

/** The level for `totalW` drawn against the GPUs' summed power limits (or the fallback). */
export function trayLevel(totalW: number | null, capacityW: number | null): TrayLevel {
  if (totalW === null || !Number.isFinite(totalW) || totalW <= 0) return 0
  const capacity = capacityW !== null && Number.isFinite(capacityW) && capacityW > 0 ? capacityW : FALLBACK_CAPACITY_W
  const share = totalW / capacity
  let level: TrayLevel = 0
  for (const candidate of TRAY_LEVELS) if (share >= LEVEL_FROM[candidate]) level = candidate
  return level
}

/** Colour of the lit bars: calm to hot (the template variant is black; macOS tints it). */
const LIT = ['#16a34a', '#16a34a', '#16a34a', '#d97706', '#dc2626'] as const
const UNLIT: Record<TrayVariant, string> = { light: '#1f2937', dark: '#f3f4f6', template: '#000000' }

/** The icon as SVG, 32 × 32 units: four rising bars, `level` of them lit; unlit ones faint. */
export function trayIconSvg(level: TrayLevel, variant: TrayVariant): string {
  const bars = [0, 1, 2, 3].map((i) => {
    const height = 10 + i * 6
    const lit = i < level
    const fill = variant === 'template' ? '#000000' : lit ? LIT[level] : UNLIT[variant]
    const opacity = lit ? 1 : variant === 'template' ? 0.35 : 0.45
    return `<rect x="${3 + i * 7.5}" y="${29 - height}" width="5.5" height="${height}" rx="1.2" fill="${fill}" fill-opacity="${opacity}"/>`
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${bars.join('')}</svg>`
}

/**
 * The PNG's file name: `tray-<variant>-<level>.png` at 16 px and `…@2x.png` at 32 px (Electron picks
 * the @2x file on HiDPI screens); macOS's need `Template` in the name to be tinted by the system.
 */
export function trayIconName(level: TrayLevel, variant: TrayVariant, scale: 1 | 2): string {
  const base = variant === 'template' ? `trayTemplate-${level}` : `tray-${variant}-${level}`
  return `${base}${scale === 2 ? '@2x' : ''}.png`
}
