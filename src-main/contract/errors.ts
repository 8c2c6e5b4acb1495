import { z } from 'zod'
import { formatMessage, isMessageCode, type Message, type MessageCode, type MessageParams } from './messages.ts'

/**
 * What kind of failure an error is; each door maps it the same way: HTTP status, CLI exit code
 * (2 for bad input, 1 for a failure), the IPC envelope.
 */
/** `upstream`: a server the user pointed Wattprint at (a fleet's Prometheus) failed or could not be reached. */
export const ErrorKindSchema = z.enum(['bad-input', 'not-found', 'unauthorized', 'failure', 'upstream'])
export type ErrorKind = z.infer<typeof ErrorKindSchema>

export const HTTP_STATUS_OF: Readonly<Record<ErrorKind, number>> = { 'bad-input': 400, 'not-found': 404, unauthorized: 401, failure: 500, upstream: 502 }
export const EXIT_CODE_OF: Readonly<Record<ErrorKind, number>> = { 'bad-input': 2, 'not-found': 2, unauthorized: 2, failure: 1, upstream: 1 }

/** An error as every door sends it: a stable code, its parameters, and English for logs and scripts. */
export const ErrorBodySchema = z.object({
  error: z.object({
    kind: ErrorKindSchema,
    code: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    /** The request field at fault, when there is one (`variants.0.levers.0.pue`). */
    field: z.string().nullable(),
    /** A tool's or a library's own words, verbatim. */
    raw: z.string().nullable(),
    /** The sentence in English. */
    message: z.string(),
  }),
})
export type ErrorBody = z.infer<typeof ErrorBodySchema>

/**
 * The one error type of the domain: a stable code with parameters (the sentence is made from
 * them in the reader's language), the field at fault if any, and the raw words of whatever
 * failed underneath.
 */
export class WattprintError extends Error {
  override readonly name = 'WattprintError'
  readonly kind: ErrorKind
  readonly code: MessageCode
  readonly params: MessageParams
  readonly field: string | null
  readonly raw: string | null

  constructor(kind: ErrorKind, code: MessageCode, params: MessageParams = {}, extra: { field?: string | null; raw?: string | null } = {}) {
    const field = extra.field ?? null
    super(formatMessage('en', code, field === null ? params : { field, ...params }))
    this.kind = kind
    this.code = code
    this.params = field === null ? params : { field, ...params }
    this.field = field
    this.raw = extra.raw ?? null
  }

  /** An error from a message made elsewhere (a parser's refusal): an unknown code is kept as text. */
  static of(kind: ErrorKind, m: Message, extra: { field?: string | null; raw?: string | null } = {}): WattprintError {
    return isMessageCode(m.code) ? new WattprintError(kind, m.code, m.params, extra) : new WattprintError(kind, 'text', { text: m.code }, extra)
  }

  toBody(): ErrorBody {
    return { error: { kind: this.kind, code: this.code, params: { ...this.params }, field: this.field, raw: this.raw, message: this.message } }
  }
}

export const badInput = (code: MessageCode, params: MessageParams = {}, field: string | null = null): WattprintError =>
  new WattprintError('bad-input', code, params, { field })
