import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { tempDir } from '../../../test/helpers.ts'
import { standInTokens, startStandInServer, type StandIn, type StandInOptions } from '../../../test/stand-ins/inference/servers.ts'
import {
  inferenceClient,
  InferenceError,
  MAX_DETAIL_CHARS,
  modelInfoFromName,
  readTokenCounters,
  serverMessage,
  type InferenceErrorKind,
  type ServerKind,
} from './clients.ts'

const PROMPT = 'Explain in one paragraph why the sky is blue and why sunsets are red instead'
const PROMPT_TOKENS = standInTokens(PROMPT) // 14 words × 1.3 = 18

const started: StandIn[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()))
})

async function standIn(kind: ServerKind, options: Partial<StandInOptions> = {}): Promise<StandIn> {
  const server = await startStandInServer(kind, {
    models: [{ name: 'llama3.2:latest', family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M' }],
    promptTokensPerS: 180,
    outputTokensPerS: 100,
    ...options,
  })
  started.push(server)
  return server
}

/** The error a promise rejects with; fails the test when it resolves or rejects with something else. */
async function failure(promise: Promise<unknown>): Promise<InferenceError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(InferenceError)
    return error as InferenceError
  }
  throw new Error('expected an InferenceError, got an answer')
}

function expectFailure(error: InferenceError, kind: InferenceErrorKind, status: number | null, detail: RegExp): void {
  expect({ kind: error.kind, status: error.status }).toEqual({ kind, status })
  expect(error.detail).toMatch(detail)
  expect(error.message).toContain(error.detail)
}

