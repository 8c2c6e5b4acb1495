import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures')
/** Shared fixtures beside the repository (not all of them may be copied into it). */
export const SHARED_FIXTURES = resolve(REPO_ROOT, '..', 'shared', 'fixtures')
export const DEMO_TRACE = join(REPO_ROOT, 'resources', 'demo', 'qwen3-asr-burst.nvidia-smi.csv')
export const FAKE_SMI_DIR = join(REPO_ROOT, 'e2e', 'fake-nvidia-smi')

export function tempDir(prefix = 'wattprint-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function readFixture(...parts: string[]): string {
  return readFileSync(join(FIXTURES, ...parts), 'utf8')
}

/** A shared fixture, or null (the test then skips, saying why) when ../shared is absent. */
export function sharedFixture(...parts: string[]): string | null {
  const path = join(SHARED_FIXTURES, ...parts)
  return existsSync(path) ? readFileSync(path, 'utf8') : null
}

/** The `--query-gpu ... --format=csv` section (header + data line) of an nvidia_gpu_exporter capture. */
export function captureQueryGpuSections(capture: string): { state: string; header: string; row: string }[] {
  const sections: { state: string; header: string; row: string }[] = []
  const lines = capture.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^# (idle|load) :: query-gpu \(csv/.exec(lines[i] ?? '')
    if (!m) continue
    // Title line, command line, rule, then header and data.
    const header = lines[i + 3] ?? ''
    const row = lines[i + 4] ?? ''
    sections.push({ state: m[1] ?? '', header, row })
  }
  return sections
}

/** Polls until `predicate` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Polls an asynchronous check (an HTTP answer) until it holds; fails with `what` after `timeoutMs`. */
export async function waitForAsync(predicate: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!(await predicate().catch(() => false))) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Puts the fake nvidia-smi first on PATH and sets its mode for processes started afterwards. */
export function useFakeNvidiaSmi(env: Record<string, string | undefined>): () => void {
  const saved = { ...process.env }
  process.env.PATH = `${FAKE_SMI_DIR}:${saved.PATH ?? ''}`
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) Reflect.deleteProperty(process.env, key)
    else process.env[key] = value
  }
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) Reflect.deleteProperty(process.env, key)
    Object.assign(process.env, saved)
  }
}

/** A message from the main process in English, as the CLI prints it (tests read sentences, not codes). */
export { formatText as textOf } from '../src-main/contract/messages.ts'

export const BIN = join(REPO_ROOT, 'bin', 'wattprint.js')

/** Runs the CLI as a user would (a new Node process); never throws: the exit code comes back. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** The value, or a failure naming what was missing (tests index arrays of known shape). */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`missing: ${what}`)
  return value
}

/** The GPU of {@link steadyPowerLog}'s readings. */
export const STEADY_GPU = { uuid: 'GPU-b0d9e700-0000-4000-8000-000000000000', name: 'NVIDIA GeForce RTX 4090' } as const

/**
 * An nvidia-smi --query-gpu CSV log of one GPU (STEADY_GPU) at a steady power and 90 % use, one
 * reading a second from `startMs` for `seconds` (inclusive), its times in UTC (import it with zone UTC).
 */
export function steadyPowerLog(startMs: number, seconds: number, powerW: number): string {
  const rows = ['timestamp, name, power.draw [W], utilization.gpu [%], uuid']
  for (let s = 0; s <= seconds; s++) {
    const t = new Date(startMs + s * 1000).toISOString().slice(0, 23).replace('T', ' ').replace(/-/g, '/')
    rows.push(`${t}, ${STEADY_GPU.name}, ${powerW.toFixed(2)}, 90, ${STEADY_GPU.uuid}`)
  }
  return rows.join('\n')
}
