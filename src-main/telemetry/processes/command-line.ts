import { withoutControls } from '../../core/text.ts'

/** Longest command line kept, characters: room for an interpreter, a script, a model path and the options that name an app. */
export const MAX_COMMAND_LINE_CHARS = 4096
/** Read no further into /proc/PID/cmdline (it can hold megabytes of arguments): bounds the work per process. */
const MAX_RAW_CHARS = 64 * 1024

/**
 * A process's command line from `PID/cmdline` under a proc root (`readFile` is rooted at /proc or
 * WATTPRINT_PROC_ROOT, and returns null for a file it cannot read): arguments, NUL-separated there,
 * joined by spaces, tabs and new lines made spaces, other control characters and bidi overrides removed, at most 4096 characters.
 * Null when the pid is not a positive integer, the file is absent or unreadable (the process exited,
 * another user's process under hidepid), or it is empty (kernel threads, zombies). Never throws.
 */
export function readCommandLine(readFile: (path: string) => string | null, pid: number): string | null {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null
  let raw: string | null
  try {
    raw = readFile(`${pid}/cmdline`)
  } catch {
    // The process can exit, or its /proc entry turn unreadable, between the GPU listing and this read.
    return null
  }
  if (typeof raw !== 'string') return null
  const args = raw
    .slice(0, MAX_RAW_CHARS)
    .split('\0')
    // A tab or new line inside an argument (`python -c "import torch\nprint(…)"`) still separates words.
    .map((arg) => withoutControls(arg.replace(/[\t\n\v\f\r]+/g, ' ')).trim())
    .filter((arg) => arg !== '')
  const joined = args.join(' ').slice(0, MAX_COMMAND_LINE_CHARS).trim()
  return joined === '' ? null : joined
}
