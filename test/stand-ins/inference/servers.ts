import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ServerKind } from '../../../src-main/telemetry/inference/clients.ts'

// Stand-ins for Ollama, llama-server, vLLM and an OpenAI-compatible server (LM Studio, Jan):
// real HTTP servers on 127.0.0.1 answering with the recorded shapes in ./shapes (see its
// README.md for where each comes from). A generation really takes time, so a fake power meter
// fed by `loadFile` rises while the server "computes".

export interface StandInModel {
  name: string
  family?: string
  parameterSize?: string
  quantization?: string
}

export interface StandInOptions {
  models: StandInModel[]
  promptTokensPerS: number
  outputTokensPerS: number
  /** Tokens every generation produces; default: the request's maximum. */
  outputTokens?: number
  /** Written `1` while a generation runs and `0` when none does (also after an abort and on close). */
  loadFile?: string
  /** Every request is answered with this status and body instead. */
  failWith?: { status: number; body: string }
  /** The models Ollama's /api/ps (and llama.cpp's router status) reports as loaded; default: all. */
  loaded?: string[]
}

export interface StandIn {
  url: string
  kind: ServerKind
  close(): Promise<void>
  /** Every request received, its JSON body parsed (the raw text when it is not JSON, null when empty). */
  requests: { path: string; body: unknown }[]
  /** Total time at least one generation was running, ms (performance.now). */
  readonly busyMs: number
}

/**
 * The stand-in's tokenizer: words × 1.3, rounded (English text averages about 1.3 tokens per
 * word with the BPE vocabularies of Llama 3 and Qwen). Chat servers count the user message only,
 * not a chat template.
 */
export function standInTokens(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length
  return Math.round(words * 1.3)
}

/** The text a generation of `tokens` tokens returns: one word per token. */
export function standInText(tokens: number): string {
  const words = ['The', 'sky', 'is', 'blue', 'because', 'air', 'scatters', 'short', 'wavelengths', 'more.']
  return Array.from({ length: tokens }, (_, i) => words[i % words.length]).join(' ')
}

const DEFAULT_MAX_TOKENS = 128

const SHAPES = new URL('./shapes/', import.meta.url)
const shape = <T>(file: string): T => JSON.parse(readFileSync(new URL(file, SHAPES), 'utf8')) as T

type Json = Record<string, unknown>
interface Generation {
  promptTokens: number
  outputTokens: number
  promptMs: number
  generationMs: number
  text: string
}
type Handler = (body: unknown, res: ServerResponse, signal: AbortSignal, startedMs: number) => Promise<void> | void

export async function startStandInServer(kind: ServerKind, options: StandInOptions): Promise<StandIn> {
  const requests: StandIn['requests'] = []
  const counters = new Map<string, { prompt: number; output: number }>()
  const inFlight = new Set<AbortController>()
  const loaded = new Set(options.loaded ?? options.models.map((m) => m.name))
  let active = 0
  let busySince = 0
  let busyMs = 0

  const writeLoad = (value: '0' | '1'): void => {
    if (options.loadFile) writeFileSync(options.loadFile, value)
  }
  writeLoad('0')

  const findModel = (name: unknown): StandInModel | null => {
    if (typeof name !== 'string') return null
    // Ollama, like its CLI, takes `llama3.2` for `llama3.2:latest`.
    return options.models.find((m) => m.name === name || (kind === 'ollama' && m.name === `${name}:latest`)) ?? null
  }

  /** Waits as long as the work would take; null when the client went away first. */
  const generate = async (model: StandInModel, prompt: string, maxTokens: number, signal: AbortSignal): Promise<Generation | null> => {
    const promptTokens = standInTokens(prompt)
    const outputTokens = options.outputTokens ?? maxTokens
    if (active++ === 0) {
      busySince = performance.now()
      writeLoad('1')
    }
    const t0 = performance.now()
    let t1: number
    try {
      await sleep((promptTokens / options.promptTokensPerS) * 1000, undefined, { signal })
      t1 = performance.now()
      await sleep((outputTokens / options.outputTokensPerS) * 1000, undefined, { signal })
    } catch {
      return null
    } finally {
      if (--active === 0) {
        busyMs += performance.now() - busySince
        writeLoad('0')
      }
    }
    const t2 = performance.now()
    const total = counters.get(model.name) ?? { prompt: 0, output: 0 }
    counters.set(model.name, { prompt: total.prompt + promptTokens, output: total.output + outputTokens })
    return { promptTokens, outputTokens, promptMs: t1 - t0, generationMs: t2 - t1, text: standInText(outputTokens) }
  }

  const routes = ROUTES[kind]({ options, findModel, generate, counters, loaded })

  const server = createServer((req, res) => {
    void handle(req, res)
  })

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const controller = new AbortController()
    inFlight.add(controller)
    // 'close' before the answer was finished: the client hung up (a timeout, a crash).
    res.on('close', () => {
      inFlight.delete(controller)
      if (!res.writableFinished) controller.abort()
    })
    const startedMs = performance.now()
    const raw = await readBody(req)
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname
    let body: unknown = null
    if (raw !== '') {
      try {
        body = JSON.parse(raw)
      } catch {
        body = raw
      }
    }
    requests.push({ path, body })
    if (options.failWith) return send(res, options.failWith.status, options.failWith.body)
    const handler = routes[`${req.method ?? 'GET'} ${path}`]
    if (!handler) return NOT_FOUND_ROUTE[kind](res, `${req.method ?? 'GET'} ${path}`)
    try {
      await handler(body, res, controller.signal, startedMs)
    } catch (error) {
      send(res, 500, { error: `stand-in failed: ${String(error)}` })
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    kind,
    requests,
    get busyMs() {
      return busyMs + (active > 0 ? performance.now() - busySince : 0)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of inFlight) c.abort()
        server.close(() => {
          writeLoad('0')
          resolve()
        })
        server.closeAllConnections()
      }),
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (text = (text + chunk).slice(0, 1024 * 1024)))
    req.on('end', () => resolve(text))
    req.on('error', () => resolve(text))
  })
}

