import { createI18n } from 'vue-i18n'
import { en, type Messages } from './en.ts'
import { fr } from './fr.ts'

export type Language = 'en' | 'fr'

export const i18n = createI18n<[Messages], Language>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en, fr },
})

/** 'system' follows the browser's (or the OS's) language when we have it, else English. */
export function resolveLanguage(setting: 'system' | Language): Language {
  if (setting !== 'system') return setting
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en'
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
