import { createI18n, useI18n } from 'vue-i18n'
import { resolveLanguage as resolveFor } from '../../src-main/contract/language.ts'
import type { Message } from '../../src-main/contract/messages.ts'
import { messages } from './catalogue.ts'

export type Language = 'en' | 'fr'

type Messages = (typeof messages)['en']

export const i18n = createI18n<[Messages], Language>({
  legacy: false,
  // The contract's codes are flat keys with dots (`lever.cloud`): read them as paths.
  flatJson: true,
  locale: 'en',
  fallbackLocale: 'en',
  messages,
})

/** Turns a message from the main process (`{code, params}`) into words in the current language. */
export function useMessages(): (m: Message | { code: string; params: Readonly<Record<string, string | number>> }) => string {
  const { t, te } = useI18n()
  return (m) => (te(`msg.${m.code}`) ? t(`msg.${m.code}`, { ...m.params }) : m.code)
}

/** 'system' follows the browser's (or the OS's) language when we have it, else English. */
export function resolveLanguage(setting: 'system' | Language): Language {
  return resolveFor(setting, navigator.language)
}

export function applyLanguage(setting: 'system' | Language): void {
  const language = resolveLanguage(setting)
  // Composition mode: the global locale is a ref (vue-i18n's types do not say so for a typed instance).
  ;(i18n.global.locale as unknown as { value: Language }).value = language
  document.documentElement.lang = language
}

const systemDark = window.matchMedia('(prefers-color-scheme: dark)')
let themeSetting: 'system' | 'light' | 'dark' = 'system'

/** Resolves 'system' to light or dark, and follows the OS while 'system' is chosen. */
export function applyTheme(setting: 'system' | 'light' | 'dark'): void {
  themeSetting = setting
  document.documentElement.dataset.theme = setting === 'system' ? (systemDark.matches ? 'dark' : 'light') : setting
}
systemDark.addEventListener('change', () => applyTheme(themeSetting))
applyTheme('system')
