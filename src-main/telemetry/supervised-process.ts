import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export type SpawnFn = (command: string, args: readonly string[]) => ChildProcess

export interface ProcessExit {
  code: number | null
  signal: string | null
  /** errno code when the process could not be started (ENOENT: not installed). */
  spawnError: string | null
  /** The process printed no line for `hangTimeoutMs` and was killed. */
  hung: boolean
  /** Whatever it wrote to stderr (bounded). */
  stderr: string
  ranMs: number
}

export interface SupervisedProcessOptions {
  command: string
  args: readonly string[]
  /** No stdout line for this long means the process hangs: it is killed and restarted. */
  hangTimeoutMs: number
  backoffInitialMs: number
  backoffMaxMs: number
  /** A run at least this long resets the back-off. */
  healthyRunMs: number
  onLine(line: string): void
  /** Called after each exit, before the restart is scheduled; gets the delay chosen. */
  onExit(exit: ProcessExit, restartInMs: number): void
  spawn?: SpawnFn
}

const MAX_STDERR_CHARS = 4000

/**
 * Keeps one long-lived process running: reads its stdout line by line, kills it when it stops
 * talking, and restarts it with exponential back-off when it exits.
 */
export class SupervisedProcess {
  private child: ChildProcess | null = null
  private stopped = true
  private backoffMs: number
  private restartTimer: NodeJS.Timeout | null = null
  private hangTimer: NodeJS.Timeout | null = null
  private hung = false
  private stderr = ''
  private startedAt = 0
  private readonly options: SupervisedProcessOptions
  restarts = 0

  constructor(options: SupervisedProcessOptions) {
    this.options = options
    this.backoffMs = options.backoffInitialMs
  }

  start(): void {
    this.stopped = false
    this.launch()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.clearHangTimer()
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    await new Promise<void>((resolve) => {
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 2000)
      child.once('close', () => {
        clearTimeout(killTimer)
        resolve()
      })
      child.kill('SIGTERM')
    })
  }

  private launch(): void {
    const spawnFn: SpawnFn = this.options.spawn ?? ((command, args) => nodeSpawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }))
    this.hung = false
    this.stderr = ''
    this.startedAt = Date.now()
    let child: ChildProcess
    try {
      child = spawnFn(this.options.command, this.options.args)
    } catch (error) {
      this.handleExit({ code: null, signal: null, spawnError: errnoOf(error) ?? 'spawn-failed' })
      return
    }
    this.child = child
    let spawnError: string | null = null
    child.on('error', (error) => {
      spawnError = errnoOf(error) ?? error.message
    })
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      if (this.stderr.length < MAX_STDERR_CHARS) this.stderr += chunk.slice(0, MAX_STDERR_CHARS - this.stderr.length)
    })
    if (child.stdout) {
      const lines = createInterface({ input: child.stdout, crlfDelay: Infinity })
      lines.on('line', (line) => {
        this.armHangTimer()
        this.options.onLine(line)
      })
    }
    this.armHangTimer()
    child.on('close', (code, signal) => {
      if (this.child === child) this.child = null
      this.handleExit({ code, signal, spawnError })
    })
  }

  private handleExit(exit: Pick<ProcessExit, 'code' | 'signal' | 'spawnError'>): void {
    this.clearHangTimer()
    // An exit that stop() asked for is not news (real nvidia-smi exits 0 on SIGTERM: it read as a failure).
    if (this.stopped) return
    const ranMs = Date.now() - this.startedAt
    if (ranMs >= this.options.healthyRunMs) this.backoffMs = this.options.backoffInitialMs
    const delayMs = this.backoffMs
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.backoffMaxMs)
    this.options.onExit({ ...exit, hung: this.hung, stderr: this.stderr.trim(), ranMs }, delayMs)
    this.restartTimer = setTimeout(() => {
      this.restarts++
      if (!this.stopped) this.launch()
    }, delayMs)
  }

  private armHangTimer(): void {
    this.clearHangTimer()
    this.hangTimer = setTimeout(() => {
      this.hung = true
      this.child?.kill('SIGKILL')
    }, this.options.hangTimeoutMs)
  }

  private clearHangTimer(): void {
    if (this.hangTimer) clearTimeout(this.hangTimer)
    this.hangTimer = null
  }
}

function errnoOf(error: unknown): string | null {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code
  return null
}
