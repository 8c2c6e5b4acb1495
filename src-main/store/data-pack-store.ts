import type { DatabaseSync } from 'node:sqlite'
import { DataPackSchema, type DataPack } from '../contract/reference.ts'
import { compareVersions } from '../core/data-pack.ts'
import { fromZodError } from '../contract/validation.ts'
import { WattprintError } from '../contract/errors.ts'
import type { DataPackStatus } from '../contract/channels.ts'

/**
 * Newer reference data without an app update: a pack is validated, must be newer than the one in
 * use, and can be reverted; nothing is ever deleted.
 */
export class DataPackStore {
  private readonly db: DatabaseSync
  private readonly bundled: DataPack

  constructor(db: DatabaseSync, bundled: DataPack) {
    this.db = db
    this.bundled = bundled
  }

  /** The pack in use: the newest import not reverted, else the bundled one. */
  active(): { pack: DataPack; origin: 'bundled' | 'imported' } {
    const row = this.db.prepare('SELECT json FROM data_packs WHERE reverted_ms IS NULL ORDER BY id DESC LIMIT 1').get() as { json: string } | undefined
    if (!row) return { pack: this.bundled, origin: 'bundled' }
    const parsed = DataPackSchema.safeParse(JSON.parse(row.json))
    // A stored pack this version of the app cannot read (schema changed): fall back, keep the row.
    if (!parsed.success || compareVersions(parsed.data.version, this.bundled.version) <= 0) return { pack: this.bundled, origin: 'bundled' }
    return { pack: parsed.data, origin: 'imported' }
  }

  import(text: string, nowMs = Date.now()): DataPack {
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (error) {
      throw new WattprintError('bad-input', 'pack.not-json', { detail: (error as Error).message }, { field: 'json' })
    }
    const parsed = DataPackSchema.safeParse(raw)
    if (!parsed.success) throw fromZodError(parsed.error)
    const current = this.active().pack
    if (compareVersions(parsed.data.version, current.version) <= 0) {
      throw new WattprintError('bad-input', 'pack.not-newer', { version: parsed.data.version, current: current.version }, { field: 'version' })
    }
    this.db
      .prepare('INSERT INTO data_packs (version, date, json, imported_ms) VALUES (?, ?, ?, ?)')
      .run(parsed.data.version, parsed.data.date, JSON.stringify(parsed.data), nowMs)
    return parsed.data
  }

  /** Goes back to the previous pack. */
  revert(nowMs = Date.now()): DataPack {
    const row = this.db.prepare('SELECT id FROM data_packs WHERE reverted_ms IS NULL ORDER BY id DESC LIMIT 1').get() as { id: number } | undefined
    if (!row) throw new WattprintError('bad-input', 'pack.nothing-to-revert', { version: this.bundled.version })
    this.db.prepare('UPDATE data_packs SET reverted_ms = ? WHERE id = ?').run(nowMs, row.id)
    return this.active().pack
  }

  status(): DataPackStatus {
    const { pack, origin } = this.active()
    const history = (
      this.db.prepare('SELECT version, date, imported_ms, reverted_ms FROM data_packs ORDER BY id DESC').all() as {
        version: string
        date: string
        imported_ms: number
        reverted_ms: number | null
      }[]
    ).map((r) => ({ version: r.version, date: r.date, importedMs: r.imported_ms, revertedMs: r.reverted_ms }))
    return { version: pack.version, date: pack.date, origin, history }
  }
}
