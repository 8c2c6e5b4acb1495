import { DatabaseSync } from 'node:sqlite'
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { LEGACY_TABLES, MIGRATIONS } from './migrations.ts'
import { WattprintError } from '../contract/errors.ts'
import type { MessageCode, MessageParams } from '../contract/messages.ts'

/** Wattprint's mark in the SQLite header (`PRAGMA application_id`): "WATP". */
export const WATTPRINT_APPLICATION_ID = 0x57415450

export type StoreErrorCode =
  /** Not an SQLite file at all, or one whose header cannot be read. */
  | 'not-sqlite'
  /** An SQLite file another program made (no Wattprint mark). */
  | 'foreign'
  /** Written by a newer Wattprint. */
  | 'newer-schema'
  /** Wattprint's own file, failing SQLite's quick_check. */
  | 'damaged'
  /** The file (or its folder) may not be written. */
  | 'read-only'
  /** Anything else SQLite or the file system refused. */
  | 'io'

/**
 * A database that cannot be used as asked; `path` was left as it was. A file Wattprint will not
 * use is bad input (exit 2); a failure to create or migrate one is a failure (exit 1).
 */
export class StoreError extends WattprintError {
  readonly reason: StoreErrorCode
  readonly path: string
  /** What SQLite or the file system said, verbatim (e.g. quick_check's first problem). */
  readonly detail: string | null
  constructor(reason: StoreErrorCode, path: string, code: MessageCode, params: MessageParams = {}, detail: string | null = null) {
    super(code === 'db.cannot-create' || code === 'db.migration-failed' ? 'failure' : 'bad-input', code, { path, ...params }, { raw: detail })
    this.reason = reason
    this.path = path
    this.detail = detail
  }
}

export interface OpenOptions {
  /** `read`: never writes (a read-only file is fine); `write` (default): creates, migrates, records. */
  mode?: 'read' | 'write'
}

const SQLITE_MAGIC = 'SQLite format 3\u0000'

/**
 * Opens (or creates) a Wattprint database and brings its schema up to date. A file is Wattprint's
 * only if it carries Wattprint's application_id (or is an unmarked file with exactly the tables an
 * earlier Wattprint made). Everything else — another program's database, a newer schema, a damaged
 * or read-only file — is refused with a StoreError before anything is written: the file is first
 * inspected through a read-only connection, and only then opened for writing and switched to WAL.
 */
export function openDatabase(path: string, options: OpenOptions = {}): DatabaseSync {
  const mode = options.mode ?? 'write'
  if (path === ':memory:') return prepareNew(new DatabaseSync(':memory:'), path)
  const exists = existsSync(path)
  if (!exists || statSync(path).size === 0) {
    if (mode === 'read') throw new StoreError('io', path, 'db.none')
    if (exists) assertWritable(path)
    try {
      mkdirSync(dirname(path), { recursive: true })
      return prepareNew(new DatabaseSync(path), path)
    } catch (error) {
      if (error instanceof StoreError) throw error
      throw new StoreError('io', path, 'db.cannot-create', { detail: messageOf(error) }, messageOf(error))
    }
  }
  const found = inspectDatabase(path)
  if (mode === 'read' && found.version === MIGRATIONS.length && found.marked) {
    return openReadOnly(path)
  }
  assertWritable(path)
  let db: DatabaseSync
  try {
    db = new DatabaseSync(path)
    db.exec('PRAGMA busy_timeout = 5000')
  } catch (error) {
    throw new StoreError('io', path, 'db.cannot-open', { detail: messageOf(error) }, messageOf(error))
  }
  try {
    migrate(db, path, found.version, !found.marked)
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = NORMAL')
  } catch (error) {
    db.close()
    throw error instanceof StoreError ? error : new StoreError('io', path, 'db.cannot-open', { detail: messageOf(error) }, messageOf(error))
  }
  return db
}

/**
 * Moves a damaged database (and its -wal/-shm) aside as `<path>.damaged-<UTC time>`, so recording
 * can go on in a fresh file; returns where it went. Nothing is deleted.
 */
export function moveAside(path: string, nowMs: number): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  let target = `${path}.damaged-${stamp}`
  for (let n = 2; existsSync(target); n++) target = `${path}.damaged-${stamp}-${n}`
  for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix)
  renameSync(path, target)
  return target
}

export interface Inspection {
  version: number
  /** True when the Wattprint mark is set; false for an adopted earlier-Wattprint file. */
  marked: boolean
}

/** Reads what a file is without writing to it; throws a StoreError saying why it is not usable. */
export function inspectDatabase(path: string): Inspection {
  const header = readHeader(path)
  if (header.subarray(0, 16).toString('latin1') !== SQLITE_MAGIC) {
    throw new StoreError('not-sqlite', path, 'db.not-sqlite')
  }
  // The header says who made the file (offset 68: application_id), read without SQLite so that
  // another program's database is not even locked.
  const applicationId = header.length >= 72 ? header.readUInt32BE(68) : 0
  const marked = applicationId === WATTPRINT_APPLICATION_ID
  if (!marked && applicationId !== 0) {
    throw new StoreError('foreign', path, 'db.foreign-marked', { applicationId: `0x${applicationId.toString(16)}` })
  }
  if (!marked) {
    // Unmarked: an earlier Wattprint's file, or another program's. `immutable` reads it without
    // locks or -wal/-shm files beside it.
    const tables = withConnection(path, true, 'not-sqlite', (db) => ({
      version: pragmaNumber(db, 'user_version'),
      names: (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name),
    }))
    if (!isLegacyWattprint(tables.names, tables.version)) {
      throw new StoreError('foreign', path, 'db.foreign', { tables: tables.names.slice(0, 6).join(', ') || 'none', version: tables.version })
    }
  }
  return withConnection(path, false, 'damaged', (db) => {
    const version = pragmaNumber(db, 'user_version')
    if (version > MIGRATIONS.length) {
      throw new StoreError('newer-schema', path, 'db.newer-schema', { version, known: MIGRATIONS.length })
    }
    const check = quickCheck(db)
    if (check !== 'ok') {
      throw new StoreError('damaged', path, 'db.damaged', { detail: check.slice(0, 160) }, check)
    }
    return { version, marked }
  })
}

