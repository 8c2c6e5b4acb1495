import { z } from 'zod'
import { WattprintError } from '../../contract/errors.ts'
import { withoutControls } from '../../core/text.ts'
import { readBounded } from '../bounded-read.ts'
import { parseValue } from '../inference/prometheus-text.parse.ts'

/** Most bytes of one query's answer (11,000 points × a few hundred series of a large fleet). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024
const TIMEOUT_MS = 30_000

/** query_range's answer: a matrix of series, each [unix seconds, "value"] pairs (values as the text format writes them: NaN, +Inf) (https://prometheus.io/docs/prometheus/latest/querying/api/). */
const MatrixAnswerSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) })),
  }),
  warnings: z.array(z.string()).optional(),
})

export interface RangeSeries {
  labels: Record<string, string>
  values: [number, number][]
}

/** The Prometheus server's address, checked: http or https, no user or password in it, no query or fragment. */
export function prometheusBase(url: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new WattprintError('bad-input', 'fleet.bad-url', { url: withoutControls(url).slice(0, 200) }, { field: 'prometheus' })
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username || parsed.password || parsed.search || parsed.hash)
    throw new WattprintError('bad-input', 'fleet.bad-url', { url: withoutControls(url).slice(0, 200) }, { field: 'prometheus' })
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/'
  return parsed
}

/**
 * One PromQL range query (`/api/v1/query_range`, GET). The request is that and nothing else: no
 * redirect followed, a timeout, a bounded answer, checked against the API's documented shape.
 * Every failure is a WattprintError naming the server and what went wrong.
 */
export async function queryRange(
  base: URL,
  query: string,
  range: { startS: number; endS: number; stepS: number },
  fetchFn: typeof fetch = fetch,
): Promise<{ series: RangeSeries[]; warnings: string[] }> {
  const url = new URL('api/v1/query_range', base)
  url.search = new URLSearchParams({ query, start: String(range.startS), end: String(range.endS), step: `${range.stepS}s` }).toString()
  const where = `${base.host}${base.pathname}`
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS)
  try {
    let response: Response
    try {
      response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: controller.signal, redirect: 'manual' })
    } catch (error) {
      const cause = controller.signal.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : causeOf(error)
      throw new WattprintError('upstream', 'fleet.unreachable', { server: where, detail: cause })
    }
    const tooLarge = (): Error => new WattprintError('upstream', 'fleet.bad-answer', { server: where, detail: `larger than ${MAX_ANSWER_BYTES} bytes` })
    let text: string
    try {
      text = await readBounded(response, MAX_ANSWER_BYTES, tooLarge)
    } catch (error) {
      if (error instanceof WattprintError) throw error
      // The connection broke, or the time ran out, in the middle of the answer.
      const cause = controller.signal.aborted ? `no complete answer within ${TIMEOUT_MS / 1000} s` : `the answer broke off: ${causeOf(error)}`
      throw new WattprintError('upstream', 'fleet.unreachable', { server: where, detail: cause })
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw new WattprintError('upstream', 'fleet.bad-answer', {
        server: where,
        detail: `HTTP ${response.status}, not JSON: ${withoutControls(text).slice(0, 120)}`,
      })
    }
    if (response.status !== 200) {
      const said = (body as { error?: unknown }).error
      throw new WattprintError('upstream', 'fleet.bad-answer', {
        server: where,
        detail: `HTTP ${response.status}: ${withoutControls(String(said ?? text)).slice(0, 200)}`,
      })
    }
    const parsed = MatrixAnswerSchema.safeParse(body)
    if (!parsed.success) throw new WattprintError('upstream', 'fleet.bad-answer', { server: where, detail: 'not a Prometheus query_range answer' })
    return {
      series: parsed.data.data.result.map((r) => ({
        labels: cleanLabels(r.metric),
        values: r.values.map(([t, v]) => [t, parseValue(v) ?? Number.NaN] as [number, number]),
      })),
      warnings: parsed.data.warnings ?? [],
    }
  } finally {
    clearTimeout(timer)
  }
}

/** Longest label value kept, characters (a machine or GPU name: more is not a name). */
const MAX_LABEL_CHARS = 200

/** Labels as another server wrote them, made safe to show: no control or bidi characters, bounded. */
function cleanLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).map(([k, v]) => [withoutControls(k).slice(0, MAX_LABEL_CHARS), withoutControls(v).slice(0, MAX_LABEL_CHARS)]),
  )
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return withoutControls(cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))).slice(0, 120)
}