describe('Ollama (/api/tags, /api/ps, /api/show, /api/generate)', () => {
  const models = [
    { name: 'llama3.2:latest', family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M' },
    { name: 'deepseek-r1:latest', family: 'qwen2', parameterSize: '7.6B', quantization: 'Q4_K_M' },
  ]

  it('lists models with their details, the loaded ones with their VRAM, and one model by name', async () => {
    const server = await standIn('ollama', { models, loaded: ['deepseek-r1:latest'] })
    const client = inferenceClient('ollama', new URL(server.url))
    expect(await client.listModels()).toEqual(models)
    expect(await client.loadedModels()).toEqual([{ name: 'deepseek-r1:latest', sizeVramB: 5137025024 }])
    expect(await client.modelInfo('deepseek-r1')).toEqual({ ...models[1], name: 'deepseek-r1' })
    expect(await client.modelInfo('mistral:7b')).toBeNull()
  })

  it('generates at temperature 0 without streaming; tokens from the counts, durations from ns', async () => {
    const loadFile = join(tempDir(), 'load')
    const server = await standIn('ollama', { loadFile })
    const client = inferenceClient('ollama', new URL(server.url))
    const running = client.generate('llama3.2:latest', PROMPT, { maxTokens: 12, seed: 42 })
    let sawBusy = false
    for (let i = 0; i < 400 && !sawBusy; i++) {
      sawBusy = readFileSync(loadFile, 'utf8') === '1'
      if (!sawBusy) await sleep(5)
    }
    expect(sawBusy).toBe(true)
    const result = await running
    expect(readFileSync(loadFile, 'utf8')).toBe('0')
    expect(result).toMatchObject({ model: 'llama3.2:latest', promptTokens: PROMPT_TOKENS, outputTokens: 12 })
    expect(result.text.split(' ')).toHaveLength(12)
    expect(result.promptMs).toBeGreaterThanOrEqual(95) // 18 tokens at 180 tokens/s
    expect(result.promptMs).toBeLessThan(2000)
    expect(result.generationMs).toBeGreaterThanOrEqual(115) // 12 tokens at 100 tokens/s
    expect(result.generationMs).toBeLessThan(2000)
    expect(result.totalMs).toBeGreaterThanOrEqual((result.promptMs ?? 0) + (result.generationMs ?? 0))
    expect(server.busyMs).toBeGreaterThanOrEqual(215)
    expect(server.requests.at(-1)).toEqual({
      path: '/api/generate',
      body: { model: 'llama3.2:latest', prompt: PROMPT, stream: false, options: { num_predict: 12, temperature: 0, seed: 42 } },
    })
  })

  it('reports an unknown model as model-not-found, in the server words', async () => {
    const server = await standIn('ollama')
    const error = await failure(inferenceClient('ollama', new URL(server.url)).generate('mistral', PROMPT, { maxTokens: 4, seed: 1 }))
    expectFailure(error, 'model-not-found', 404, /^model 'mistral' not found$/)
  })

  it('reads an absent count as unknown (the fields are omitempty), a count that is not a number as a bad response', async () => {
    const absent = await standIn('ollama', { failWith: { status: 200, body: '{"model":"m","response":"hi","done":true}' } })
    expect(await inferenceClient('ollama', new URL(absent.url)).generate('m', 'x', { maxTokens: 1, seed: 1 })).toEqual({
      model: 'm',
      promptTokens: null,
      outputTokens: null,
      promptMs: null,
      generationMs: null,
      totalMs: null,
      text: 'hi',
    })
    const wrong = await standIn('ollama', { failWith: { status: 200, body: '{"response":"hi","eval_count":"many"}' } })
    expectFailure(await failure(inferenceClient('ollama', new URL(wrong.url)).generate('m', 'x', { maxTokens: 1, seed: 1 })), 'bad-response', 200, /eval_count/)
    const missing = await standIn('ollama', { failWith: { status: 200, body: '{"done":true}' } })
    expectFailure(
      await failure(inferenceClient('ollama', new URL(missing.url)).generate('m', 'x', { maxTokens: 1, seed: 1 })),
      'bad-response',
      200,
      /"response" is missing/,
    )
  })
})

describe('llama.cpp llama-server (/v1/models, /props, /completion, /metrics)', () => {
  const gguf = { name: '../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf', parameterSize: '8B' }

  it('lists its one model with the parameter count the server gives and what the file name says', async () => {
    const server = await standIn('llamacpp', { models: [gguf] })
    const client = inferenceClient('llamacpp', new URL(server.url))
    const info = { name: gguf.name, family: 'llama', parameterSize: '8.0B', quantization: 'Q4_K_M' }
    expect(await client.listModels()).toEqual([info])
    expect(await client.loadedModels()).toEqual([{ name: gguf.name, sizeVramB: null }])
    expect(await client.modelInfo(gguf.name)).toEqual(info)
    expect(await client.modelInfo('other.gguf')).toBeNull()
  })

  it('generates with /completion (cache_prompt off): tokens_evaluated, tokens_predicted, timings in ms; counters move', async () => {
    const server = await standIn('llamacpp', { models: [gguf], outputTokens: 7 })
    const base = new URL(server.url)
    expect(await readTokenCounters('llamacpp', base)).toEqual([{ model: null, promptTokensTotal: 0, outputTokensTotal: 0 }])
    const result = await inferenceClient('llamacpp', base).generate(gguf.name, PROMPT, { maxTokens: 50, seed: 7 })
    expect(result).toMatchObject({ model: gguf.name, promptTokens: PROMPT_TOKENS, outputTokens: 7, totalMs: null })
    expect(result.promptMs).toBeGreaterThanOrEqual(95)
    expect(result.generationMs).toBeGreaterThanOrEqual(65)
    expect(server.requests.at(-1)?.body).toEqual({
      model: gguf.name,
      prompt: PROMPT,
      n_predict: 50,
      temperature: 0,
      seed: 7,
      cache_prompt: false,
      stream: false,
    })
    expect(await readTokenCounters('llamacpp', base)).toEqual([{ model: null, promptTokensTotal: PROMPT_TOKENS, outputTokensTotal: 7 }])
  })

  it('in router mode lists each model with its status, and refuses an unknown one (400 "model not found")', async () => {
    const models = [{ name: 'ggml-org/gemma-3-4b-it-GGUF:Q4_K_M' }, { name: 'unsloth/Qwen3-8B-GGUF:Q8_0' }]
    const server = await standIn('llamacpp', { models, loaded: ['unsloth/Qwen3-8B-GGUF:Q8_0'] })
    const client = inferenceClient('llamacpp', new URL(server.url))
    expect(await client.listModels()).toEqual([
      { name: models[0]?.name, family: 'gemma', parameterSize: '4B', quantization: 'Q4_K_M' },
      { name: models[1]?.name, family: 'qwen', parameterSize: '8B', quantization: 'Q8_0' },
    ])
    expect(await client.loadedModels()).toEqual([{ name: 'unsloth/Qwen3-8B-GGUF:Q8_0', sizeVramB: null }])
    expectFailure(await failure(client.generate('nope', PROMPT, { maxTokens: 4, seed: 1 })), 'model-not-found', 400, /^model not found$/)
  })

  it('says so when /metrics is off (llama-server without --metrics)', async () => {
    const body = JSON.stringify({
      error: { code: 501, message: 'This server does not support metrics endpoint. Start it with `--metrics`', type: 'not_supported_error' },
    })
    const server = await standIn('llamacpp', { models: [gguf], failWith: { status: 501, body } })
    expectFailure(await failure(readTokenCounters('llamacpp', new URL(server.url))), 'http', 501, /Start it with `--metrics`/)
  })

  it('falls back to /props on a server without /v1/models', async () => {
    const props = readFileSync(new URL('../../../test/stand-ins/inference/shapes/llamacpp-props.json', import.meta.url), 'utf8')
    const fake: typeof fetch = async (input) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname
      return path === '/props'
        ? new Response(props, { status: 200 })
        : new Response('{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}', { status: 404 })
    }
    const client = inferenceClient('llamacpp', new URL('http://127.0.0.1:8080'), { fetch: fake })
    expect(await client.listModels()).toEqual([
      { name: '../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf', family: 'llama', parameterSize: '8B', quantization: 'Q4_K_M' },
    ])
  })
})

