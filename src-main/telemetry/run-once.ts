import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process'
import type { SpawnFn } from './supervised-process.ts'

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  /** errno code when it could not be started (ENOENT: not installed). */
  spawnError: string | null
  timedOut: boolean
}

const MAX_OUTPUT = 4 * 1024 * 1024

/** Runs a tool once and collects what it says (bounded), killing it after `timeoutMs`. Never throws. */
export function runOnce(command: string, args: readonly string[], options: { spawn?: SpawnFn | undefined; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    let child: ChildProcess
    try {
      child = (options.spawn ?? ((c, a) => nodeSpawn(c, a, { stdio: ['ignore', 'pipe', 'pipe'] })))(command, args)
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: '', spawnError: (error as NodeJS.ErrnoException).code ?? 'spawn-failed', timedOut: false })
      return
    }
    let stdout = ''
    let stderr = ''
    let spawnError: string | null = null
    let timedOut = false
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout = (stdout + c).slice(0, MAX_OUTPUT)))
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(0, MAX_OUTPUT)))
    child.on('error', (error: NodeJS.ErrnoException) => (spawnError = error.code ?? error.message))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, spawnError, timedOut })
    })
  })
}

/** Whether an executable is there to run: a path that exists, or a name found on PATH. */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean): boolean {
  if (command.includes('/') || command.includes('\\')) return exists(command)
  const dirs = (env.PATH ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean)
  const names = process.platform === 'win32' ? [command, `${command}.exe`] : [command]
  return dirs.some((dir) => names.some((n) => exists(`${dir}/${n}`)))
}