function send(res: ServerResponse, status: number, body: string | Json, contentType = 'application/json'): void {
  if (res.destroyed) return
  res.writeHead(status, { 'content-type': contentType })
  res.end(typeof body === 'string' ? body : JSON.stringify(body))
}

interface RouteContext {
  options: StandInOptions
  findModel: (name: unknown) => StandInModel | null
  generate: (model: StandInModel, prompt: string, maxTokens: number, signal: AbortSignal) => Promise<Generation | null>
  counters: Map<string, { prompt: number; output: number }>
  loaded: Set<string>
}

const asJson = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {})
const maxTokensOf = (v: unknown): number => (typeof v === 'number' && v >= 0 ? v : DEFAULT_MAX_TOKENS)
const nsFromMs = (ms: number): number => Math.round(ms * 1_000_000)

/** `8B` → 8e9, `135M` → 1.35e8; null when the size is not given that way. */
function paramsFromSize(size: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)([BM])$/i.exec(size ?? '')
  return m ? Number(m[1]) * (m[2]?.toUpperCase() === 'B' ? 1e9 : 1e6) : null
}

// ----- Ollama (docs/api.md) -----------------------------------------------------------------

function ollamaRoutes({ options, findModel, generate, loaded }: RouteContext): Record<string, Handler> {
  const tags = shape<{ models: Json[] }>('ollama-tags.json')
  const ps = shape<{ models: Json[] }>('ollama-ps.json')
  const details = (m: StandInModel, template: unknown): Json => ({
    ...asJson(template),
    family: m.family ?? '',
    families: m.family ? [m.family] : null,
    parameter_size: m.parameterSize ?? '',
    quantization_level: m.quantization ?? '',
  })
  const notFound = (res: ServerResponse, name: unknown): void => send(res, 404, { error: `model '${String(name)}' not found` })
  return {
    'GET /api/tags': (_b, res) =>
      send(res, 200, { models: options.models.map((m) => ({ ...tags.models[0], name: m.name, model: m.name, details: details(m, tags.models[0]?.details) })) }),
    'GET /api/ps': (_b, res) =>
      send(res, 200, {
        models: options.models
          .filter((m) => loaded.has(m.name))
          .map((m) => ({ ...ps.models[0], name: m.name, model: m.name, details: details(m, ps.models[0]?.details), size_vram: 5137025024 })),
      }),
    'POST /api/show': (body, res) => {
      const model = findModel(asJson(body).model)
      if (!model) return notFound(res, asJson(body).model)
      const show = shape<Json>('ollama-show.json')
      send(res, 200, { ...show, details: details(model, show.details) })
    },
    'POST /api/generate': async (body, res, signal, startedMs) => {
      const request = asJson(body)
      const model = findModel(request.model)
      if (!model) return notFound(res, request.model)
      const loadMs = performance.now() - startedMs
      const g = await generate(model, String(request.prompt ?? ''), maxTokensOf(asJson(request.options).num_predict), signal)
      if (!g) return
      send(res, 200, {
        ...shape<Json>('ollama-generate.json'),
        model: String(request.model),
        created_at: new Date().toISOString(),
        response: g.text,
        done: true,
        done_reason: g.outputTokens >= maxTokensOf(asJson(request.options).num_predict) ? 'length' : 'stop',
        total_duration: nsFromMs(performance.now() - startedMs),
        load_duration: nsFromMs(loadMs),
        prompt_eval_count: g.promptTokens,
        prompt_eval_duration: nsFromMs(g.promptMs),
        eval_count: g.outputTokens,
        eval_duration: nsFromMs(g.generationMs),
      })
    },
  }
}

