import type { z } from 'zod'
import { WattprintError } from './errors.ts'
import { isMessageCode, type MessageCode, type MessageParams } from './messages.ts'

/**
 * A refusal by a schema as a domain error: the first issue, by kind, with the field it names
 * (`variants.0.levers.0.pue`). A schema's own message that is a message code (refinements,
 * formats) is used as that code.
 */
export function fromZodError(error: z.ZodError): WattprintError {
  const issue = error.issues[0]
  if (!issue) return new WattprintError('bad-input', 'field.invalid', { detail: 'invalid input' }, { field: '' })
  const path = issue.path.map(String).join('.')
  const field = issue.code === 'unrecognized_keys' ? [path, issue.keys[0]].filter(Boolean).join('.') : path
  const [code, params] = describe(issue)
  return new WattprintError('bad-input', code, params, { field, raw: issue.message })
}

function describe(issue: z.core.$ZodIssue): [MessageCode, MessageParams] {
  if (isMessageCode(issue.message)) return [issue.message, {}]
  switch (issue.code) {
    case 'too_small':
      return ['field.too-small', { expected: issue.origin, minimum: Number(issue.minimum) }]
    case 'too_big':
      return ['field.too-big', { expected: issue.origin, maximum: Number(issue.maximum) }]
    case 'invalid_type':
      return ['field.wrong-type', { expected: issue.expected }]
    case 'unrecognized_keys':
      return ['field.unknown-keys', { keys: issue.keys.map((k) => `"${k}"`).join(', ') }]
    case 'invalid_value':
      return ['field.not-one-of', { options: issue.values.map((v) => JSON.stringify(v)).join(', ') }]
    case 'invalid_format':
      return ['field.bad-format', { format: issue.format }]
    default:
      return ['field.invalid', { detail: issue.message }]
  }
}
