import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MAX_COMMAND_LINE_CHARS, readCommandLine } from './command-line.ts'

/** A /proc standing in memory: path → content, anything else absent. */
function memoryProc(files: Record<string, string>): (path: string) => string | null {
  return (path) => (Object.hasOwn(files, path) ? (files[path] ?? null) : null)
}

describe('readCommandLine', () => {
  it('joins the NUL-separated arguments with spaces (the trailing NUL adds nothing)', () => {
    const proc = memoryProc({
      '91733/cmdline': '/usr/lib/ollama/runners/cuda_v12/ollama_llama_server\0--model\0/root/.ollama/models/blobs/sha256-6a07\0--port\x0040873\0',
    })
    expect(readCommandLine(proc, 91733)).toBe(
      '/usr/lib/ollama/runners/cuda_v12/ollama_llama_server --model /root/.ollama/models/blobs/sha256-6a07 --port 40873',
    )
  })

  it('asks for PID/cmdline relative to the proc root it was given', () => {
    const asked: string[] = []
    readCommandLine((path) => {
      asked.push(path)
      return null
    }, 4242)
    expect(asked).toEqual(['4242/cmdline'])
  })

  it('keeps a rewritten title whole (Chromium, Electron and setproctitle write one string)', () => {
    const proc = memoryProc({
      '700/cmdline': 'VLLM::EngineCore\0\0\0\0',
      '701/cmdline': '/tmp/.mount_LM-Stu/lm-studio --type=gpu-process --enable-crash-reporter',
    })
    expect(readCommandLine(proc, 700)).toBe('VLLM::EngineCore')
    expect(readCommandLine(proc, 701)).toBe('/tmp/.mount_LM-Stu/lm-studio --type=gpu-process --enable-crash-reporter')
  })

  it('is null for an absent process, an empty cmdline (kernel thread, zombie), a bad pid', () => {
    const proc = memoryProc({ '2/cmdline': '', '3/cmdline': '\0\0', '0/cmdline': 'x', '-1/cmdline': 'x' })
    expect(readCommandLine(proc, 1)).toBeNull()
    expect(readCommandLine(proc, 2)).toBeNull()
    expect(readCommandLine(proc, 3)).toBeNull()
    expect(readCommandLine(proc, 0)).toBeNull()
    expect(readCommandLine(proc, -1)).toBeNull()
    expect(readCommandLine(proc, 1.5)).toBeNull()
    expect(readCommandLine(proc, Number.NaN)).toBeNull()
  })

  it('is null, not an exception, when the reader throws (the process went away mid-read)', () => {
    expect(
      readCommandLine(() => {
        throw new Error('ESRCH')
      }, 5),
    ).toBeNull()
  })

  it('turns tabs and new lines into spaces, drops escapes and bidi overrides, caps at 4096 characters', () => {
    const proc = memoryProc({
      '10/cmdline': 'python3\0-c\0import torch\nprint(torch.cuda.is_available())\0',
      '11/cmdline': '\u001b]0;pwned\u0007evil\u202e\0arg',
      '12/cmdline': `python3\0${'a'.repeat(10_000)}\0`,
    })
    expect(readCommandLine(proc, 10)).toBe('python3 -c import torch print(torch.cuda.is_available())')
    expect(readCommandLine(proc, 11)).toBe(']0;pwnedevil arg')
    expect(readCommandLine(proc, 12)).toHaveLength(MAX_COMMAND_LINE_CHARS)
  })

  it('never throws; the answer is null or printable text of at most 4096 characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 6000 }),
          fc.array(fc.string(), { maxLength: 20 }).map((a) => a.join('\0')),
        ),
        fc.integer(),
        (text, pid) => {
          const line = readCommandLine(() => text, pid)
          if (line === null) return
          expect(line.length).toBeGreaterThan(0)
          expect(line.length).toBeLessThanOrEqual(MAX_COMMAND_LINE_CHARS)
          // eslint-disable-next-line no-control-regex
          expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/)
        },
      ),
      { numRuns: 500 },
    )
  })
})
