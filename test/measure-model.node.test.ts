import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ModelMeasurement } from '../src-main/contract/models.ts'
import { createContext } from '../src-main/api/context.ts'
import { FAKE_SMI_DIR, runCli, tempDir } from './helpers.ts'
import { startStandInServer, type StandIn } from './stand-ins/inference/servers.ts'

// "Measure my model" end to end: a real `wattprint measure-model` process, a stand-in server on
// loopback that really takes time to generate and, meanwhile, makes the fake nvidia-smi read
// load power. The truth is known: 200 W above a 30 W idle for exactly the time it computes.

const IDLE_W = 30
const LOAD_W = 230
const PROMPT_TOKENS_PER_S = 2000
const OUTPUT_TOKENS_PER_S = 80

let server: StandIn | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

async function measure(
  kind: 'ollama' | 'llamacpp' | 'vllm' | 'openai',
  model: string,
  extra: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string; db: string }> {
  const dir = tempDir()
  const loadFile = join(dir, 'load')
  server = await startStandInServer(kind, {
    models: [{ name: model, family: 'llama', parameterSize: '8.0B', quantization: 'Q4_K_M' }],
    promptTokensPerS: PROMPT_TOKENS_PER_S,
    outputTokensPerS: OUTPUT_TOKENS_PER_S,
    loadFile,
  })
  const db = join(dir, 'm.db')
  const result = await runCli(
    ['measure-model', '--server', kind, '--url', server.url, '--model', model, '--repeats', '1', '--idle-s', '2', '--db', db, ...extra],
    {
      PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`,
      WATTPRINT_FAKE_SMI_LOAD_FILE: loadFile,
      WATTPRINT_FAKE_SMI_IDLE_W: String(IDLE_W),
      WATTPRINT_FAKE_SMI_LOAD_W: String(LOAD_W),
    },
  )
  return { ...result, db }
}

/** What the stand-in's power truly was above idle, per 1,000 output tokens, for these responses. */
function truthWhPer1k(m: ModelMeasurement): number {
  const joules = m.perResponse.reduce(
    (s, r) => s + (LOAD_W - IDLE_W) * ((r.promptTokens ?? 0) / PROMPT_TOKENS_PER_S + (r.outputTokens ?? 0) / OUTPUT_TOKENS_PER_S),
    0,
  )
  return (joules / m.outputTokens) * (1000 / 3600)
}

describe('wattprint measure-model', () => {
  it('Ollama: Wh per 1,000 tokens within 10 % of the truth, idle measured, prompt and generation apart, stored', async () => {
    const { code, stdout, stderr, db } = await measure('ollama', 'llama3.1:8b-instruct-q4_K_M', ['--json'])
    expect(code, stderr).toBe(0)
    const m = JSON.parse(stdout) as ModelMeasurement
    expect(m).toMatchObject({
      model: 'llama3.1:8b-instruct-q4_K_M',
      server: 'ollama',
      responses: 4,
      promptSet: 'wattprint-measure-v1',
      method: 'sampled-power',
      quantization: 'Q4_K_M',
    })
    expect(m.outputTokens).toBe(4 * 256)
    expect(m.idleW).toBeGreaterThan(IDLE_W - 1)
    expect(m.idleW).toBeLessThan(IDLE_W + 1)
    const truth = truthWhPer1k(m)
    console.log(
      `measure-model (ollama stand-in): ${m.whPer1kTokens.value.toFixed(3)} Wh/1k tokens measured, ${truth.toFixed(3)} true (${(((m.whPer1kTokens.value - truth) / truth) * 100).toFixed(1)} %)`,
    )
    expect(Math.abs(m.whPer1kTokens.value - truth) / truth).toBeLessThan(0.1)
    expect(m.whPer1kTokens.low).toBeLessThan(truth)
    expect(m.whPer1kTokens.high).toBeGreaterThan(truth)
    expect(m.split).not.toBeNull()
    expect(m.split?.promptJ).toBeGreaterThan(0)
    expect(m.split?.generationJ).toBeGreaterThan(m.split?.promptJ ?? 0)
    expect(m.measurement.map((f) => f.id)).toEqual(['measurement-nvml-power'])
    // Stored: the app lists it.
    const ctx = createContext({ dbPath: db, host: 'cli', version: 'test', locale: 'en-US', dbMode: 'read' })
    expect(ctx.models.list().map((x) => x.model)).toEqual(['llama3.1:8b-instruct-q4_K_M'])
    await ctx.close()
  })

  it('vLLM (OpenAI API, no server timings): same figure, no prompt/generation split, and says so', async () => {
    const { code, stdout, stderr } = await measure('vllm', 'Qwen/Qwen2.5-7B-Instruct-AWQ', ['--json'])
    expect(code, stderr).toBe(0)
    const m = JSON.parse(stdout) as ModelMeasurement
    expect(m.split).toBeNull()
    expect(m.notes.join(' ')).toMatch(/no split/)
    expect(Math.abs(m.whPer1kTokens.value - truthWhPer1k(m)) / truthWhPer1k(m)).toBeLessThan(0.1)
  })

  it('refuses a server that is not on this machine before measuring anything, unless allowed', async () => {
    const result = await runCli(['measure-model', '--server', 'ollama', '--url', 'http://192.168.1.20:11434', '--model', 'x', '--db', join(tempDir(), 'x.db')])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/not on this machine/)
    const credentials = await runCli([
      'measure-model',
      '--server',
      'ollama',
      '--url',
      'http://user:pw@127.0.0.1:11434',
      '--model',
      'x',
      '--db',
      join(tempDir(), 'x.db'),
    ])
    expect(credentials.code).toBe(2)
  })

  it('names the model the server does not have, and fails cleanly when the server is down', async () => {
    const missing = await measure('ollama', 'llama3.1:8b', ['--model', 'mistral:7b'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no model "mistral:7b"/)
    const down = await runCli(['measure-model', '--server', 'llamacpp', '--url', 'http://127.0.0.1:9', '--model', 'x', '--db', join(tempDir(), 'y.db')], {
      PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`,
    })
    expect(down.code).toBe(1)
    expect(down.stderr).toMatch(/does not answer/)
  })

  it('says there is nothing to measure with when no power source reads', async () => {
    server = await startStandInServer('ollama', { models: [{ name: 'm' }], promptTokensPerS: 1000, outputTokensPerS: 1000 })
    const result = await runCli(['measure-model', '--server', 'ollama', '--url', server.url, '--model', 'm', '--db', join(tempDir(), 'z.db')], {
      WATTPRINT_NVIDIA_SMI: '/nonexistent/nvidia-smi',
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/No power source is reading/)
  })
})
