/** The interface languages. Kept free of schemas: the renderer's first paint imports it, and zod is loaded later. */
export type Language = 'en' | 'fr'

/** The language of a setting: 'system' follows the OS's locale (French for any fr-*, else English). */
export function resolveLanguage(setting: 'system' | Language, systemLocale: string): Language {
  if (setting !== 'system') return setting
  return systemLocale.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}
