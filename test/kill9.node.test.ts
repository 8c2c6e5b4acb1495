import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { DatabaseSync } from 'node:sqlite'
import { SampleStore } from '../src-main/store/sample-store.ts'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { epochMsFromLocalParts } from '../src-main/core/time.ts'
import { parseTimestampCell } from '../src-main/telemetry/parsers/nvidia-smi-csv.parse.ts'
import { FAKE_SMI_DIR, REPO_ROOT, tempDir, waitFor } from './helpers.ts'

// `kill -9` of a recording process, for real, 20 times into the same database: the file must
// stay intact, and what is lost must be at most the last second before each kill (readings are
// written at most 1 s after they arrive).

const BIN = join(REPO_ROOT, 'bin', 'wattprint.js')
const KILLS = 20

function linesOf(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []
}

/** The instant (ms) the fake nvidia-smi stamped on a line it printed. */
function stampOf(line: string): number {
  const parts = parseTimestampCell(line.split(', ')[0] ?? '')
  return parts ? (epochMsFromLocalParts(parts) ?? 0) : 0
}

describe('kill -9 while recording', () => {
  it(`${KILLS} kills: the database stays intact and each kill loses at most about a second`, async () => {
    const dir = tempDir('wattprint-kill9-')
    const db = join(dir, 'wattprint.db')
    const lost: { readings: number; seconds: number }[] = []
    let seed = 7
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647
    for (let k = 0; k < KILLS; k++) {
      const echo = join(dir, `printed-${k}.csv`)
      const child = spawn(process.execPath, [BIN, 'record', '--db', db], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`, WATTPRINT_FAKE_SMI_ECHO: echo, WATTPRINT_FAKE_SMI_SPEED: '1', TZ: 'UTC' },
      })
      // Recording for a while (the trace gives a reading every 100 ms), then killed at a random moment.
      await waitFor(() => linesOf(echo).length >= 10, 'the fake nvidia-smi to print', 20_000)
      await new Promise((r) => setTimeout(r, 300 + random() * 1500))
      const killedMs = Date.now()
      process.kill(-(child.pid ?? 0), 'SIGKILL')
      await new Promise((r) => child.once('exit', r))
      const printed = linesOf(echo)
        .map(stampOf)
        .filter((t) => t <= killedMs)
      const reader = new DatabaseSync(db, { readOnly: true })
      const integrity = (reader.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check
      const stored = new Set(new SampleStore(reader).samplesSince(printed[0] ?? 0).map((r) => r.tMs))
      reader.close()
      expect(integrity).toBe('ok')
      const missing = printed.filter((t) => !stored.has(t))
      const lastStored = Math.max(...printed.filter((t) => stored.has(t)))
      lost.push({ readings: missing.length, seconds: (killedMs - lastStored) / 1000 })
      // Only the newest readings may be missing: nothing in the middle.
      expect(missing.every((t) => t > lastStored)).toBe(true)
    }
    const seconds = lost.map((l) => l.seconds).sort((a, b) => a - b)
    const readings = lost.map((l) => l.readings).sort((a, b) => a - b)
    console.log(
      `kill -9 × ${KILLS}: readings lost per kill median ${readings[KILLS >> 1]} max ${readings.at(-1)}; seconds lost median ${seconds[KILLS >> 1]?.toFixed(2)} max ${seconds.at(-1)?.toFixed(2)}`,
    )
    // Written at most 1 s after arrival; allow the reading interval and process scheduling on top.
    expect(seconds.at(-1)).toBeLessThan(1.6)
  }, 240_000)
})
