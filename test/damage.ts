import { DatabaseSync } from 'node:sqlite'
import { createHash } from 'node:crypto'
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../src-main/store/database.ts'
import { MIGRATIONS } from '../src-main/store/migrations.ts'
import type { IngestRow } from '../src-main/recording/sink.ts'
import { SampleStore } from '../src-main/store/sample-store.ts'

/** Files that are not (usable) Wattprint databases, made for real, for the refusal tests. */
export type BadDatabaseKind =
  | 'foreign-app'
  | 'foreign-user-version-2'
  | 'foreign-wal'
  | 'foreign-marked'
  | 'newer-schema'
  | 'page-corrupted'
  | 'truncated'
  | 'random-bytes'
  | 'text-file'
  | 'read-only'

export const BAD_DATABASE_KINDS: readonly BadDatabaseKind[] = [
  'foreign-app',
  'foreign-user-version-2',
  'foreign-wal',
  'foreign-marked',
  'newer-schema',
  'page-corrupted',
  'truncated',
  'random-bytes',
  'text-file',
  'read-only',
]

export const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

const DEVICE = {
  deviceId: 'GPU-da7a0000-0000-4000-8000-000000000000',
  index: 0,
  name: 'Test GPU',
  memTotalB: null,
  source: 'test',
  domain: 'gpu' as const,
  method: 'sampled-power' as const,
}
const T0 = Date.UTC(2026, 10, 20, 8)

/** `count` readings a second at 200 W, integrated as the recorder does. */
export function steadyRows(count: number, startMs = T0): IngestRow[] {
  return Array.from({ length: count }, (_, i) => ({
    sample: {
      tMs: startMs + i * 1000,
      deviceId: DEVICE.deviceId,
      powerW: 200,
      powerLimitW: 450,
      utilPct: 50,
      memUtilPct: 10,
      memUsedB: 1e9,
      tempC: 60,
      smClockMhz: 2000,
      pstate: 2,
    },
    device: DEVICE,
    energyJ: i === 0 ? null : 200,
    intervalS: i === 0 ? null : 1,
    gap: false,
    method: i === 0 ? null : ('sampled-power' as const),
  }))
}

/** A healthy Wattprint database with `readings` readings, closed (checkpointed). */
export function makeWattprintDb(path: string, readings = 5000): string {
  const db = openDatabase(path)
  new SampleStore(db).ingest(steadyRows(readings))
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  db.close()
  return path
}

/** Overwrites `length` bytes at `offset` with a pattern, as a failing disk or a bad copy would. */
export function scribble(path: string, offset: number, length: number): void {
  const fd = openSync(path, 'r+')
  try {
    writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset)
  } finally {
    closeSync(fd)
  }
}

export function makeBadDatabase(dir: string, kind: BadDatabaseKind, path = join(dir, `${kind}.db`)): string {
  const foreign = (setup: (db: DatabaseSync) => void): string => {
    const db = new DatabaseSync(path)
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('my precious notes')")
    setup(db)
    db.close()
    return path
  }
  switch (kind) {
    case 'foreign-app':
      return foreign(() => undefined)
    case 'foreign-user-version-2':
      // Another app at schema 2, like Wattprint's own version before it marked its files.
      return foreign((db) => db.exec('PRAGMA user_version = 2; CREATE TABLE samples (x); CREATE TABLE devices (y)'))
    case 'foreign-wal':
      return foreign((db) => db.exec('PRAGMA journal_mode = WAL'))
    case 'foreign-marked':
      return foreign((db) => db.exec('PRAGMA application_id = 1234567'))
    case 'newer-schema': {
      makeWattprintDb(path, 100)
      const db = new DatabaseSync(path)
      db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 5}`)
      db.close()
      return path
    }
    case 'page-corrupted': {
      makeWattprintDb(path, 20_000)
      // Leave page 1 (header and schema) alone; damage b-tree pages in the middle of the file.
      const size = statSync(path).size
      scribble(path, Math.floor(size / 2 / 4096) * 4096, 4096 * 3)
      return path
    }
    case 'truncated': {
      makeWattprintDb(path, 20_000)
      const bytes = readFileSync(path)
      writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 3)))
      return path
    }
    case 'random-bytes': {
      let x = 12345
      writeFileSync(path, Buffer.from(Array.from({ length: 64 * 1024 }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) >> 16) & 0xff)))
      return path
    }
    case 'text-file':
      writeFileSync(path, 'my precious notes, not SQLite at all\n'.repeat(200))
      return path
    case 'read-only':
      makeWattprintDb(path, 1000)
      chmodSync(path, 0o444)
      return path
  }
}
