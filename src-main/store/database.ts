import { DatabaseSync } from 'node:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { MIGRATIONS } from './migrations.ts'

export class StoreError extends Error {
  override readonly name = 'StoreError'
}

/**
 * Opens (or creates) a Wattprint database and brings its schema up to date. Refuses, without
 * writing anything, a file that is not SQLite or that a newer Wattprint wrote.
 */
export function openDatabase(path: string): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  let db: DatabaseSync
  try {
    db = new DatabaseSync(path)
    db.exec('PRAGMA busy_timeout = 5000')
    // Reading the schema version fails on a file that is not a database.
    readUserVersion(db)
  } catch (error) {
    throw new StoreError(`cannot open ${path} as a Wattprint database: ${messageOf(error)}`)
  }
  try {
    migrate(db, path)
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = NORMAL')
  } catch (error) {
    db.close()
    throw error instanceof StoreError ? error : new StoreError(`cannot prepare ${path}: ${messageOf(error)}`)
  }
  return db
}

function readUserVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined
  return row?.user_version ?? 0
}

function migrate(db: DatabaseSync, path: string): void {
  const current = readUserVersion(db)
  if (current > MIGRATIONS.length) {
    throw new StoreError(
      `${path} has schema version ${current}, newer than this Wattprint knows (${MIGRATIONS.length}): update Wattprint`,
    )
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(MIGRATIONS[version] ?? '')
      db.exec(`PRAGMA user_version = ${version + 1}`)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw new StoreError(`migration to schema ${version + 1} failed: ${messageOf(error)}`)
    }
  }
}

/** Runs `work` in one transaction; rolls back and rethrows on failure. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE')
  try {
    const result = work()
    db.exec('COMMIT')
    return result
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw error
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
