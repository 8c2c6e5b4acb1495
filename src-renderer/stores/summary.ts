import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Report } from '../../src-main/contract/footprint.ts'
import { useBridge } from '../bridge/index.ts'
import { STORE_IDS } from './ids.ts'
import { toUiError, type UiError } from '../errors.ts'

const REFRESH_MS = 5000

export const useSummaryStore = defineStore(STORE_IDS.summary, () => {
  const today = ref<Report | null>(null)
  const error = ref<UiError | null>(null)
  let timer: ReturnType<typeof setInterval> | null = null

  async function refresh(): Promise<void> {
    try {
      today.value = await useBridge().summary.today({})
      error.value = null
    } catch (e) {
      error.value = toUiError(e)
    }
  }

  function start(): void {
    if (timer) return
    void refresh()
    timer = setInterval(() => void refresh(), REFRESH_MS)
  }

  return { today, error, refresh, start }
})
