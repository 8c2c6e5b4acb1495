import { describe, expect, it, vi } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../../test/helpers.ts'
import { createContext } from '../api/context.ts'

// No Electron binary here: electron-log/main is electron-log/node with Electron's paths, which the
// app's log replaces anyway; `app` only needs `once` for the stop line.
const quitListeners: (() => void)[] = []
vi.mock('electron', () => ({ app: { once: (event: string, fn: () => void) => event === 'will-quit' && quitListeners.push(fn) } }))

describe("the desktop app's log", () => {
  it('writes app.log: start (Electron or Node, database), the storage notes, transitions, and stop when the app quits', async () => {
    const logs = tempDir()
    process.env.WATTPRINT_LOG_DIR = logs
    const { logAppError, logAppImport, logFilePath, logFolderPath, startAppLog } = await import('./log.ts')
    expect(logFilePath()).toBe(join(logs, 'app.log'))
    expect(logFolderPath()).toBe(logs)
    const context = createContext({ dbPath: join(tempDir(), 'app.db'), host: 'electron', version: '9.8.7' })
    try {
      const appLog = startAppLog(context)
      expect(appLog.filePath).toBe(join(logs, 'app.log'))
      context.bus.emit('telemetry:status', context.telemetryStatus())
      logAppError('cannot open the database', new Error('not a Wattprint database'))
      logAppImport({
        file: '/somewhere/private/gpu.csv',
        zone: 'UTC',
        rows: 3,
        imported: 3,
        alreadyStored: 0,
        skipped: {},
        devices: [],
        energyJ: 1,
        gaps: 0,
        firstMs: null,
        lastMs: null,
        warnings: [],
      })
      expect(quitListeners).toHaveLength(1)
      for (const fn of quitListeners) fn()
      appLog.stop()
    } finally {
      await context.close()
    }
    const lines = readFileSync(join(logs, 'app.log'), 'utf8').trimEnd().split('\n')
    expect(lines[0]).toMatch(/\[info\] \[\d+\] start Wattprint 9\.8\.7 \(app\) on \w+ \w+, Node [\d.]+, database \/.*app\.db$/)
    expect(lines.some((l) => /\[error\] \[\d+\] cannot open the database: Error: not a Wattprint database/.test(l))).toBe(true)
    expect(lines.some((l) => /\[info\] \[\d+\] import gpu\.csv: 3 readings imported/.test(l))).toBe(true)
    expect(lines.join('\n')).not.toContain('private')
    expect(lines.filter((l) => / stop$/.test(l))).toHaveLength(1)
  })
})
