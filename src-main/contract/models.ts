import { z } from 'zod'
import { cliMeta } from './cli-meta.ts'
import { FactorSchema } from './provenance.ts'

/** The local inference servers Wattprint speaks to (on loopback only, unless told otherwise). */
export const ServerKindSchema = z.enum(['ollama', 'llamacpp', 'vllm', 'openai'])
export type ServerKindName = z.infer<typeof ServerKindSchema>

/** A figure with the range it may lie in. */
export const ValueRangeSchema = z.object({ value: z.number(), low: z.number(), high: z.number() })
export type ValueRange = z.infer<typeof ValueRangeSchema>

export const MeasureModelRequestSchema = z.strictObject({
  server: ServerKindSchema.meta(
    cliMeta({ value: 'KIND', description: 'the server: ollama, llamacpp, vllm or openai (LM Studio, Jan, any OpenAI-compatible)' }),
  ),
  url: z
    .string()
    .max(2000)
    .meta(cliMeta({ value: 'URL', description: 'the server, e.g. http://127.0.0.1:11434 (loopback only unless --allow-remote)' })),
  model: z
    .string()
    .min(1)
    .max(300)
    .meta(cliMeta({ value: 'NAME', description: 'the model, as the server names it' })),
  repeats: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(3)
    .meta(cliMeta({ value: 'N', description: 'times the prompt set is run (default 3)' })),
  /** Seconds of idle before the first prompt, to measure the idle power with the model loaded. */
  idleS: z
    .number()
    .min(1)
    .max(120)
    .default(5)
    .meta(cliMeta({ flag: 'idle-s', value: 'S', description: 'seconds of idle measured before the prompts (default 5)' })),
  allowRemote: z
    .boolean()
    .default(false)
    .meta(cliMeta({ flag: 'allow-remote', description: 'allow a server that is not on this machine (its GPU is not the one measured!)' })),
})
export type MeasureModelRequest = z.input<typeof MeasureModelRequestSchema>

/** One response of a measurement. */
export const MeasuredResponseSchema = z.object({
  prompt: z.string(),
  repeat: z.number().int(),
  promptTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  /** Wall time of the request, s. */
  durationS: z.number(),
  /** Server-reported prompt processing and generation time, ms, where it gives them. */
  promptMs: z.number().nullable(),
  generationMs: z.number().nullable(),
  energyJ: z.number(),
  energyAboveIdleJ: z.number(),
})

/** The result of "measure my model": energy per response and per 1,000 output tokens on this PC. */
export const ModelMeasurementSchema = z.object({
  id: z.number().int().nullable(),
  atMs: z.number(),
  server: ServerKindSchema,
  url: z.string(),
  model: z.string(),
  family: z.string().nullable(),
  parameterSize: z.string().nullable(),
  quantization: z.string().nullable(),
  /** The devices measured (GPUs, and the CPU package where RAPL is read). */
  devices: z.array(z.object({ deviceId: z.string(), name: z.string(), domain: z.string() })),
  promptSet: z.string(),
  repeats: z.number().int(),
  responses: z.number().int(),
  promptTokens: z.number().int(),
  outputTokens: z.number().int(),
  energyJ: z.number(),
  energyAboveIdleJ: z.number(),
  /** Idle power of the measured devices with the model loaded, W (measured just before the prompts). */
  idleW: z.number(),
  whPer1kTokens: ValueRangeSchema,
  whPerResponse: ValueRangeSchema,
  tokensPerS: z.number().nullable(),
  /** Above-idle energy of prompt processing and of generation, split by the server's own timings (null where it gives none). */
  split: z
    .object({
      promptJ: z.number(),
      generationJ: z.number(),
      whPer1kPromptTokens: z.number().nullable(),
      whPer1kOutputTokensGenerationOnly: z.number().nullable(),
    })
    .nullable(),
  /** How the energy is known (the sources' precision), and the factor giving its range. */
  method: z.enum(['counter', 'sampled-power', 'estimated', 'mixed']),
  measurement: z.array(FactorSchema),
  sampleIntervalMs: z.number(),
  perResponse: z.array(MeasuredResponseSchema),
  notes: z.array(z.string()),
})
export type ModelMeasurement = z.infer<typeof ModelMeasurementSchema>

/** A local server's counters: tokens and the energy above idle drawn while they grew. */
export const InferenceTallySchema = z.object({
  server: z.string(),
  model: z.string(),
  promptTokens: z.number().int(),
  outputTokens: z.number().int(),
  energyJ: z.number(),
  aboveIdleJ: z.number(),
  whPer1kTokens: z.number().nullable(),
})
export type InferenceTally = z.infer<typeof InferenceTallySchema>

/** What a local server says it is (found by a passive look, never by sending a prompt). */
export const ServerSeenSchema = z.object({
  server: ServerKindSchema,
  url: z.string(),
  /** Models loaded now (Ollama /api/ps), or served. */
  loaded: z.array(z.object({ name: z.string(), sizeVramB: z.number().nullable() })),
  /** Whether it exposes token counters (llama.cpp and vLLM /metrics); Ollama and OpenAI-compatible servers do not. */
  countsTokens: z.boolean(),
  lastSeenMs: z.number(),
})
export type ServerSeen = z.infer<typeof ServerSeenSchema>