/**
 * Runs `read` on a read-only connection. A read that fails is `onFailure`: 'damaged' only for a
 * file already known to be Wattprint's (only those are ever moved aside).
 */
function withConnection<T>(path: string, immutable: boolean, onFailure: StoreErrorCode, read: (db: DatabaseSync) => T): T {
  let db: DatabaseSync
  try {
    if (immutable) {
      const url = pathToFileURL(path)
      url.searchParams.set('immutable', '1')
      db = new DatabaseSync(url, { readOnly: true })
    } else db = new DatabaseSync(path, { readOnly: true })
  } catch (error) {
    throw new StoreError('not-sqlite', path, 'db.unreadable', { detail: messageOf(error) }, messageOf(error))
  }
  try {
    return read(db)
  } catch (error) {
    if (error instanceof StoreError) throw error
    throw new StoreError(onFailure, path, 'db.unreadable', { detail: messageOf(error) }, messageOf(error))
  } finally {
    db.close()
  }
}

/** SQLite's quick_check of a Wattprint file: 'ok', or the first problem found. */
export function quickCheck(db: DatabaseSync): string {
  try {
    const rows = db.prepare('PRAGMA quick_check(5)').all() as { quick_check: string }[]
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok')
    return problems.length === 0 ? 'ok' : problems.join('; ')
  } catch (error) {
    return messageOf(error)
  }
}

/** An unmarked file is an earlier Wattprint's when it holds exactly the tables that version made. */
function isLegacyWattprint(tables: readonly string[], version: number): boolean {
  if (version === 0) return tables.length === 0
  const expected = LEGACY_TABLES[version]
  return expected !== undefined && expected.length === tables.length && expected.every((t) => tables.includes(t))
}

function readHeader(path: string): Buffer {
  let fd: number | null = null
  try {
    fd = openSync(path, 'r')
    const buffer = Buffer.alloc(100)
    const read = readSync(fd, buffer, 0, 100, 0)
    return buffer.subarray(0, read)
  } catch (error) {
    throw new StoreError('io', path, 'db.cannot-read', { detail: (error as NodeJS.ErrnoException).code ?? messageOf(error) })
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

/**
 * Refuses a file marked read-only (no write bit for anyone) or in a folder that cannot be written.
 * The mode bits are checked, not access(2): running as root must not override the user's choice.
 */
function assertWritable(path: string): void {
  const fileMode = statSync(path).mode
  if ((fileMode & 0o222) === 0) {
    throw new StoreError('read-only', path, 'db.read-only')
  }
  const dirMode = statSync(dirname(path)).mode
  if ((dirMode & 0o222) === 0) {
    throw new StoreError('read-only', path, 'db.read-only-folder')
  }
}

function openReadOnly(path: string): DatabaseSync {
  try {
    const db = new DatabaseSync(path, { readOnly: true })
    db.exec('PRAGMA busy_timeout = 5000')
    return db
  } catch (error) {
    throw new StoreError('io', path, 'db.cannot-open', { detail: messageOf(error) }, messageOf(error))
  }
}

/** A new file: the mark and schema are written before WAL is switched on. */
function prepareNew(db: DatabaseSync, path: string): DatabaseSync {
  try {
    db.exec('PRAGMA busy_timeout = 5000')
    // Pages freed by retention go back to the disk (purgeRawBefore runs incremental_vacuum); only a new file can choose this.
    db.exec('PRAGMA auto_vacuum = INCREMENTAL')
    migrate(db, path, 0, true)
    if (path !== ':memory:') {
      db.exec('PRAGMA journal_mode = WAL')
      db.exec('PRAGMA synchronous = NORMAL')
    }
    return db
  } catch (error) {
    db.close()
    throw error instanceof StoreError ? error : new StoreError('io', path, 'db.cannot-open', { detail: messageOf(error) }, messageOf(error))
  }
}

function migrate(db: DatabaseSync, path: string, current: number, mark: boolean): void {
  if (current === MIGRATIONS.length && !mark) return
  db.exec('BEGIN IMMEDIATE')
  try {
    for (let version = current; version < MIGRATIONS.length; version++) {
      const step = MIGRATIONS[version] ?? ''
      if (typeof step === 'string') db.exec(step)
      else step(db)
    }
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`)
    db.exec(`PRAGMA application_id = ${WATTPRINT_APPLICATION_ID}`)
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw new StoreError('io', path, 'db.migration-failed', { version: MIGRATIONS.length, detail: messageOf(error) }, messageOf(error))
  }
}

function pragmaNumber(db: DatabaseSync, name: 'application_id' | 'user_version'): number {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, number> | undefined
  return row?.[name] ?? 0
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
