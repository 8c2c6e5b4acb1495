import { readFileSync } from 'node:fs'
import { writeWhole } from './write-whole.ts'
import { z } from 'zod'

/** The window's place and size when it was last moved or closed (its normal bounds, not maximised ones). */
const WindowStateSchema = z.strictObject({
  x: z.number().int().min(-100_000).max(100_000),
  y: z.number().int().min(-100_000).max(100_000),
  width: z.number().int().min(100).max(100_000),
  height: z.number().int().min(100).max(100_000),
  maximized: z.boolean(),
})
export type WindowState = z.infer<typeof WindowStateSchema>

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export const DEFAULT_SIZE = { width: 1200, height: 820 } as const
export const MIN_SIZE = { width: 720, height: 520 } as const
/** At least this much of the window's top must lie on a screen for the saved place to be kept, px. */
const MIN_VISIBLE = { width: 160, height: 40 } as const

/** The saved state, or null when there is none or it is not ours (a bad file is ignored, never fatal). */
export function loadWindowState(file: string): WindowState | null {
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** Written whole (temporary file renamed), so a crash mid-write leaves the previous state. */
export function saveWindowState(file: string, state: WindowState): void {
  writeWhole(file, `${JSON.stringify(state)}\n`)
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  }
}

/**
 * Where the window opens: the saved place when its title bar is still on one of the screens (a
 * monitor unplugged since must not leave it off-screen), its size no larger than that screen;
 * otherwise centred on the primary screen. `workAreas[0]` is the primary screen's.
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Rect[]): Rect & { maximized: boolean } {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE }
  const size = saved ?? { ...DEFAULT_SIZE, maximized: false }
  if (saved) {
    const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: MIN_VISIBLE.height }
    const screen = workAreas.find((area) => {
      const o = overlap(titleBar, area)
      return o.width >= Math.min(MIN_VISIBLE.width, saved.width) && o.height >= MIN_VISIBLE.height
    })
    if (screen) {
      const width = Math.max(MIN_SIZE.width, Math.min(saved.width, screen.width))
      const height = Math.max(MIN_SIZE.height, Math.min(saved.height, screen.height))
      // Kept on the screen it was on, pulled in if it now overhangs it.
      const x = Math.min(Math.max(saved.x, screen.x), screen.x + screen.width - Math.min(width, screen.width))
      const y = Math.min(Math.max(saved.y, screen.y), screen.y + screen.height - Math.min(height, screen.height))
      return { x, y, width, height, maximized: saved.maximized }
    }
  }
  const width = Math.max(MIN_SIZE.width, Math.min(size.width, primary.width))
  const height = Math.max(MIN_SIZE.height, Math.min(size.height, primary.height))
  return {
    x: Math.round(primary.x + (primary.width - width) / 2),
    y: Math.round(primary.y + (primary.height - height) / 2),
    width,
    height,
    maximized: size.maximized,
  }
}
