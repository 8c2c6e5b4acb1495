import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Country, Settings, SettingsPatch } from '../../src-main/contract/settings.ts'
import { useBridge } from '../bridge/index.ts'
import { STORE_IDS } from './ids.ts'
import { toUiError, type UiError } from '../errors.ts'
import { useSummaryStore } from './summary.ts'

export const useSettingsStore = defineStore(STORE_IDS.settings, () => {
  const settings = ref<Settings | null>(null)
  const countries = ref<Country[]>([])
  const error = ref<UiError | null>(null)

  async function load(): Promise<void> {
    const api = useBridge()
    try {
      const [s, c] = await Promise.all([api.settings.get({}), api.factors.countries({})])
      settings.value = s
      countries.value = c.countries
    } catch (e) {
      error.value = toUiError(e)
    }
  }

  /** Saves a change; on a refused value returns the error naming the field. */
  async function update(patch: SettingsPatch): Promise<UiError | null> {
    try {
      settings.value = await useBridge().settings.update(patch)
      error.value = null
      await useSummaryStore().refresh()
      return null
    } catch (e) {
      return toUiError(e)
    }
  }

  /** Countries named in the interface language (the runtime's CLDR data), sorted for it. */
  function localCountries(locale: string): Country[] {
    const names = new Intl.DisplayNames([locale], { type: 'region' })
    return countries.value.map((c) => ({ ...c, name: c.iso2 ? (names.of(c.iso2) ?? c.name) : c.name })).sort((a, b) => a.name.localeCompare(b.name, locale))
  }

  return { settings, countries, error, load, update, localCountries }
})
