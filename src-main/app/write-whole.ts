import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** Writes a small file whole: a temporary file beside it, renamed over it, so a crash mid-write leaves the previous one. */
export function writeWhole(path: string, text: string, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, text, mode === undefined ? {} : { mode })
  renameSync(temporary, path)
}
