import type { DatabaseSync } from 'node:sqlite'

const PREFIX = 'notice:'

/**
 * Which notifications were shown (a budget crossed this month, last week's summary), kept in the
 * meta table so a restart does not show them again.
 */
export class NoticeLog {
  private readonly db: DatabaseSync

  constructor(db: DatabaseSync) {
    this.db = db
  }

  has(key: string): boolean {
    return this.db.prepare('SELECT 1 FROM meta WHERE key = ?').get(PREFIX + key) !== undefined
  }

  mark(key: string, atMs: number): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING').run(PREFIX + key, String(atMs))
  }

  /** Forgets notices older than `beforeMs` (their periods are over). */
  prune(beforeMs: number): void {
    this.db.prepare('DELETE FROM meta WHERE key >= ? AND key < ? AND CAST(value AS INTEGER) < ?').run(PREFIX, `${PREFIX}\uffff`, beforeMs)
  }
}
