import { watchDebounced } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import type { Message } from '../../src-main/contract/messages.ts'
import type { DataPack } from '../../src-main/contract/reference.ts'
import type { Scenario, ScenarioResult } from '../../src-main/contract/scenario.ts'
import { useBridge } from '../bridge/index.ts'
import { i18n } from '../i18n/index.ts'
import { download } from './history.shared.ts'
import { STORE_IDS } from './ids.ts'
import * as core from './scenario.shared.ts'
import { useSettingsStore } from './settings.ts'

/** Results follow the form this long after the last keystroke, ms. */
const RUN_DEBOUNCE_MS = 150

/** Something the explorer could not do, said in the interface's language by the view. */
export interface ScenarioProblem {
  what: 'run' | 'import' | 'references' | 'save'
  /** The file imported, for an import. */
  file: string | null
  message: Message
}

/**
 * The what-if explorer: the scenario being edited (replaced, never mutated, on each change), its
 * result from `scenario:run`, the saved scenarios (localStorage) and the data set's runs and
 * devices that the forms offer.
 */
export const useScenarioStore = defineStore(STORE_IDS.scenario, () => {
  const { t } = i18n.global
  const settings = useSettingsStore()
  const storage: core.KeyValueStorage = localStorage

  const scenario = shallowRef<Scenario>(
    core.defaultScenario(
      {
        name: t('whatIf.defaults.name'),
        baseline: t('whatIf.defaults.baseline'),
        quantization: t('whatIf.defaults.quantization'),
        cloud: t('whatIf.defaults.cloud'),
      },
      settings.settings,
      Date.now(),
    ),
  )
  const result = shallowRef<ScenarioResult | null>(null)
  const problem = shallowRef<ScenarioProblem | null>(null)
  /** Values a form holds that the contract refuses, by field (`variants.0.levers.1.toBits`): not applied. */
  const fieldErrors = shallowRef<Readonly<Record<string, Message>>>({})
  const shelf = shallowRef<core.Shelf>(core.readShelf(storage))
  const pack = shallowRef<DataPack | null>(null)
  const measurements = shallowRef<{ id: number; label: string }[]>([])

  const runs = computed(() => (pack.value?.trainingRuns ?? []).filter((r) => r.energyMWh !== null || (r.gpuHours !== null && r.powerPerAcceleratorW !== null)))
  /** Devices with a published FLOP/s (training, fine-tuning, hardware levers). */
  const hardware = computed(() => (pack.value?.hardware ?? []).filter((h) => h.denseTflops !== null))
  /** Devices with a published memory bandwidth (inference is memory-bound). */
  const inferenceHardware = computed(() => (pack.value?.hardware ?? []).filter((h) => h.memoryBandwidthGBs !== null))

  let latestRun = 0
  async function run(): Promise<void> {
    // Only the answer to the latest scenario is shown, whatever order the answers come in.
    const id = ++latestRun
    try {
      const answer = await useBridge().scenario.run(scenario.value)
      if (id !== latestRun) return
      result.value = answer
      if (problem.value?.what === 'run') problem.value = null
    } catch (e) {
      if (id === latestRun) problem.value = { what: 'run', file: null, message: core.messageOf(e) }
    }
  }
  watchDebounced(scenario, () => void run(), { debounce: RUN_DEBOUNCE_MS, immediate: true })

  async function loadReferences(): Promise<void> {
    // The user's measurements change between visits (a model just measured): read them each time.
    void useBridge()
      .models.list({})
      .then((r) => {
        measurements.value = r.measurements.flatMap((m) =>
          m.id === null
            ? []
            : [
                {
                  id: m.id,
                  label: m.quantization && !m.model.toLowerCase().includes(m.quantization.toLowerCase()) ? `${m.model} (${m.quantization})` : m.model,
                },
              ],
        )
      })
      .catch(() => undefined)
    if (pack.value) return
    try {
      pack.value = await useBridge().reference.list({})
    } catch (e) {
      problem.value = { what: 'references', file: null, message: core.messageOf(e) }
    }
  }

  /** A structural change: the form's refused values belonged to fields that may have moved. */
  function replace(next: Scenario): void {
    fieldErrors.value = {}
    scenario.value = next
  }

  function applyEdit(fieldId: string, edit: core.Edit<Scenario>): void {
    const others = Object.fromEntries(Object.entries(fieldErrors.value).filter(([id]) => id !== fieldId))
    if (edit.ok) {
      fieldErrors.value = others
      scenario.value = edit.value
    } else {
      fieldErrors.value = { ...others, [fieldId]: { code: edit.error.code, params: edit.error.params } }
    }
  }

  const at = () => ({ nowMs: Date.now(), label: t('whatIf.defaults.baseline') })
  const current = (): Scenario => scenario.value

  return {
    measurements,
    scenario,
    result,
    problem,
    fieldErrors,
    shelf,
    runs,
    hardware,
    inferenceHardware,
    loadReferences,
    rename(name: string): void {
      scenario.value = core.renameScenario(current(), name)
    },
    setBaselineKind(kind: core.BaselineKind): void {
      replace(core.setBaselineKind(current(), kind, at()))
    },
    setBaselineParam(key: string, raw: string): void {
      applyEdit(core.baselineFieldId(key), core.setBaselineParam(current(), key, raw))
    },
    setSiteParam(key: string, raw: string): void {
      applyEdit(core.siteFieldId(key), core.setSiteParam(current(), key, raw))
    },
    addVariant(): void {
      replace(core.addVariant(current(), t('whatIf.variantN', { n: current().variants.length + 1 })))
    },
    removeVariant(i: number): void {
      replace(core.removeVariant(current(), i))
    },
    duplicateVariant(i: number): void {
      replace(core.duplicateVariant(current(), i, t('whatIf.copyName', { name: current().variants[i]?.name ?? '' })))
    },
    renameVariant(i: number, name: string): void {
      scenario.value = core.renameVariant(current(), i, name)
    },
    addLever(i: number, type: core.LeverType): void {
      replace(core.addLever(current(), i, type))
    },
    removeLever(i: number, j: number): void {
      replace(core.removeLever(current(), i, j))
    },
    duplicateLever(i: number, j: number): void {
      replace(core.duplicateLever(current(), i, j))
    },
    setLeverParam(i: number, j: number, key: string, raw: string): void {
      applyEdit(core.leverFieldId(i, j, key), core.setLeverParam(current(), i, j, key, raw))
    },

    /** Saves the scenario under its name (replacing one of the same name). */
    save(): void {
      const next = core.shelve(shelf.value, scenario.value)
      try {
        core.writeShelf(storage, next)
        shelf.value = next
        if (problem.value?.what === 'save') problem.value = null
      } catch (e) {
        problem.value = { what: 'save', file: null, message: core.messageOf(e) }
      }
    },
    /** Opens saved scenario `i` (a copy: editing it changes the saved one only when saved again). */
    open(i: number): void {
      const saved = shelf.value.scenarios[i]
      if (saved) replace(structuredClone(saved))
    },
    /** Downloads the scenario as a file the CLI reads (`wattprint scenario FILE`). */
    exportFile(): void {
      download(core.scenarioFileName(scenario.value.name), core.scenarioJson(scenario.value), 'application/json')
    },
    /** Opens a scenario file, checked by the contract's schema; a refused file changes nothing and says why. */
    async importFile(file: File): Promise<void> {
      let text: string
      try {
        text = await file.text()
      } catch (e) {
        problem.value = { what: 'import', file: file.name, message: core.messageOf(e) }
        return
      }
      const read = core.parseScenarioFile(text)
      if (read.ok) {
        replace(read.value)
        if (problem.value?.what === 'import') problem.value = null
      } else {
        problem.value = { what: 'import', file: file.name, message: { code: read.error.code, params: read.error.params } }
      }
    },
  }
})
