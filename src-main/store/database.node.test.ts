import { describe, expect, it } from 'vitest'
import { DatabaseSync } from 'node:sqlite'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../../test/helpers.ts'
import { BAD_DATABASE_KINDS, makeBadDatabase, makeWattprintDb, sha256, steadyRows } from '../../test/damage.ts'
import { moveAside, openDatabase, StoreError, WATTPRINT_APPLICATION_ID } from './database.ts'
import { LEGACY_TABLES, MIGRATIONS } from './migrations.ts'
import { salvageDatabase, diagnoseDatabase } from './salvage.ts'
import { SampleStore } from './sample-store.ts'

const pragma = (db: DatabaseSync, name: string): unknown => (db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown>)[name]

function codeOf(run: () => unknown): string | null {
  try {
    run()
    return null
  } catch (error) {
    return error instanceof StoreError ? error.reason : `not a StoreError: ${String(error)}`
  }
}

describe('which files are Wattprint databases', () => {
  it("marks a new file with Wattprint's application_id and uses WAL", () => {
    const db = openDatabase(join(tempDir(), 'new.db'))
    expect(pragma(db, 'application_id')).toBe(WATTPRINT_APPLICATION_ID)
    expect(pragma(db, 'journal_mode')).toBe('wal')
    expect(pragma(db, 'user_version')).toBe(MIGRATIONS.length)
    db.close()
  })

  const expected: Record<string, string> = {
    'foreign-app': 'foreign',
    'foreign-user-version-2': 'foreign',
    'foreign-wal': 'foreign',
    'foreign-marked': 'foreign',
    'newer-schema': 'newer-schema',
    'page-corrupted': 'damaged',
    truncated: 'damaged',
    'random-bytes': 'not-sqlite',
    'text-file': 'not-sqlite',
    'read-only': 'read-only',
  }
  it.each(BAD_DATABASE_KINDS)('%s: refused with its reason, byte for byte untouched, never switched to WAL', (kind) => {
    const dir = tempDir()
    const path = makeBadDatabase(dir, kind)
    const before = sha256(path)
    const filesBefore = readdirSync(dir)
    expect(codeOf(() => openDatabase(path))).toBe(expected[kind])
    expect(sha256(path)).toBe(before)
    if (kind.startsWith('foreign')) {
      // Not even a -wal or -shm file beside another program's database.
      expect(readdirSync(dir)).toEqual(filesBefore)
      const db = new DatabaseSync(path, { readOnly: true })
      expect(pragma(db, 'journal_mode')).toBe(kind === 'foreign-wal' ? 'wal' : 'delete')
      expect((db.prepare('SELECT body FROM notes').get() as { body: string }).body).toBe('my precious notes')
      db.close()
    }
  })

  it('reads a read-only Wattprint file for reports, and refuses to write to it', () => {
    const path = makeBadDatabase(tempDir(), 'read-only')
    const before = sha256(path)
    const db = openDatabase(path, { mode: 'read' })
    expect(new SampleStore(db).totals(0, Date.UTC(2100, 0)).samples).toBe(1000)
    db.close()
    expect(codeOf(() => openDatabase(path))).toBe('read-only')
    expect(sha256(path)).toBe(before)
  })

  it('adopts a file an earlier Wattprint wrote (its exact tables, no mark) and marks it', () => {
    const path = join(tempDir(), 'legacy.db')
    const db = new DatabaseSync(path)
    for (const sql of MIGRATIONS.slice(0, 2)) db.exec(sql as string)
    db.exec('PRAGMA user_version = 2')
    db.exec("INSERT INTO settings (key, value) VALUES ('pricePerKWh', '0.3')")
    db.close()
    expect(LEGACY_TABLES[2]).toHaveLength(8)
    const opened = openDatabase(path)
    expect(pragma(opened, 'application_id')).toBe(WATTPRINT_APPLICATION_ID)
    expect((opened.prepare('SELECT value FROM settings').get() as { value: string }).value).toBe('0.3')
    opened.close()
  })

  it('accepts an empty (0-byte) file as a new database', () => {
    const path = join(tempDir(), 'empty.db')
    new DatabaseSync(path).close()
    const db = openDatabase(path)
    expect(pragma(db, 'application_id')).toBe(WATTPRINT_APPLICATION_ID)
    db.close()
  })
})

describe('a damaged Wattprint database', () => {
  it('is moved aside with a timestamp, nothing deleted', () => {
    const dir = tempDir()
    const path = makeBadDatabase(dir, 'page-corrupted')
    const before = sha256(path)
    const moved = moveAside(path, Date.UTC(2026, 10, 30, 9, 5, 7))
    expect(moved).toBe(`${path}.damaged-20261130T090507Z`)
    expect(existsSync(path)).toBe(false)
    expect(sha256(moved)).toBe(before)
    // A fresh file can now be opened in its place.
    openDatabase(path).close()
  })

  it('is diagnosed, and its readable rows are salvaged into a new file with consistent rollups', () => {
    const dir = tempDir()
    const path = makeBadDatabase(dir, 'page-corrupted')
    const before = sha256(path)
    expect(diagnoseDatabase(path)).toMatchObject({ state: 'damaged' })
    const report = salvageDatabase(path, join(dir, 'salvaged.db'))
    expect(sha256(path)).toBe(before)
    const samples = report.tables.find((t) => t.table === 'readings')
    // Most of the 20,000 readings survive three damaged pages; what did not is named as key ranges.
    expect(samples?.copied).toBeGreaterThan(15_000)
    expect(samples?.copied).toBeLessThan(20_000)
    expect(samples?.unreadable.length).toBeGreaterThan(0)
    expect(diagnoseDatabase(report.target)).toEqual({ state: 'healthy' })
    const db = openDatabase(report.target)
    const stored = new SampleStore(db).rawTotals(0, Date.UTC(2100, 0))
    const raw = { e: stored.reduce((s, d) => s + d.energyJ, 0), n: new SampleStore(db).samplesSince(0).length }
    const minute = db.prepare('SELECT sum(energy_j) AS e, sum(samples) AS n FROM rollup_minute').get() as { e: number; n: number }
    expect(raw.n).toBe(samples?.copied)
    expect(minute.n).toBe(raw.n)
    expect(minute.e).toBeCloseTo(raw.e, 6)
    db.close()
  })

  it('a healthy file is healthy', () => {
    const path = makeWattprintDb(join(tempDir(), 'ok.db'), 100)
    expect(diagnoseDatabase(path)).toEqual({ state: 'healthy' })
    const db = openDatabase(path)
    expect(new SampleStore(db).totals(0, Date.UTC(2100, 0)).energyJ).toBe(200 * 99)
    db.close()
    expect(steadyRows(2)).toHaveLength(2)
  })
})
