import { useI18n } from 'vue-i18n'
import type { Hardware, TrainingRun } from '../../../src-main/contract/reference.ts'
import type { Country } from '../../../src-main/contract/settings.ts'
import { FINETUNE_METHODS, LOCATIONS, WORKLOADS, type ParamKind } from '../../stores/scenario.shared.ts'

/** One option of a select. */
export interface Choice {
  value: string
  label: string
}

/** What the forms offer to choose from: countries named in the interface's language, the data set's devices and runs. */
export interface ChoiceLists {
  countries: readonly Country[]
  /** Devices with a published FLOP/s. */
  hardware: readonly Hardware[]
  /** Devices with a published memory bandwidth. */
  inferenceHardware: readonly Hardware[]
  runs: readonly TrainingRun[]
  /** The user's model measurements (Measure my model), for a lever to use their measured ratio. */
  measurements: readonly { id: number; label: string }[]
}

/** The options of a parameter of `kind`, or null when it is typed in rather than chosen. */
export function useChoices(lists: () => ChoiceLists): (kind: ParamKind) => Choice[] | null {
  const { t } = useI18n()
  return (kind) => {
    switch (kind) {
      case 'country':
        return lists().countries.map((c) => ({ value: c.iso3, label: c.name }))
      case 'hardware':
        return lists().hardware.map((h) => ({ value: h.id, label: h.name }))
      case 'hardware-bandwidth':
        return lists().inferenceHardware.map((h) => ({ value: h.id, label: h.name }))
      case 'run':
        return lists().runs.map((r) => ({ value: r.id, label: r.model }))
      case 'method':
        return FINETUNE_METHODS.map((m) => ({ value: m, label: t(`whatIf.methods.${m}`) }))
      case 'location':
        return LOCATIONS.map((l) => ({ value: l, label: t(`whatIf.locations.${l}`) }))
      case 'measured-pair': {
        // Every ordered pair of two different measurements, after "none" (the model's formula).
        const ms = lists().measurements
        const pairs = ms.flatMap((a) => ms.filter((b) => b.id !== a.id).map((b) => ({ value: `${a.id}>${b.id}`, label: `${a.label} → ${b.label}` })))
        return [{ value: '', label: t('whatIf.measuredNone') }, ...pairs]
      }
      case 'optional-country':
        return [{ value: '', label: t('whatIf.sameCountry') }, ...lists().countries.map((c) => ({ value: c.iso3, label: c.name }))]
      case 'yes-no':
        return [
          { value: 'true', label: t('whatIf.yes') },
          { value: 'false', label: t('whatIf.no') },
        ]
      case 'workload':
        return WORKLOADS.map((w) => ({ value: w, label: t(`whatIf.workloads.${w}`) }))
      case 'number':
      case 'optional-number':
      case 'absent-number':
      case 'text':
        return null
    }
  }
}
