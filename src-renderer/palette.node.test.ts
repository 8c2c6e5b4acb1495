import { describe, expect, it } from 'vitest'
import { COLOURS, SERIES_COLOURS, seriesColour } from './palette.ts'

// The web tsconfig has no Node types (and Vite gives tests CSS as empty): the one Node API this
// test needs, declared here.
declare const process: { getBuiltinModule(id: 'node:fs'): { readFileSync(path: URL, encoding: 'utf8'): string } }
const css = process.getBuiltinModule('node:fs').readFileSync(new URL('./styles.css', import.meta.url), 'utf8')

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0)
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05)
}

/** The page and card backgrounds of a theme block of styles.css. */
function backgrounds(css: string, selector: string): string[] {
  const block = css.slice(css.indexOf(`${selector} {`)).split('}')[0] ?? ''
  return ['--bg', '--surface'].map((name) => {
    const value = new RegExp(`${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(block)?.[1]
    if (!value) throw new Error(`${selector} has no ${name}`)
    return value
  })
}

describe('the chart palette', () => {
  const themes = { light: backgrounds(css, ':root'), dark: backgrounds(css, ":root[data-theme='dark']") }
  const colours = [...SERIES_COLOURS, ...Object.values(COLOURS)]

  it.each(Object.entries(themes))("reads at 3:1 or more on the %s theme's backgrounds", (_theme, bgs) => {
    for (const colour of colours) for (const bg of bgs) expect(contrast(colour, bg), `${colour} on ${bg}`).toBeGreaterThanOrEqual(3)
  })

  it('tells series apart and wraps after the last colour', () => {
    expect(new Set(SERIES_COLOURS).size).toBe(SERIES_COLOURS.length)
    expect(seriesColour(0)).toBe(SERIES_COLOURS[0])
    expect(seriesColour(SERIES_COLOURS.length + 1)).toBe(SERIES_COLOURS[1])
  })
})
