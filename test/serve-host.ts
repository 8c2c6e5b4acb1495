// `wattprint serve` as the e2e suite, the benchmarks and the CLI tests start it: on a database,
// with the environment given, its URL (token included) read from the first line it prints.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from './helpers.ts'

export interface ServedHost {
  /** The printed URL, `http://127.0.0.1:PORT/?token=…`. */
  url: string
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  base: string
  token: string
  /** The metrics endpoint it printed (`metrics: URL`), when started with --metrics. */
  metricsUrl: string | null
  child: ChildProcess
  /** Calls a channel with the token, as the page does; throws the error's message. */
  invoke<T>(channel: string, request?: unknown): Promise<T>
  stop(): Promise<void>
}

export async function startServeHost(dbPath: string, env: NodeJS.ProcessEnv, extraArgs: readonly string[] = []): Promise<ServedHost> {
  const withMetrics = extraArgs.some((a) => a.startsWith('--metrics'))
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'wattprint.js'), 'serve', '--db', dbPath, '--port', '0', ...extraArgs], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  // The URL is the first line; with --metrics, the metrics line follows it.
  const lines = await new Promise<string[]>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString()
      const done = out.split('\n').slice(0, -1)
      if (done.length >= (withMetrics ? 2 : 1)) resolve(done)
    })
    child.on('exit', (code) => reject(new Error(`wattprint serve exited (${code}): ${stderr}`)))
  })
  const url = lines[0] ?? ''
  const metricsUrl = withMetrics ? (/^metrics: (\S+)/.exec(lines[1] ?? '')?.[1] ?? null) : null
  const token = url.split('token=')[1] ?? ''
  const base = url.split('/?')[0] ?? ''
  return {
    url,
    base,
    token,
    metricsUrl,
    child,
    async invoke<T>(channel: string, request: unknown = {}): Promise<T> {
      const res = await fetch(`${base}/api/invoke/${channel}`, {
        method: 'POST',
        body: JSON.stringify(request),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      })
      const body = (await res.json()) as { result: T; error?: { message: string } }
      if (body.error) throw new Error(body.error.message)
      return body.result
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    },
  }
}
