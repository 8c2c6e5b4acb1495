import { renameSync, rmSync } from 'node:fs'
import { parse, join } from 'node:path'

/** `dir/cli.log` → `dir/cli.<n>.log`. */
export function archiveName(file: string, n: number): string {
  const p = parse(file)
  return join(p.dir, `${p.name}.${n}${p.ext}`)
}

/**
 * Rotates `file`: `cli.2.log` → `cli.3.log`, `cli.1.log` → `cli.2.log`, `cli.log` → `cli.1.log`,
 * the oldest beyond `keep` deleted. Never throws (a log must not stop the app); returns false when
 * the current file could not be moved, so the caller can truncate it instead.
 */
export function archiveLog(file: string, keep: number): boolean {
  if (keep < 1) return false
  try {
    rmSync(archiveName(file, keep), { force: true })
  } catch {
    // Left in place, it is overwritten by the rename below where the system allows it.
  }
  for (let n = keep - 1; n >= 1; n--) {
    try {
      renameSync(archiveName(file, n), archiveName(file, n + 1))
    } catch {
      // Missing (fewer archives yet) or moved by another process rotating at the same moment.
    }
  }
  try {
    renameSync(file, archiveName(file, 1))
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
  }
}
