import type { DatabaseSync } from 'node:sqlite'
import { SettingsPatchSchema, SettingsSchema, type Settings, type SettingsPatch } from '../contract/settings.ts'
import { inTransaction } from './database.ts'

export interface LoadedSettings {
  settings: Settings
  /** Stored values that were unreadable or unknown; they stay stored, defaults are used instead. */
  problems: string[]
}

/**
 * Settings as one row per key (JSON values). A corrupt value is reported by name and replaced by
 * its default in memory only: the stored row is left alone until the user sets that key again.
 */
export class SettingsStore {
  private readonly db: DatabaseSync
  private readonly defaults: Settings

  constructor(db: DatabaseSync, defaults: Settings) {
    this.db = db
    this.defaults = SettingsSchema.parse(defaults)
  }

  load(): LoadedSettings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[]
    const settings: Record<string, unknown> = { ...this.defaults }
    const problems: string[] = []
    const shape = SettingsSchema.shape
    for (const { key, value } of rows) {
      if (!(key in shape)) {
        problems.push(`unknown setting "${key}" ignored`)
        continue
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(value)
      } catch {
        problems.push(`setting "${key}" is not valid JSON (${value.slice(0, 40)}); using the default`)
        continue
      }
      const check = shape[key as keyof typeof shape].safeParse(parsed)
      if (check.success) settings[key] = check.data
      else problems.push(`setting "${key}" is invalid (${check.error.issues[0]?.message ?? 'bad value'}); using the default`)
    }
    return { settings: SettingsSchema.parse(settings), problems }
  }

  /** Validates a patch against the whole settings and stores the keys it names. */
  update(patch: SettingsPatch): Settings {
    const checkedPatch = SettingsPatchSchema.parse(patch)
    const next = SettingsSchema.parse({ ...this.load().settings, ...checkedPatch })
    const write = this.db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    inTransaction(this.db, () => {
      for (const key of Object.keys(checkedPatch) as (keyof Settings)[]) write.run(key, JSON.stringify(next[key]))
    })
    return next
  }
}
