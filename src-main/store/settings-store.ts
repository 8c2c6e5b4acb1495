import type { DatabaseSync } from 'node:sqlite'
import { SettingsPatchSchema, SettingsSchema, type Settings, type SettingsPatch } from '../contract/settings.ts'
import { inTransaction } from './database.ts'
import { message, type Message } from '../contract/messages.ts'
import { fromZodError } from '../contract/validation.ts'

export interface LoadedSettings {
  settings: Settings
  /** Stored values that were unreadable or unknown; they stay stored, defaults are used instead. */
  problems: Message[]
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
    const problems: Message[] = []
    const shape = SettingsSchema.shape
    for (const { key, value } of rows) {
      if (!(key in shape)) {
        problems.push(message('settings.unknown', { key }))
        continue
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(value)
      } catch {
        problems.push(message('settings.not-json', { key, value: value.slice(0, 40) }))
        continue
      }
      const check = shape[key as keyof typeof shape].safeParse(parsed)
      if (check.success) settings[key] = check.data
      else problems.push(message('settings.invalid', { key, detail: check.error.issues[0]?.message ?? 'bad value' }))
    }
    return { settings: SettingsSchema.parse(settings), problems }
  }

  /** Validates a patch against the whole settings and stores the keys it names. */
  update(patch: SettingsPatch): Settings {
    const checked = SettingsPatchSchema.safeParse(patch)
    if (!checked.success) throw fromZodError(checked.error)
    const checkedPatch = checked.data
    const whole = SettingsSchema.safeParse({ ...this.load().settings, ...checkedPatch })
    if (!whole.success) throw fromZodError(whole.error)
    const next = whole.data
    const write = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    inTransaction(this.db, () => {
      for (const key of Object.keys(checkedPatch) as (keyof Settings)[]) write.run(key, JSON.stringify(next[key]))
    })
    return next
  }
}