// ----- llama.cpp llama-server (tools/server/README.md) --------------------------------------

function llamacppRoutes(context: RouteContext): Record<string, Handler> {
  const { options, findModel, generate, counters, loaded } = context
  // Several models means router mode: the model is named in each request and listed with a status.
  const router = options.models.length > 1
  const pick = (name: unknown): StandInModel | null => (router ? findModel(name) : (options.models[0] ?? null))
  const notFound = (res: ServerResponse): void => send(res, 400, shape<Json>('llamacpp-error-not-found.json'))
  const timings = (g: Generation): Json => ({
    cache_n: 0,
    prompt_n: g.promptTokens,
    prompt_ms: g.promptMs,
    prompt_per_token_ms: g.promptMs / Math.max(1, g.promptTokens),
    prompt_per_second: (g.promptTokens / g.promptMs) * 1000,
    predicted_n: g.outputTokens,
    predicted_ms: g.generationMs,
    predicted_per_token_ms: g.generationMs / Math.max(1, g.outputTokens),
    predicted_per_second: (g.outputTokens / g.generationMs) * 1000,
  })
  return {
    'GET /health': (_b, res) => send(res, 200, { status: 'ok' }),
    'GET /v1/models': (_b, res) => {
      const template = shape<{ data: Json[] }>('llamacpp-models.json').data[0] ?? {}
      send(res, 200, {
        object: 'list',
        data: options.models.map((m) => ({
          ...template,
          id: m.name,
          meta: { ...asJson(template.meta), n_params: paramsFromSize(m.parameterSize) },
          ...(router ? { status: { value: loaded.has(m.name) ? 'loaded' : 'unloaded' } } : {}),
        })),
      })
    },
    'GET /props': (_b, res) => send(res, 200, { ...shape<Json>('llamacpp-props.json'), model_path: options.models[0]?.name ?? '' }),
    'POST /completion': async (body, res, signal) => {
      const request = asJson(body)
      const model = pick(request.model)
      if (!model) return notFound(res)
      const nPredict = maxTokensOf(request.n_predict)
      const g = await generate(model, String(request.prompt ?? ''), nPredict, signal)
      if (!g) return
      const template = shape<Json>('llamacpp-completion.json')
      send(res, 200, {
        ...template,
        content: g.text,
        model: model.name,
        tokens_predicted: g.outputTokens,
        tokens_evaluated: g.promptTokens,
        generation_settings: { ...asJson(template.generation_settings), n_predict: nPredict, seed: request.seed, temperature: request.temperature },
        prompt: String(request.prompt ?? ''),
        stop_type: g.outputTokens >= nPredict ? 'limit' : 'eos',
        tokens_cached: g.promptTokens + g.outputTokens,
        timings: timings(g),
      })
    },
    'POST /v1/chat/completions': async (body, res, signal) => {
      const request = asJson(body)
      const model = pick(request.model)
      if (!model) return notFound(res)
      const g = await generate(model, chatPrompt(request.messages), maxTokensOf(request.max_tokens), signal)
      if (!g) return
      send(
        res,
        200,
        chatAnswer('llamacpp-chat-completion.json', String(request.model ?? model.name), g, maxTokensOf(request.max_tokens), { timings: timings(g) }),
      )
    },
    'GET /metrics': (_b, res) => {
      let prompt = 0
      let output = 0
      for (const c of counters.values()) {
        prompt += c.prompt
        output += c.output
      }
      // The recorded page with today's values, in the server's own layout (HELP, TYPE, value).
      const page = readFileSync(new URL('llamacpp-metrics.txt', SHAPES), 'utf8')
        .replace(/^llamacpp:prompt_tokens_total .*$/m, `llamacpp:prompt_tokens_total ${prompt}`)
        .replace(/^llamacpp:tokens_predicted_total .*$/m, `llamacpp:tokens_predicted_total ${output}`)
      send(res, 200, page, 'text/plain; version=0.0.4')
    },
  }
}

