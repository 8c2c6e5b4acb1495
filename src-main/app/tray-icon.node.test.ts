import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../test/helpers.ts'
import { TRAY_LEVELS, trayIconName, trayIconSvg, trayLevel, type TrayVariant } from './tray-icon.ts'

describe('the tray icon shows the load at a glance', () => {
  it('lights bars by the share of the power limits drawn', () => {
    // One RTX 4090 (450 W limit): idle at 25 W, a chat at 120 W, a long generation at 300 W, flat out at 440 W.
    expect([null, 0, 25, 60, 120, 300, 440, 600].map((w) => trayLevel(w, 450))).toEqual([0, 0, 0, 1, 1, 3, 4, 4])
    // Four GPUs: the limits add up, so one busy card of four is not "flat out".
    expect(trayLevel(440, 4 * 450)).toBe(1)
    // No limit reported: a 450 W card is assumed.
    expect(trayLevel(300, null)).toBe(3)
    expect(trayLevel(Number.NaN, 450)).toBe(0)
  })

  it('draws `level` lit bars; macOS template images are black and alpha only', () => {
    for (const level of TRAY_LEVELS) {
      const svg = trayIconSvg(level, 'light')
      expect(svg.match(/<rect /g)).toHaveLength(4)
      expect(svg.match(/fill-opacity="1"/g) ?? []).toHaveLength(level)
      const template = trayIconSvg(level, 'template')
      expect(new Set(template.match(/fill="#[0-9a-f]{6}"/g))).toEqual(new Set(['fill="#000000"']))
    }
    // On a dark panel the unlit bars are light, on a light panel dark.
    expect(trayIconSvg(0, 'dark')).toContain('#f3f4f6')
    expect(trayIconSvg(0, 'light')).toContain('#1f2937')
  })

  it('every icon the tray can ask for is rendered in resources/icons (node scripts/make-icons.ts)', () => {
    const variants: TrayVariant[] = ['light', 'dark', 'template']
    const missing = TRAY_LEVELS.flatMap((level) => variants.flatMap((variant) => ([1, 2] as const).map((scale) => trayIconName(level, variant, scale)))).filter(
      (name) => !existsSync(join(REPO_ROOT, 'resources', 'icons', name)),
    )
    expect(missing).toEqual([])
    expect(trayIconName(3, 'template', 2)).toBe('trayTemplate-3@2x.png')
    expect(trayIconName(0, 'dark', 1)).toBe('tray-dark-0.png')
  })
})