describe('vLLM (/v1/models, /v1/chat/completions, /metrics)', () => {
  const models = [{ name: 'meta-llama/Llama-3.1-8B-Instruct' }, { name: 'Qwen/Qwen2.5-7B-Instruct-AWQ' }]

  it('lists served models with what their names say, and no server timings', async () => {
    const server = await standIn('vllm', { models })
    const client = inferenceClient('vllm', new URL(server.url))
    expect(await client.listModels()).toEqual([
      { name: models[0]?.name, family: 'llama', parameterSize: '8B', quantization: null },
      { name: models[1]?.name, family: 'qwen', parameterSize: '7B', quantization: 'AWQ' },
    ])
    expect(await client.loadedModels()).toEqual(models.map((m) => ({ name: m.name, sizeVramB: null })))
    expect(await client.modelInfo('gpt-4')).toBeNull()
  })

  it('generates through chat completions with usage; counters per model_name', async () => {
    const server = await standIn('vllm', { models })
    const base = new URL(server.url)
    const before = await readTokenCounters('vllm', base)
    expect(before).toEqual(models.map((m) => ({ model: m.name, promptTokensTotal: 0, outputTokensTotal: 0 })))
    const result = await inferenceClient('vllm', base).generate(models[1]?.name ?? '', PROMPT, { maxTokens: 9, seed: 3 })
    expect(result).toMatchObject({ model: models[1]?.name, promptTokens: PROMPT_TOKENS, outputTokens: 9, promptMs: null, generationMs: null, totalMs: null })
    expect(server.requests.at(-1)?.body).toEqual({
      model: models[1]?.name,
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: 9,
      temperature: 0,
      seed: 3,
      stream: false,
    })
    expect(await readTokenCounters('vllm', base)).toEqual([
      { model: models[0]?.name, promptTokensTotal: 0, outputTokensTotal: 0 },
      { model: models[1]?.name, promptTokensTotal: PROMPT_TOKENS, outputTokensTotal: 9 },
    ])
  })

  it('adds the engines of one model (data parallel) and refuses a page without the counters', async () => {
    const page = [
      '# TYPE vllm:prompt_tokens_total counter',
      'vllm:prompt_tokens_total{model_name="m",engine="0"} 10.0',
      'vllm:prompt_tokens_total{model_name="m",engine="1"} 5.0',
      'vllm:generation_tokens_total{model_name="m",engine="0"} 3.0',
      'vllm:generation_tokens_total{model_name="m",engine="1"} 4.0',
    ].join('\n')
    const serve =
      (text: string): typeof fetch =>
      async () =>
        new Response(text, { status: 200 })
    expect(await readTokenCounters('vllm', new URL('http://127.0.0.1:8000'), { fetch: serve(page) })).toEqual([
      { model: 'm', promptTokensTotal: 15, outputTokensTotal: 7 },
    ])
    expectFailure(
      await failure(readTokenCounters('vllm', new URL('http://127.0.0.1:8000'), { fetch: serve('up 1\n') })),
      'bad-response',
      200,
      /no vllm:prompt_tokens_total/,
    )
    expectFailure(
      await failure(readTokenCounters('vllm', new URL('http://127.0.0.1:8000'), { fetch: serve(page.replace('10.0', 'NaN')) })),
      'bad-response',
      200,
      /NaN/,
    )
  })

  it('reports an unknown model as model-not-found (404 NotFoundError)', async () => {
    const server = await standIn('vllm', { models })
    const error = await failure(inferenceClient('vllm', new URL(server.url)).generate('llama3', PROMPT, { maxTokens: 4, seed: 1 }))
    expectFailure(error, 'model-not-found', 404, /^The model `llama3` does not exist\.$/)
  })
})