// ----- vLLM and OpenAI-compatible servers ---------------------------------------------------

function chatPrompt(messages: unknown): string {
  return Array.isArray(messages) ? messages.map((m) => String(asJson(m).content ?? '')).join(' ') : ''
}

function chatAnswer(template: string, model: string, g: Generation, maxTokens: number, extra: Json = {}): Json {
  const answer = shape<Json & { choices: Json[] }>(template)
  return {
    ...answer,
    id: `chatcmpl-${Math.random().toString(36).slice(2, 14)}`,
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        ...answer.choices[0],
        message: { ...asJson(answer.choices[0]?.message), role: 'assistant', content: g.text },
        finish_reason: g.outputTokens >= maxTokens ? 'length' : 'stop',
      },
    ],
    usage: { ...asJson(answer.usage), prompt_tokens: g.promptTokens, completion_tokens: g.outputTokens, total_tokens: g.promptTokens + g.outputTokens },
    ...extra,
  }
}

function openAiRoutes(kind: 'vllm' | 'openai') {
  return ({ options, findModel, generate, counters }: RouteContext): Record<string, Handler> => {
    const routes: Record<string, Handler> = {
      'GET /v1/models': (_b, res) => {
        const template = shape<{ data: Json[] }>(`${kind}-models.json`).data[0] ?? {}
        send(res, 200, {
          object: 'list',
          data: options.models.map((m) => ({ ...template, id: m.name, ...(kind === 'vllm' ? { root: m.name } : {}) })),
        })
      },
      'POST /v1/chat/completions': async (body, res, signal) => {
        const request = asJson(body)
        const model = findModel(request.model)
        if (!model) {
          const error = shape<{ error: Json }>(`${kind}-error-not-found.json`)
          const message =
            kind === 'vllm'
              ? `The model \`${String(request.model)}\` does not exist.`
              : `The model \`${String(request.model)}\` does not exist or you do not have access to it.`
          return send(res, 404, { error: { ...error.error, message } })
        }
        const g = await generate(model, chatPrompt(request.messages), maxTokensOf(request.max_tokens), signal)
        if (!g) return
        send(res, 200, chatAnswer(`${kind}-chat-completion.json`, model.name, g, maxTokensOf(request.max_tokens)))
      },
    }
    if (kind === 'vllm') {
      routes['GET /metrics'] = (_b, res) => {
        // The recorded page's other families, then the two counters for each served model.
        const lines = readFileSync(new URL('vllm-metrics.txt', SHAPES), 'utf8')
          .split('\n')
          .filter((l) => !/^vllm:(prompt|generation)_tokens_total\{/.test(l))
        const series = (name: string, pick: (c: { prompt: number; output: number }) => number): string =>
          options.models
            .map((m) => `${name}{model_name="${m.name}",engine="0"} ${pick(counters.get(m.name) ?? { prompt: 0, output: 0 }).toFixed(1)}`)
            .join('\n')
        const page = lines
          .join('\n')
          .replace('# TYPE vllm:prompt_tokens_total counter', `# TYPE vllm:prompt_tokens_total counter\n${series('vllm:prompt_tokens_total', (c) => c.prompt)}`)
          .replace(
            '# TYPE vllm:generation_tokens_total counter',
            `# TYPE vllm:generation_tokens_total counter\n${series('vllm:generation_tokens_total', (c) => c.output)}`,
          )
        send(res, 200, page, 'text/plain; version=0.0.4; charset=utf-8')
      }
    }
    return routes
  }
}

const ROUTES: Record<ServerKind, (context: RouteContext) => Record<string, Handler>> = {
  ollama: ollamaRoutes,
  llamacpp: llamacppRoutes,
  vllm: openAiRoutes('vllm'),
  openai: openAiRoutes('openai'),
}

/** What each server answers for a path it does not serve. */
const NOT_FOUND_ROUTE: Record<ServerKind, (res: ServerResponse, route: string) => void> = {
  // Gin's default 404.
  ollama: (res) => send(res, 404, '404 page not found', 'text/plain'),
  llamacpp: (res) => send(res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } }),
  // FastAPI's default 404.
  vllm: (res) => send(res, 404, { detail: 'Not Found' }),
  // LM Studio's wording; not verified against Jan.
  openai: (res, route) => send(res, 404, { error: `Unexpected endpoint or method. (${route})` }),
}
