import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { InferenceTally, ModelMeasurement, ServerKindName, ServerSeen } from '../../src-main/contract/models.ts'
import type { InferenceFigure } from '../../src-main/contract/reference.ts'
import { useBridge } from '../bridge/index.ts'
import { toUiError, type UiError } from '../errors.ts'
import { STORE_IDS } from './ids.ts'

/** The usual loopback address of each server kind. */
export const DEFAULT_URLS: Readonly<Record<ServerKindName, string>> = {
  ollama: 'http://127.0.0.1:11434',
  llamacpp: 'http://127.0.0.1:8080',
  vllm: 'http://127.0.0.1:8000',
  openai: 'http://127.0.0.1:1234',
}

const DAY_MS = 86_400_000

/** Model measurements, the published figures to set beside them, local servers, and a running measurement. */
export const useModelsStore = defineStore(STORE_IDS.models, () => {
  const measurements = shallowRef<ModelMeasurement[]>([])
  const published = shallowRef<InferenceFigure[]>([])
  const servers = shallowRef<ServerSeen[]>([])
  const tally = shallowRef<InferenceTally[]>([])
  const available = shallowRef<string[]>([])
  const progress = ref<{ step: string; done: number; total: number } | null>(null)
  const error = ref<UiError | null>(null)
  let listening = false

  async function load(): Promise<void> {
    const api = useBridge()
    if (!listening) {
      listening = true
      api.on('models:progress', (p) => (progress.value = p))
    }
    try {
      const [list, local] = await Promise.all([api.models.list({}), api.models.local({ sinceMs: Date.now() - 30 * DAY_MS, untilMs: Date.now() + 1 })])
      measurements.value = list.measurements
      published.value = list.published
      servers.value = local.servers
      tally.value = local.tally
    } catch (e) {
      error.value = toUiError(e)
    }
  }

  async function listModels(server: ServerKindName, url: string): Promise<void> {
    try {
      available.value = (await useBridge().models.available({ server, url })).models.map((m) => m.name)
      error.value = null
    } catch (e) {
      available.value = []
      error.value = toUiError(e)
    }
  }

  async function measure(request: { server: ServerKindName; url: string; model: string; repeats: number }): Promise<void> {
    progress.value = { step: 'warm-up', done: 0, total: 1 }
    error.value = null
    try {
      await useBridge().models.measure(request)
      await load()
    } catch (e) {
      error.value = toUiError(e)
    } finally {
      progress.value = null
    }
  }

  return { measurements, published, servers, tally, available, progress, error, load, listModels, measure }
})
