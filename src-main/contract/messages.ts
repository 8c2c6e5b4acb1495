import { z } from 'zod'
import { MESSAGES_EN, type MessageCode } from './messages.en.ts'
import { MESSAGES_FR } from './messages.fr.ts'

export type { MessageCode }
export type { Language } from './language.ts'
import type { Language } from './language.ts'

/** Values a sentence is filled with. */
export type MessageParams = Readonly<Record<string, string | number>>

/**
 * A sentence as it crosses a boundary: a code and its parameters, made into words in the reader's
 * language by whoever shows it (the renderer, the CLI, the tray).
 */
export const MessageSchema = z.object({
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
})
export type Message = z.infer<typeof MessageSchema>

export const CATALOGUES: Readonly<Record<Language, Readonly<Record<MessageCode, string>>>> = { en: MESSAGES_EN, fr: MESSAGES_FR }

export function message(code: MessageCode, params: MessageParams = {}): Message {
  return { code, params }
}

export function isMessageCode(code: string): code is MessageCode {
  return Object.hasOwn(MESSAGES_EN, code)
}

/** The sentence in `language`, `{name}` placeholders filled; an unknown code is shown as it is. */
export function formatMessage(language: Language, code: string, params: MessageParams = {}): string {
  const template = isMessageCode(code) ? CATALOGUES[language][code] : code
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole))
}

export function formatText(language: Language, m: Message): string {
  return formatMessage(language, m.code, m.params)
}
