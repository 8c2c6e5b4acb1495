import { withoutControls } from '../../core/text.ts'
import { readBounded } from '../bounded-read.ts'
import { parsePrometheusText } from './prometheus-text.parse.ts'

// Clients for the local inference servers people run: Ollama's native API, llama.cpp's
// llama-server, vLLM and the OpenAI-compatible servers (LM Studio, Jan). Each request is the
// request and nothing else: no telemetry, no API key, no redirect followed, a timeout on all.
// Response shapes: see test/stand-ins/inference/shapes/README.md for the source of each.

export type ServerKind = 'ollama' | 'llamacpp' | 'vllm' | 'openai'

export interface ModelInfo {
  name: string
  /** Architecture family as the server names it (`llama`, `qwen2`), or guessed from the name; null when unknown. */
  family: string | null
  /** As the server writes it (`7.6B`, `8.0B`) or as the name says (`8B`); null when unknown. */
  parameterSize: string | null
  /** `Q4_K_M`, `F16`, `AWQ`…; null when unknown. */
  quantization: string | null
}

export interface LoadedModel {
  name: string
  /** Bytes of the model held in GPU memory (Ollama's `size_vram`; 0 = all in system RAM); null when the server does not say. */
  sizeVramB: number | null
}

export interface GenerateOptions {
  /** Most tokens to generate. */
  maxTokens: number
  seed: number
}

/** One non-streaming completion at temperature 0. Counts and times the server did not report are null, never 0. */
export interface GenerateResult {
  model: string
  promptTokens: number | null
  outputTokens: number | null
  /** Server-measured prompt evaluation time, ms. */
  promptMs: number | null
  /** Server-measured generation (decode) time, ms. */
  generationMs: number | null
  /** Server-measured whole request (Ollama's `total_duration`, model load included), ms. */
  totalMs: number | null
  text: string
}

/** Every method fails by throwing an {@link InferenceError}, never anything else. */
export interface InferenceClient {
  kind: ServerKind
  /** The models the server can run. */
  listModels(): Promise<ModelInfo[]>
  /** The models in memory now (Ollama `/api/ps`), or what `/v1/models` says is served. */
  loadedModels(): Promise<LoadedModel[]>
  /** What the server (Ollama) or the model's name (others) says about one model; null when the server does not know it. */
  modelInfo(name: string): Promise<ModelInfo | null>
  generate(model: string, prompt: string, options: GenerateOptions): Promise<GenerateResult>
}

export interface ClientOptions {
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch
  /** Overrides every request's timeout, ms. */
  timeoutMs?: number
}

export type InferenceErrorKind = 'unreachable' | 'http' | 'timeout' | 'bad-response' | 'model-not-found'

/** A failed request to an inference server. `detail` holds the server's own words when it gave some. */
export class InferenceError extends Error {
  readonly kind: InferenceErrorKind
  /** The HTTP status, when an answer came. */
  readonly status: number | null
  /** At most {@link MAX_DETAIL_CHARS} printable characters. */
  readonly detail: string

  constructor(kind: InferenceErrorKind, status: number | null, detail: string) {
    const clean = boundedText(detail, MAX_DETAIL_CHARS)
    super(`${kind}${status === null ? '' : ` (HTTP ${status})`}: ${clean}`)
    this.name = 'InferenceError'
    this.kind = kind
    this.status = status
    this.detail = clean
  }
}

/** A generation may run for minutes on a slow machine; anything else answers at once or is stuck. */
export const DEFAULT_GENERATE_TIMEOUT_MS = 300_000
export const DEFAULT_TIMEOUT_MS = 10_000
export const MAX_DETAIL_CHARS = 2000
/** Largest answer read, bytes: a model list or a 300 s generation fits many times over. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024

/** Ollama reports durations in nanoseconds (docs/api.md, "Durations"): ns → ms. */
export const msFromNs = (durationNs: number): number => durationNs / 1_000_000

