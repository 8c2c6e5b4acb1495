/**
 * The one palette of every chart, the same in the light and the dark theme: each colour is a mid
 * tone with a contrast of at least 3:1 (WCAG's figure for lines and bars) against the page and
 * card backgrounds of both (`styles.css`), checked by `palette.node.test.ts`.
 */

/** One colour per device or GPU, in order (wrapping after the last). */
export const SERIES_COLOURS = ['#1c7ed6', '#8b5cf6', '#0c8599', '#e64980', '#b45309'] as const

/** Colours that mean one thing wherever they appear. */
export const COLOURS = {
  /** A what-if baseline: what the variants are compared with. */
  baseline: '#6b7280',
  /** A what-if variant. */
  variant: '#059669',
  /** Mean power over a bucket (a line over energy bars). */
  meanPower: '#059669',
  /** Peak power over a bucket. */
  peakPower: '#d9480f',
  /** The user's own figure among published ones. */
  you: '#d9480f',
  /** A published figure (a training run). */
  reference: '#1c7ed6',
} as const

/** The colour of series number `i`. */
export function seriesColour(i: number): string {
  return SERIES_COLOURS[((i % SERIES_COLOURS.length) + SERIES_COLOURS.length) % SERIES_COLOURS.length] ?? SERIES_COLOURS[0]
}
