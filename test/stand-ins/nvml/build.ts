import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SOURCE = fileURLToPath(new URL('./libnvidia-ml.c', import.meta.url))

function mtimeMs(path: string): number | null {
  try {
    return statSync(path).mtimeMs
  } catch {
    return null
  }
}

/**
 * Compiles the stand-in libnvidia-ml.so (gcc -shared -fPIC -O2) into the OS temp dir, only when the
 * .c is newer than the .so, and returns the library's path. One folder per checkout, so two
 * checkouts never share a build. Throws with gcc's own words when it cannot compile.
 */
export function buildNvmlStandIn(): string {
  const checkout = createHash('sha256').update(SOURCE).digest('hex').slice(0, 12)
  const dir = join(tmpdir(), 'wattprint-stand-ins', `nvml-${checkout}`)
  const library = join(dir, 'libnvidia-ml.so')
  const built = mtimeMs(library)
  if (built !== null && built >= (mtimeMs(SOURCE) ?? Infinity)) return library
  mkdirSync(dir, { recursive: true })
  // Built beside it then renamed: test files run in parallel processes, and one may be loading the old one.
  const partial = `${library}.${process.pid}.partial`
  try {
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-o', partial, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    rmSync(partial, { force: true })
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim()
    throw new Error(`cannot compile the NVML stand-in ${SOURCE}: ${stderr || String(error)}`, { cause: error })
  }
  renameSync(partial, library)
  return library
}
