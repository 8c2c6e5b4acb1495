import { createI18n } from 'vue-i18n'
import { en, type Messages } from './en.ts'

export const i18n = createI18n<[Messages], 'en'>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en },
})
