import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_FOLDER = 'Wattprint'
export const DB_FILE = 'wattprint.db'

/**
 * The per-user data folder, the same one Electron's `app.getPath('userData')` gives for an app
 * named Wattprint, so the CLI and the desktop app share one database.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER)
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_FOLDER)
}

/** The database file: `WATTPRINT_DB` when set, else in the per-user data folder. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.WATTPRINT_DB || join(userDataDir(env), DB_FILE)
}