/** A client for one server. `baseUrl` is the server's root; a trailing `/v1` (as OpenAI clients are configured) is accepted. */
export function inferenceClient(kind: ServerKind, baseUrl: URL, options: ClientOptions = {}): InferenceClient {
  const http = new Http(baseUrl, options)
  switch (kind) {
    case 'ollama':
      return ollamaClient(http)
    case 'llamacpp':
      return llamacppClient(http)
    case 'vllm':
    case 'openai':
      return openAiClient(kind, http)
  }
}

export interface TokenCounters {
  /** vLLM's `model_name` label; null for llama.cpp, whose counters are the whole server's. */
  model: string | null
  promptTokensTotal: number
  outputTokensTotal: number
}

/**
 * The server's cumulative token counters from `/metrics` (llama-server started with `--metrics`;
 * vLLM always). Read before and after a period to attribute its tokens without sending a request
 * of our own. Counters restart at 0 when the server does.
 */
export async function readTokenCounters(kind: 'llamacpp' | 'vllm', baseUrl: URL, options: ClientOptions = {}): Promise<TokenCounters[]> {
  const http = new Http(baseUrl, options)
  const text = await http.text('/metrics')
  const { samples } = parsePrometheusText(text)
  // Names: llama.cpp tools/server/README.md "Available metrics"; vLLM vllm/v1/metrics/loggers.py
  // (counters `vllm:prompt_tokens`, `vllm:generation_tokens`, served with `_total`, labelled model_name and engine).
  const [promptName, outputName] =
    kind === 'llamacpp' ? ['llamacpp:prompt_tokens_total', 'llamacpp:tokens_predicted_total'] : ['vllm:prompt_tokens_total', 'vllm:generation_tokens_total']
  const byModel = new Map<string | null, { prompt: number | null; output: number | null }>()
  for (const sample of samples) {
    if (sample.name !== promptName && sample.name !== outputName) continue
    if (!Number.isFinite(sample.value) || sample.value < 0) throw new InferenceError('bad-response', 200, `/metrics: ${sample.name} is ${sample.value}`)
    const model = kind === 'vllm' ? (sample.labels.model_name ?? null) : null
    const entry = byModel.get(model) ?? { prompt: null, output: null }
    // vLLM writes one series per engine (data parallel): the model's count is their sum.
    if (sample.name === promptName) entry.prompt = (entry.prompt ?? 0) + sample.value
    else entry.output = (entry.output ?? 0) + sample.value
    byModel.set(model, entry)
  }
  const counters: TokenCounters[] = []
  for (const [model, { prompt, output }] of byModel) {
    if (prompt !== null && output !== null) counters.push({ model, promptTokensTotal: prompt, outputTokensTotal: output })
  }
  if (counters.length === 0) {
    throw new InferenceError(
      'bad-response',
      200,
      `/metrics has no ${promptName} and ${outputName}: ${kind === 'llamacpp' ? 'is this llama-server?' : 'is this vLLM?'}`,
    )
  }
  return counters
}

// ---------------------------------------------------------------------------------------------
// Ollama: docs/api.md (ollama/ollama). Errors are {"error": "…"}; an unknown model is a 404
// "model 'x' not found" (server/routes.go).