describe('OpenAI-compatible servers (LM Studio, Jan)', () => {
  it('works with the base URL as OpenAI clients are configured (…/v1)', async () => {
    const server = await standIn('openai', { models: [{ name: 'granite-3.0-2b-instruct' }] })
    const client = inferenceClient('openai', new URL(`${server.url}/v1/`))
    expect(await client.listModels()).toEqual([{ name: 'granite-3.0-2b-instruct', family: 'granite', parameterSize: '2B', quantization: null }])
    const result = await client.generate('granite-3.0-2b-instruct', PROMPT, { maxTokens: 5, seed: 0 })
    expect(result).toMatchObject({ promptTokens: PROMPT_TOKENS, outputTokens: 5, promptMs: null })
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/models', '/v1/chat/completions'])
    const missing = await failure(client.generate('gpt-5', PROMPT, { maxTokens: 5, seed: 0 }))
    expectFailure(missing, 'model-not-found', 404, /does not exist/)
  })
})

describe('every failure is an InferenceError with the server words, bounded', () => {
  it.each(['ollama', 'llamacpp', 'vllm', 'openai'] as const)('%s: server down → unreachable', async (kind) => {
    const server = await startStandInServer(kind, { models: [{ name: 'm' }], promptTokensPerS: 1, outputTokensPerS: 1 })
    await server.close()
    const error = await failure(inferenceClient(kind, new URL(server.url)).listModels())
    expectFailure(error, 'unreachable', null, /ECONNREFUSED/)
  })

  it.each([
    ['ollama', '{"error":"the model failed to generate a response"}', /^the model failed to generate a response$/],
    ['llamacpp', '{"error":{"code":500,"message":"failed to decode the batch","type":"server_error"}}', /^failed to decode the batch$/],
    [
      'vllm',
      '{"error":{"message":"EngineCore encountered an issue.","type":"InternalServerError","param":null,"code":500}}',
      /^EngineCore encountered an issue\.$/,
    ],
    ['openai', '<html>Internal Server Error</html>', /^<html>Internal Server Error<\/html>$/],
  ] as const)('%s: HTTP 500 → http, the server message as detail', async (kind, body, detail) => {
    const server = await standIn(kind, { failWith: { status: 500, body } })
    expectFailure(await failure(inferenceClient(kind, new URL(server.url)).generate('m', PROMPT, { maxTokens: 2, seed: 1 })), 'http', 500, detail)
  })

  it('a 404 that is not about a model (wrong kind of server) is http, not model-not-found', async () => {
    const server = await standIn('vllm')
    expectFailure(await failure(inferenceClient('ollama', new URL(server.url)).generate('m', PROMPT, { maxTokens: 2, seed: 1 })), 'http', 404, /^Not Found$/)
  })

  it('times out with a short timeoutMs, and the server stops working when the client hangs up', async () => {
    const loadFile = join(tempDir(), 'load')
    const server = await standIn('ollama', { promptTokensPerS: 5, loadFile })
    const error = await failure(
      inferenceClient('ollama', new URL(server.url), { timeoutMs: 150 }).generate('llama3.2:latest', PROMPT, { maxTokens: 4, seed: 1 }),
    )
    expectFailure(error, 'timeout', null, /within 0\.15 s/)
    await sleep(100)
    expect(readFileSync(loadFile, 'utf8')).toBe('0')
    expect(server.busyMs).toBeLessThan(1000)
  })

  it('waits 10 s for a listing and 300 s for a generation unless told otherwise', async () => {
    vi.useFakeTimers()
    try {
      const hang: typeof fetch = (_input, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))
      const client = inferenceClient('vllm', new URL('http://127.0.0.1:8000'), { fetch: hang })
      for (const [work, limitMs] of [
        [() => client.listModels(), 10_000],
        [() => client.generate('m', PROMPT, { maxTokens: 1, seed: 1 }), 300_000],
      ] as const) {
        let settled = false
        const pending = failure(work()).finally(() => (settled = true))
        await vi.advanceTimersByTimeAsync(limitMs - 1)
        expect(settled).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        expectFailure(await pending, 'timeout', null, new RegExp(`within ${limitMs / 1000} s`))
      }
    } finally {
      vi.useRealTimers()
    }
  })

  it.each([
    ['not JSON', '<!doctype html><p>hello', /not JSON: <!doctype html><p>hello/],
    ['a list', '[1,2,3]', /no "models" list/],
    ['no models', '{"modelz":[]}', /no "models" list/],
    ['a model without a name', '{"models":[{"details":{}}]}', /"name" is missing/],
    ['a negative VRAM size', '{"models":[{"name":"x","size_vram":-1}]}', /size_vram/],
  ])('garbage (%s) → bad-response', async (_label, body, detail) => {
    const server = await standIn('ollama', { failWith: { status: 200, body } })
    const client = inferenceClient('ollama', new URL(server.url))
    const error = await failure(body.includes('size_vram') ? client.loadedModels() : client.listModels())
    expectFailure(error, 'bad-response', 200, detail)
  })

  it('keeps at most 2,000 printable characters of what the server said', async () => {
    const server = await standIn('ollama', { failWith: { status: 500, body: JSON.stringify({ error: `\u001b[31mred\u001b[0m\n${'x'.repeat(10_000)}` }) } })
    const error = await failure(inferenceClient('ollama', new URL(server.url)).listModels())
    expect(error.detail.length).toBeLessThanOrEqual(MAX_DETAIL_CHARS)
    expect(error.detail.startsWith('[31mred[0m xxx')).toBe(true)
  })

  it('reports a redirect and does not follow it off the machine', async () => {
    const calls: string[] = []
    const fake: typeof fetch = async (input, init) => {
      calls.push(String(input))
      expect(init?.redirect).toBe('manual')
      return new Response(null, { status: 302, headers: { location: 'http://evil.example/api/tags' } })
    }
    const error = await failure(inferenceClient('ollama', new URL('http://127.0.0.1:11434'), { fetch: fake }).listModels())
    expectFailure(error, 'http', 302, /redirected to http:\/\/evil\.example\/api\/tags/)
    expect(calls).toEqual(['http://127.0.0.1:11434/api/tags'])
  })
})

