import { readFileSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { writeWhole } from './write-whole.ts'

/**
 * Start at login on Linux, where Electron has no login-item API: an XDG autostart entry,
 * `$XDG_CONFIG_HOME/autostart/wattprint.desktop` (~/.config by default), which GNOME, KDE, Xfce and
 * the others start at login (freedesktop.org Desktop Application Autostart Specification). Plain
 * Node (no electron import), so it is tested here.
 */

export const AUTOSTART_FILE = 'wattprint.desktop'
/** Marks the entry as written by Wattprint: a file of the same name that lacks it is the user's, never removed. */
const MARKER = 'X-Wattprint-Autostart=true'
/** The argument that starts Wattprint in the tray without opening its window. */
export const HIDDEN_ARG = '--hidden'

export interface AutostartOptions {
  /** The environment (XDG_CONFIG_HOME, APPIMAGE). */
  env: NodeJS.ProcessEnv
  /** The home folder, when XDG_CONFIG_HOME is unset. */
  home?: string
  /** The executable that starts Wattprint (process.execPath); an AppImage's own path replaces it (APPIMAGE). */
  execPath: string
  /** Arguments before HIDDEN_ARG (an unpackaged run: the app's folder). */
  args?: readonly string[]
  icon?: string
}

export function autostartPath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config')
  return join(config, 'autostart', AUTOSTART_FILE)
}

/**
 * One argument of an Exec line (Desktop Entry Specification, "The Exec key"): quoted when it holds
 * a reserved character, with `"`, `` ` ``, `$` and `\` escaped inside the quotes; `%` doubled (field codes).
 */
export function execArg(arg: string): string {
  const percent = arg.replaceAll('%', '%%')
  if (percent !== '' && !/[\s"'\\><~|&;$*?#()`=]/.test(percent)) return percent
  return `"${percent.replace(/(["`$\\])/g, '\\$1')}"`
}

/** The entry's text: the command that starts Wattprint hidden in the tray. */
export function desktopEntry(options: AutostartOptions): string {
  // Inside an AppImage, execPath is a mount point that changes each run: the AppImage file is what starts it.
  const command = [options.env.APPIMAGE ?? options.execPath, ...(options.env.APPIMAGE ? [] : (options.args ?? [])), HIDDEN_ARG]
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Wattprint',
    'Comment=What your AI costs in energy, CO2e and money: recording in the tray',
    `Exec=${command.map(execArg).join(' ')}`,
    ...(options.icon ? [`Icon=${options.icon}`] : []),
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    MARKER,
  ]
  return `${lines.join('\n')}\n`
}

/**
 * Writes or removes the entry so that it says `enabled`. Written whole or not at all (a temporary
 * file renamed over it); a file of that name that Wattprint did not write is left alone (and
 * reported). Returns what it did.
 */
export function setLinuxAutostart(enabled: boolean, options: AutostartOptions): { path: string; action: 'written' | 'removed' | 'unchanged' | 'not-ours' } {
  const path = autostartPath(options.env, options.home)
  const existing = readOrNull(path)
  if (existing !== null && !existing.includes(MARKER)) return { path, action: 'not-ours' }
  if (!enabled) {
    if (existing === null) return { path, action: 'unchanged' }
    rmSync(path, { force: true })
    return { path, action: 'removed' }
  }
  const text = desktopEntry(options)
  if (existing === text) return { path, action: 'unchanged' }
  writeWhole(path, text, 0o644)
  return { path, action: 'written' }
}

/** Whether Wattprint was started by its autostart entry (or asked to start hidden). */
export function startsHidden(argv: readonly string[]): boolean {
  return argv.includes(HIDDEN_ARG)
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}