function ollamaClient(http: Http): InferenceClient {
  const fromDetails = (name: string, details: unknown): ModelInfo => {
    const d = asObject(details) ?? {}
    return { name, family: nonEmpty(d.family), parameterSize: nonEmpty(d.parameter_size), quantization: nonEmpty(d.quantization_level) }
  }
  return {
    kind: 'ollama',
    async listModels() {
      const body = await http.json('GET', '/api/tags')
      return arrayField(body, 'models', '/api/tags').map((m, i) => {
        const entry = asObject(m)
        return fromDetails(requiredString(entry, 'name', `/api/tags models[${i}]`), entry?.details)
      })
    },
    async loadedModels() {
      const body = await http.json('GET', '/api/ps')
      return arrayField(body, 'models', '/api/ps').map((m, i) => {
        const entry = asObject(m)
        return { name: requiredString(entry, 'name', `/api/ps models[${i}]`), sizeVramB: optionalCount(entry, 'size_vram', '/api/ps') }
      })
    },
    async modelInfo(name) {
      try {
        const body = await http.json('POST', '/api/show', { model: name }, { model: name })
        return fromDetails(name, asObject(body)?.details)
      } catch (error) {
        if (error instanceof InferenceError && error.kind === 'model-not-found') return null
        throw error
      }
    },
    async generate(model, prompt, { maxTokens, seed }) {
      const body = await http.json(
        'POST',
        '/api/generate',
        { model, prompt, stream: false, options: { num_predict: maxTokens, temperature: 0, seed } },
        { model, generate: true },
      )
      const o = asObject(body)
      const text = requiredString(o, 'response', '/api/generate')
      // Counts and durations are `omitempty` in api/types.go: absent means 0 or unknown, so null.
      const ms = (key: string): number | null => {
        const ns = optionalNumber(o, key, '/api/generate')
        return ns === null ? null : msFromNs(ns)
      }
      return {
        model: nonEmpty(o?.model) ?? model,
        promptTokens: optionalCount(o, 'prompt_eval_count', '/api/generate'),
        outputTokens: optionalCount(o, 'eval_count', '/api/generate'),
        promptMs: ms('prompt_eval_duration'),
        generationMs: ms('eval_duration'),
        totalMs: ms('total_duration'),
        text,
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// llama.cpp llama-server: tools/server/README.md (ggml-org/llama.cpp). `/v1/models` lists the one
// model (or, in router mode, every model with its `status`); `/completion` is the native endpoint
// whose answer carries `tokens_evaluated`, `tokens_predicted` and `timings` (prompt_ms,
// predicted_ms; tools/server/server-task.cpp). Errors are {"error": {"code", "message", "type"}}.

function llamacppClient(http: Http): InferenceClient {
  const models = async (): Promise<{ info: ModelInfo; loaded: boolean }[]> => {
    let body: unknown
    try {
      body = await http.json('GET', '/v1/models')
    } catch (error) {
      // A server older than /v1/models still has /props with the model's path.
      if (!(error instanceof InferenceError) || error.status !== 404) throw error
      const props = asObject(await http.json('GET', '/props'))
      return [{ info: modelInfoFromName(requiredString(props, 'model_path', '/props')), loaded: true }]
    }
    return arrayField(body, 'data', '/v1/models').map((m, i) => {
      const entry = asObject(m)
      const id = requiredString(entry, 'id', `/v1/models data[${i}]`)
      const guessed = modelInfoFromName(id)
      const params = optionalNumber(asObject(entry?.meta), 'n_params', '/v1/models meta')
      const status = asObject(entry?.status)?.value
      return {
        info: { ...guessed, parameterSize: params === null ? guessed.parameterSize : parameterSizeText(params) },
        // Router mode says `loaded`, `loading`, `sleeping`, `unloaded`…; a single-model server says nothing: it serves its model.
        loaded: status === undefined || status === 'loaded',
      }
    })
  }
  return {
    kind: 'llamacpp',
    async listModels() {
      return (await models()).map((m) => m.info)
    },
    async loadedModels() {
      return (await models()).filter((m) => m.loaded).map((m) => ({ name: m.info.name, sizeVramB: null }))
    },
    async modelInfo(name) {
      return (await models()).find((m) => m.info.name === name)?.info ?? null
    },
    async generate(model, prompt, { maxTokens, seed }) {
      // cache_prompt:false so every run evaluates the whole prompt (README: cached prefixes are skipped).
      // `model` routes the request in router mode and is ignored by a single-model server.
      const body = await http.json(
        'POST',
        '/completion',
        { model, prompt, n_predict: maxTokens, temperature: 0, seed, cache_prompt: false, stream: false },
        { model, generate: true },
      )
      const o = asObject(body)
      const text = requiredString(o, 'content', '/completion')
      const timings = asObject(o?.timings)
      return {
        // The answer's `model` is the server's alias (once `gpt-3.5-turbo` by default), not the file: keep the name asked for.
        model,
        promptTokens: optionalCount(o, 'tokens_evaluated', '/completion'),
        outputTokens: optionalCount(o, 'tokens_predicted', '/completion'),
        promptMs: optionalNumber(timings, 'prompt_ms', '/completion timings'),
        generationMs: optionalNumber(timings, 'predicted_ms', '/completion timings'),
        // llama-server reports no end-to-end time (queueing, tokenising): the caller measures wall time.
        totalMs: null,
        text,
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// vLLM and OpenAI-compatible servers (LM Studio, Jan): GET /v1/models, POST /v1/chat/completions
// (vllm/entrypoints/openai protocol: ModelCard, ChatCompletionResponse, UsageInfo). No server
// timings: those fields are null and the caller measures wall time.

function openAiClient(kind: 'vllm' | 'openai', http: Http): InferenceClient {
  const served = async (): Promise<string[]> => {
    const body = await http.json('GET', '/v1/models')
    return arrayField(body, 'data', '/v1/models').map((m, i) => requiredString(asObject(m), 'id', `/v1/models data[${i}]`))
  }
  return {
    kind,
    async listModels() {
      return (await served()).map(modelInfoFromName)
    },
    async loadedModels() {
      return (await served()).map((name) => ({ name, sizeVramB: null }))
    },
    async modelInfo(name) {
      return (await served()).includes(name) ? modelInfoFromName(name) : null
    },
    async generate(model, prompt, { maxTokens, seed }) {
      const body = await http.json(
        'POST',
        '/v1/chat/completions',
        { model, messages: [{ role: 'user', content: prompt }], max_tokens: maxTokens, temperature: 0, seed, stream: false },
        { model, generate: true },
      )
      const o = asObject(body)
      const choices = arrayField(body, 'choices', '/v1/chat/completions')
      const message = asObject(asObject(choices[0])?.message)
      if (!message) throw new InferenceError('bad-response', 200, `/v1/chat/completions: no choices[0].message in ${snippet(JSON.stringify(body))}`)
      // content is null when the model answered only with tool calls.
      const content = message.content === null || message.content === undefined ? '' : message.content
      if (typeof content !== 'string') throw new InferenceError('bad-response', 200, '/v1/chat/completions: choices[0].message.content is not text')
      const usage = asObject(o?.usage)
      return {
        model: nonEmpty(o?.model) ?? model,
        promptTokens: optionalCount(usage, 'prompt_tokens', '/v1/chat/completions usage'),
        outputTokens: optionalCount(usage, 'completion_tokens', '/v1/chat/completions usage'),
        promptMs: null,
        generationMs: null,
        totalMs: null,
        text: content,
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Model facts from a name: GGUF file names (`Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf`), Hugging
// Face ids (`Qwen/Qwen2.5-7B-Instruct-AWQ`), Ollama tags (`llama3.2:3b-instruct-q8_0`). What the
// name does not say is null.

const FAMILIES = [
  'codellama',
  'llama',
  'mixtral',
  'mistral',
  'qwen',
  'qwq',
  'gemma',
  'phi',
  'deepseek',
  'gpt-oss',
  'granite',
  'command-r',
  'falcon',
  'olmo',
  'smollm',
  'starcoder',
  'internlm',
  'glm',
  'minicpm',
  'exaone',
  'nemotron',
  'yi',
]
const SEP = '(?:^|[-_.:/ ])'
const END = '(?=$|[-_.:/ ])'
const QUANT = new RegExp(`${SEP}(I?Q\\d(?:_[0-9A-Z]{1,3})*|B?FP?(?:16|32|8|4)|MXFP4|NVFP4|AWQ|GPTQ|INT[48]|W\\d{1,2}A\\d{1,2}|\\d{1,2}-?bit)${END}`, 'i')
const PARAMS = new RegExp(`${SEP}((?:\\d{1,3}x)?\\d{1,4}(?:\\.\\d{1,2})?)([BM])${END}`, 'i')

/** Family, parameter size and quantization as far as a model's name tells them. */
export function modelInfoFromName(name: string): ModelInfo {
  const base = (name.split(/[/\\]/).pop() ?? name).replace(/\.gguf$/i, '')
  const lower = base.toLowerCase()
  let family: string | null = null
  let at = Infinity
  for (const f of FAMILIES) {
    const m = new RegExp(`${SEP}${f.replace('-', '\\-')}(?=$|[-_.:/ \\d])`).exec(lower)
    if (m && m.index < at) {
      family = f
      at = m.index
    }
  }
  const quant = QUANT.exec(base)
  const params = PARAMS.exec(base)
  return {
    name,
    family,
    parameterSize: params ? `${params[1]}${(params[2] ?? '').toUpperCase()}` : null,
    quantization: quant?.[1] ? quant[1].toUpperCase() : null,
  }
}

/** `8030261312` → `8.0B`, the way Ollama writes parameter sizes. */
function parameterSizeText(params: number): string {
  return params >= 1e9 ? `${(params / 1e9).toFixed(1)}B` : `${Math.round(params / 1e6)}M`
}

// ---------------------------------------------------------------------------------------------
// HTTP: one request, bounded in time and size, errors typed.

interface ModelContext {
  model: string
  generate?: boolean
}

class Http {
  private readonly base: URL
  private readonly fetchFn: typeof fetch
  private readonly timeoutOverrideMs: number | null

  constructor(base: URL, options: ClientOptions) {
    this.base = base
    this.fetchFn = options.fetch ?? globalThis.fetch
    this.timeoutOverrideMs = options.timeoutMs ?? null
  }

  /** `path` under the server's root: query and fragment of the base dropped, a trailing `/v1` too. */
  url(path: string): URL {
    const url = new URL(this.base.href)
    url.search = ''
    url.hash = ''
    url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '') + path
    return url
  }

  async json(method: 'GET' | 'POST', path: string, body?: unknown, context?: ModelContext): Promise<unknown> {
    const answer = await this.request(method, path, body, 'application/json', context)
    try {
      return JSON.parse(answer.text) as unknown
    } catch {
      throw new InferenceError('bad-response', answer.status, `${path} answered with something that is not JSON: ${snippet(answer.text)}`)
    }
  }

  async text(path: string): Promise<string> {
    return (await this.request('GET', path, undefined, 'text/plain', undefined)).text
  }

  private async request(
    method: string,
    path: string,
    body: unknown,
    accept: string,
    context: ModelContext | undefined,
  ): Promise<{ status: number; text: string }> {
    const url = this.url(path)
    const timeoutMs = this.timeoutOverrideMs ?? (context?.generate === true ? DEFAULT_GENERATE_TIMEOUT_MS : DEFAULT_TIMEOUT_MS)
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    const timeoutError = (): InferenceError =>
      new InferenceError('timeout', null, `no complete answer from ${url.host}${url.pathname} within ${timeoutMs / 1000} s`)
    try {
      let response: Response
      try {
        response = await this.fetchFn(url, {
          method,
          headers: body === undefined ? { accept } : { accept, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: controller.signal,
          // A redirect could lead off this machine: it is reported, never followed.
          redirect: 'manual',
        })
      } catch (error) {
        throw timedOut ? timeoutError() : new InferenceError('unreachable', null, `${url.host}: ${networkCause(error)}`)
      }
      let text: string
      try {
        text = await readBounded(
          response,
          MAX_RESPONSE_BYTES,
          () => new InferenceError('bad-response', response.status, `the answer is larger than ${MAX_RESPONSE_BYTES} bytes`),
        )
      } catch (error) {
        if (timedOut) throw timeoutError()
        if (error instanceof InferenceError) throw error
        throw new InferenceError('bad-response', response.status, `${path}: the answer broke off: ${networkCause(error)}`)
      }
      if (response.status < 200 || response.status > 299) throw httpError(path, response, text, context)
      return { status: response.status, text }
    } finally {
      clearTimeout(timer)
    }
  }
}

/** The HTTP error, with the server's own message; a 404 (or a 400 saying so) about the model asked for is `model-not-found`. */
function httpError(path: string, response: Response, text: string, context: ModelContext | undefined): InferenceError {
  const status = response.status
  if (status >= 300 && status < 400) {
    return new InferenceError(
      'http',
      status,
      `${path} redirected to ${response.headers.get('location') ?? '(no location)'}; Wattprint does not follow redirects`,
    )
  }
  const said = serverMessage(text)
  const notFound =
    context !== undefined && /model/i.test(said) && (status === 404 || (status === 400 && /not found|does not exist|no such|unknown/i.test(said)))
  return new InferenceError(notFound ? 'model-not-found' : 'http', status, said === '' ? `${path}: HTTP ${status} with an empty body` : said)
}

/**
 * The message in an error body: Ollama `{"error": "…"}`; llama.cpp, vLLM and OpenAI
 * `{"error": {"message": "…"}}`; older vLLM `{"message": "…"}`; FastAPI `{"detail": …}`.
 * Otherwise the body itself.
 */
export function serverMessage(text: string): string {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return text
  }
  const o = asObject(body)
  if (!o) return text
  if (typeof o.error === 'string') return o.error
  const inner = asObject(o.error)
  if (inner && typeof inner.message === 'string') return inner.message
  if (typeof o.message === 'string') return o.message
  if (typeof o.detail === 'string') return o.detail
  if (o.detail !== undefined) return JSON.stringify(o.detail)
  return text
}

/** Why fetch failed: undici puts the system error (`connect ECONNREFUSED 127.0.0.1:11434`) in `cause`. */
function networkCause(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { message?: unknown; code?: unknown } | undefined) : undefined
  if (cause && typeof cause.message === 'string' && cause.message !== '') return cause.message
  if (cause && typeof cause.code === 'string') return cause.code
  return error instanceof Error ? error.message : String(error)
}

// ---------------------------------------------------------------------------------------------
// Reading untrusted JSON without throwing anything but InferenceError.

type JsonObject = Record<string, unknown>

function asObject(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null
}

function arrayField(body: unknown, key: string, where: string): unknown[] {
  const value = asObject(body)?.[key]
  if (!Array.isArray(value)) throw new InferenceError('bad-response', 200, `${where}: no "${key}" list in ${snippet(JSON.stringify(body) ?? '')}`)
  return value
}

function requiredString(o: JsonObject | null, key: string, where: string): string {
  const value = o?.[key]
  if (typeof value !== 'string') throw new InferenceError('bad-response', 200, `${where}: "${key}" is missing or not text`)
  return value
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null
}

/** A finite number ≥ 0, null when absent; anything else is a bad response. */
function optionalNumber(o: JsonObject | null, key: string, where: string): number | null {
  const value = o?.[key]
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new InferenceError('bad-response', 200, `${where}: "${key}" is ${snippet(JSON.stringify(value))}`)
  return value
}

function optionalCount(o: JsonObject | null, key: string, where: string): number | null {
  const value = optionalNumber(o, key, where)
  if (value !== null && !Number.isSafeInteger(value)) throw new InferenceError('bad-response', 200, `${where}: "${key}" is not a whole number (${value})`)
  return value
}

function snippet(text: string): string {
  return boundedText(text, 200)
}

/** One printable line, at most `max` characters. */
function boundedText(text: string, max: number): string {
  const line = withoutControls(text.replace(/\s+/g, ' ')).trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