describe('nothing but the request', () => {
  it.each(['ollama', 'llamacpp', 'vllm', 'openai'] as const)('%s: only the server, only accept and content-type, a timeout signal on each', async (kind) => {
    const server = await standIn(kind)
    const seen: { url: string; headers: Record<string, string>; signal: boolean }[] = []
    const spy: typeof fetch = (input, init) => {
      seen.push({ url: String(input), headers: { ...(init?.headers as Record<string, string>) }, signal: init?.signal instanceof AbortSignal })
      return fetch(input, init)
    }
    const client = inferenceClient(kind, new URL(server.url), { fetch: spy })
    await client.listModels()
    await client.loadedModels()
    await client.modelInfo('llama3.2:latest')
    await client.generate('llama3.2:latest', 'hi', { maxTokens: 1, seed: 1 })
    if (kind === 'llamacpp' || kind === 'vllm') await readTokenCounters(kind, new URL(server.url), { fetch: spy })
    expect(seen.length).toBeGreaterThanOrEqual(4)
    for (const call of seen) {
      expect(call.url.startsWith(`${server.url}/`)).toBe(true)
      expect(Object.keys(call.headers).sort()).toEqual(expect.arrayContaining(['accept']))
      expect(Object.keys(call.headers).every((h) => h === 'accept' || h === 'content-type')).toBe(true)
      expect(call.signal).toBe(true)
    }
  })
})

