import type { ApiError } from '../src-main/contract/api.ts'

/** A failure as the UI keeps it: the error's code and parameters, translated when shown. */
export type UiError = Pick<ApiError, 'code' | 'params' | 'field' | 'raw'>

/**
 * What a rejected call (or anything else that failed) becomes: the bridges reject with the
 * error's fields; a network failure or a bug is shown as text, in its own words.
 */
export function toUiError(e: unknown): UiError {
  if (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' && 'params' in e) {
    const err = e as ApiError
    return { code: err.code, params: err.params, field: err.field ?? null, raw: err.raw ?? null }
  }
  return { code: 'text', params: { text: e instanceof Error ? e.message : String(e) }, field: null, raw: null }
}
