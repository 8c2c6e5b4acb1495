import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { tempDir } from '../../test/helpers.ts'
import { bundledDataPack } from '../core/data-pack.ts'
import { openDatabase } from './database.ts'
import { DataPackStore } from './data-pack-store.ts'
import { WattprintError } from '../contract/errors.ts'

function setup(): DataPackStore {
  return new DataPackStore(openDatabase(join(tempDir(), 'packs.db')), bundledDataPack())
}
const bundled = bundledDataPack()
const newer = (patch: object = {}): string => JSON.stringify({ ...bundled, version: '9.1.0', date: '2027-01-15', ...patch })

describe('importing a newer reference data pack', () => {
  it('uses a valid newer pack, and reverts to the bundled one', () => {
    const store = setup()
    expect(store.status()).toMatchObject({ version: bundled.version, origin: 'bundled', history: [] })
    store.import(newer())
    expect(store.active()).toMatchObject({ origin: 'imported', pack: { version: '9.1.0' } })
    store.revert()
    expect(store.status()).toMatchObject({ version: bundled.version, origin: 'bundled' })
    // Reverted, not deleted: the history keeps it.
    expect(store.status().history).toHaveLength(1)
    expect(store.status().history[0]?.revertedMs).not.toBeNull()
  })

  it('refuses a pack that is not newer, not JSON, or not valid, naming the field', () => {
    const store = setup()
    expect(() => store.import(JSON.stringify(bundled))).toThrow(/not newer/)
    expect(() => store.import('{"version": ')).toThrow(/not valid JSON/)
    const badRun = { ...bundled.trainingRuns[0], pue: 0.5 }
    expect(() => store.import(newer({ trainingRuns: [badRun] }))).toThrow(/field "trainingRuns\.0\.pue"/)
    expect(() => store.import(newer({ hardware: [] }))).toThrow(/unknown hardwareId/)
    expect(() => store.revert()).toThrow(WattprintError)
    expect(store.active().origin).toBe('bundled')
  })
})