describe('model facts from names', () => {
  it.each([
    ['../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf', 'llama', '8B', 'Q4_K_M'],
    ['llama3.2:3b-instruct-q8_0', 'llama', '3B', 'Q8_0'],
    ['Qwen/Qwen2.5-0.5B-Instruct', 'qwen', '0.5B', null],
    ['Qwen/Qwen3-30B-A3B-FP8', 'qwen', '30B', 'FP8'],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'mixtral', '8x7B', null],
    ['TheBloke/Mistral-7B-Instruct-v0.2-GPTQ', 'mistral', '7B', 'GPTQ'],
    ['unsloth/gpt-oss-20b-GGUF:MXFP4', 'gpt-oss', '20B', 'MXFP4'],
    ['bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF/DeepSeek-R1-Distill-Qwen-7B-IQ4_XS.gguf', 'deepseek', '7B', 'IQ4_XS'],
    ['HuggingFaceTB/SmolLM2-135M-Instruct', 'smollm', '135M', null],
    ['google/gemma-3-27b-it-qat-q4_0-gguf', 'gemma', '27B', 'Q4_0'],
    ['mlx-community/Llama-3.2-1B-Instruct-4bit', 'llama', '1B', '4BIT'],
    ['my-finetune', null, null, null],
    ['', null, null, null],
  ])('%s', (name, family, parameterSize, quantization) => {
    expect(modelInfoFromName(name)).toEqual({ name, family, parameterSize, quantization })
  })
})

describe('serverMessage', () => {
  it.each([
    ['{"error":"model \'x\' not found"}', "model 'x' not found"],
    ['{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}', 'Loading model'],
    ['{"object":"error","message":"old vLLM","type":"BadRequestError","code":400}', 'old vLLM'],
    ['{"detail":"Not Found"}', 'Not Found'],
    ['{"detail":[{"loc":["body","model"],"msg":"field required"}]}', '[{"loc":["body","model"],"msg":"field required"}]'],
    ['{"error":{"type":"x"}}', '{"error":{"type":"x"}}'],
    ['plain words', 'plain words'],
    ['null', 'null'],
  ])('%s', (body, expected) => {
    expect(serverMessage(body)).toBe(expected)
  })
})
