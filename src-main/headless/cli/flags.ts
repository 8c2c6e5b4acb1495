import type { z } from 'zod'
import type { CliFieldMeta } from '../../contract/cli-meta.ts'
import { badInput, type WattprintError } from '../../contract/errors.ts'
import { formatMessage } from '../../contract/messages.ts'
import { parseInstant } from '../../core/time.ts'

/** One command-line flag, generated from a request field of the contract. */
export interface FlagSpec {
  field: string
  flag: string
  /** The value's placeholder in the help (`W`, `ISO`), or null for a switch. */
  value: string | null
  description: string
  kind: 'number' | 'string' | 'enum' | 'boolean'
  choices: readonly string[] | null
  parse: CliFieldMeta['parse'] | null
}

type AnySchema = z.ZodType & { _zod: { def: { type: string; innerType?: AnySchema; entries?: Record<string, string> } } }

const kebab = (field: string): string => field.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()

/** The flags of an object schema's fields: names, help and parsing from each field's CLI metadata. */
export function flagsOf(schema: z.ZodObject, skip: readonly string[] = []): FlagSpec[] {
  return Object.entries(schema.shape)
    .filter(([field]) => !skip.includes(field))
    .map(([field, fieldSchema]) => {
      let s = fieldSchema as AnySchema
      let meta = s.meta() as CliFieldMeta | undefined
      // Optional and default wrap the field; its type and metadata may sit on the inner schema.
      while (s._zod.def.innerType && ['optional', 'default', 'nullable'].includes(s._zod.def.type)) {
        s = s._zod.def.innerType
        meta ??= s.meta() as CliFieldMeta | undefined
      }
      const type = s._zod.def.type
      const kind = type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : type === 'enum' ? 'enum' : 'string'
      const choices = kind === 'enum' ? Object.values(s._zod.def.entries ?? {}) : null
      return {
        field,
        flag: meta?.flag ?? kebab(field),
        value: kind === 'boolean' ? null : (meta?.value ?? (choices ? choices.join('|') : 'VALUE')),
        description: meta?.description ?? field,
        kind,
        choices,
        parse: meta?.parse ?? null,
      } satisfies FlagSpec
    })
}

const SUFFIX: Readonly<Record<string, number>> = { K: 1e3, M: 1e6, B: 1e9, G: 1e9, T: 1e12 }

/** "175B", "15T", "7e9", "30.84M" → a count; null when it is not one. */
export function parseCount(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([KMBGT]?)$/i.exec(text.trim())
  return m ? Number(m[1]) * (SUFFIX[(m[2] ?? '').toUpperCase()] ?? 1) : null
}

/** A flag's text as the field's value, or a bad-input error naming the field (shown with its flag). */
export function parseFlagValue(spec: FlagSpec, raw: unknown): unknown {
  if (spec.kind === 'boolean') return raw === true
  const text = String(raw)
  switch (spec.parse) {
    case 'count':
    case 'billions': {
      const n = parseCount(text)
      if (n === null) throw badInput('cli.not-a-count', { value: text }, spec.field)
      return spec.parse === 'billions' ? n / 1e9 : n
    }
    case 'fraction': {
      const n = Number(text.replace(/%$/, ''))
      if (!Number.isFinite(n)) throw badInput('cli.not-a-number', { value: text }, spec.field)
      return text.endsWith('%') ? n / 100 : n
    }
    case 'instant': {
      const ms = parseInstant(text)
      if (ms === null) throw badInput('cli.not-a-date', { value: text }, spec.field)
      return ms
    }
    case 'upper':
      return text.toUpperCase()
    default:
      break
  }
  if (spec.kind === 'number') {
    const n = Number(text)
    if (text.trim() === '' || !Number.isFinite(n)) throw badInput('cli.not-a-number', { value: text }, spec.field)
    return n
  }
  return text
}

/**
 * An error in the CLI's words: a field the error names becomes its flag (`field "pue": …` →
 * `--pue: …`), and field names quoted in the sentence become flags too.
 */
export function describeForCli(error: WattprintError, flags: readonly FlagSpec[] | 'options'): string {
  const flagOf = new Map(flags === 'options' ? [] : flags.map((f) => [f.field, `--${f.flag}`]))
  // A field is a flag when the command's table says so; the run commands' options are named after their fields.
  const flag = (field: string): string | null => flagOf.get(field) ?? (flags === 'options' ? `--${kebab(field)}` : null)
  let text = formatMessage('en', error.code, error.params)
  const prefix = /^field "([^"]*)": /.exec(text)
  if (prefix) {
    const asFlag = flag(prefix[1] ?? '')
    if (asFlag) text = `${asFlag}: ${text.slice(prefix[0].length)}`
  } else if (error.field && flag(error.field)) text = `${flag(error.field)}: ${text}`
  // camelCase field names quoted in the sentence ("give gpuHours, or paramsB and tokensB") become flags too.
  const camelFields = [...flagOf.keys()].filter((f) => /[A-Z]/.test(f)).sort((a, b) => b.length - a.length)
  if (camelFields.length) text = text.replace(new RegExp(`\\b(${camelFields.join('|')})\\b`, 'g'), (field) => flagOf.get(field) ?? field)
  return text
}
