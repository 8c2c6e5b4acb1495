import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Sample, TelemetryStatus } from '../../src-main/contract/telemetry.ts'
import { useBridge } from '../bridge/index.ts'
import { STORE_IDS } from './ids.ts'
import { toUiError, type UiError } from '../errors.ts'
import { appendToWindow } from './telemetry.shared.ts'

/** The dashboard chart's window. */
export const LIVE_WINDOW_S = 600

export const useTelemetryStore = defineStore(STORE_IDS.telemetry, () => {
  const status = ref<TelemetryStatus | null>(null)
  // Thousands of points: a shallow ref, replaced on each push, never deeply reactive.
  const samples = shallowRef<Sample[]>([])
  const error = ref<UiError | null>(null)
  const busy = ref(false)
  let started = false

  const demo = computed(() => status.value?.demo ?? false)
  const devices = computed(() => status.value?.devices ?? [])
  // Live when any source reads; a source that cannot (RAPL without permission) does not hide the others.
  const live = computed(() => (status.value?.sources ?? []).some((s) => s.state === 'ok'))
  const latestByDevice = computed(() => new Map((status.value?.latest ?? []).map((s) => [s.deviceId, s])))
  // Parts inside another figure (Apple's CPU inside the SoC) and platform figures are shown, never added.
  const counted = computed(() => new Set(devices.value.filter((d) => !d.partOf && d.domain !== 'platform').map((d) => d.deviceId)))
  const totalPowerW = computed(() => {
    const values = [...latestByDevice.value.values()]
      .filter((s) => counted.value.has(s.deviceId))
      .map((s) => s.powerW)
      .filter((p): p is number => p !== null)
    return values.length ? values.reduce((a, b) => a + b, 0) : null
  })
  const reprobing = ref(false)

  /** Looks for sources again (after plugging a GPU in or granting a permission). */
  async function reprobe(): Promise<void> {
    reprobing.value = true
    try {
      status.value = await useBridge().telemetry.reprobe({})
      error.value = null
    } catch (e) {
      error.value = toUiError(e)
    } finally {
      reprobing.value = false
    }
  }

  async function reload(): Promise<void> {
    const api = useBridge()
    try {
      const [s, recent] = await Promise.all([api.telemetry.status({}), api.telemetry.recent({ windowS: LIVE_WINDOW_S })])
      status.value = s
      samples.value = recent.samples
      error.value = null
    } catch (e) {
      error.value = toUiError(e)
    }
  }

  async function start(): Promise<void> {
    if (started) return
    started = true
    const api = useBridge()
    api.on('telemetry:status', (next) => {
      const demoChanged = status.value?.demo !== next.demo
      status.value = next
      if (demoChanged) void reload()
    })
    api.on('telemetry:samples', (push) => {
      if (push.demo !== demo.value) return
      samples.value = appendToWindow(samples.value, push.samples, LIVE_WINDOW_S * 1000, Date.now())
      if (status.value) {
        const latest = new Map(status.value.latest.map((s) => [s.deviceId, s]))
        for (const s of push.samples) latest.set(s.deviceId, s)
        status.value = { ...status.value, latest: [...latest.values()] }
        if (push.samples.some((s) => !status.value?.devices.some((d) => d.deviceId === s.deviceId))) void reload()
      }
    })
    await reload()
  }

  /** Paused from the tray (or here): since when, ms; null while recording. */
  const pausedSinceMs = computed(() => status.value?.paused?.sinceMs ?? null)

  async function setPaused(on: boolean): Promise<void> {
    busy.value = true
    try {
      const api = useBridge()
      status.value = await (on ? api.recording.pause({}) : api.recording.resume({}))
      error.value = null
    } catch (e) {
      error.value = toUiError(e)
    } finally {
      busy.value = false
    }
  }

  async function setDemo(on: boolean): Promise<void> {
    busy.value = true
    try {
      const api = useBridge()
      await (on ? api.demo.start({}) : api.demo.stop({}))
      await reload()
    } catch (e) {
      error.value = toUiError(e)
    } finally {
      busy.value = false
    }
  }

  return {
    status,
    samples,
    error,
    busy,
    reprobing,
    demo,
    devices,
    live,
    latestByDevice,
    totalPowerW,
    pausedSinceMs,
    start,
    reload,
    setDemo,
    setPaused,
    reprobe,
  }
})
