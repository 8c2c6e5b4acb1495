import { formatText, message } from '../contract/messages.ts'
import type { WholePc } from '../contract/footprint.ts'
import type { Factor } from '../contract/provenance.ts'
import type { DataPack } from '../contract/reference.ts'
import type { Settings } from '../contract/settings.ts'
import { asFactor } from './data-pack.ts'
import { footprint, rangeOf, type FootprintContext, type MeasuredEnergy } from './footprint.ts'
import { measurementFactor } from './measurement.ts'

export const PSU_EFFICIENCY_ID = 'psu-efficiency-80plus'

/** How far a steady rest-of-system figure may be off: Wattprint's assumption (fans, disks and USB devices vary with load). */
const REST_OF_SYSTEM_SPREAD = 0.2

/** The power supply's efficiency: the user's figure, else the data set's 80 PLUS one (with its range). */
export function psuEfficiencyFactor(settings: Pick<Settings, 'psuEfficiency'>, pack: DataPack): Factor {
  if (settings.psuEfficiency !== null) {
    const label = message('factor.psu-user')
    const note = message('factor.psu-user-note')
    return {
      id: 'psu:user',
      label: formatText('en', label),
      value: settings.psuEfficiency,
      unit: '×',
      year: null,
      origin: 'user',
      source: null,
      note: formatText('en', note),
      text: { label, note },
    }
  }
  return asFactor(measurementFactor(pack, PSU_EFFICIENCY_ID))
}

/**
 * The rest of the PC's figure, as a factor: entered by the user, or worked out from a wall-meter
 * reading (wall × efficiency − what was measured then), each with Wattprint's ±20% assumption.
 */
function restOfSystemFactor(settings: Settings): Factor {
  const from = settings.restOfSystemFrom
  const label = message('factor.rest-of-system')
  const note =
    from.kind === 'wall-meter'
      ? message('factor.rest-of-system-wall-note', {
          wallW: from.wallW,
          efficiency: Math.round(from.psuEfficiency * 100),
          measuredW: Math.round(from.measuredW),
          restW: settings.restOfSystemW ?? 0,
        })
      : message('factor.rest-of-system-note', { spread: REST_OF_SYSTEM_SPREAD * 100 })
  return {
    id: 'rest-of-system',
    label: formatText('en', label),
    value: 1,
    unit: '×',
    year: null,
    origin: 'assumption',
    source: null,
    note: formatText('en', note),
    text: { label, note },
    low: 1 - REST_OF_SYSTEM_SPREAD,
    high: 1 + REST_OF_SYSTEM_SPREAD,
  }
}

/** The power supply's loss as a factor around its central value, from the efficiency's range. */
function psuLossFactor(efficiency: Factor): Factor {
  const [lowEff, highEff] = rangeOf(efficiency)
  const loss = (e: number): number => 1 / e - 1
  const central = loss(efficiency.value)
  const label = message('factor.psu-loss')
  const note = message('factor.psu-loss-note', { efficiency: Math.round(efficiency.value * 100) })
  return {
    id: 'psu-loss',
    label: formatText('en', label),
    value: 1,
    unit: '×',
    year: null,
    origin: 'assumption',
    source: efficiency.source,
    note: formatText('en', note),
    text: { label, note },
    low: loss(highEff) / central,
    high: loss(lowEff) / central,
  }
}

/**
 * The whole PC at the wall: what the sources measured, plus the rest of the system (a steady
 * figure over the time recorded), plus what the power supply loses. Every part keeps its method:
 * measured parts their own, the rest and the loss `estimated`. Null until the rest is set.
 */
export function wholePcFigure(
  devices: readonly { integratedS: number }[],
  measured: readonly MeasuredEnergy[],
  settings: Settings,
  pack: DataPack,
  context: FootprintContext,
): WholePc | null {
  if (settings.restOfSystemW === null) return null
  const efficiency = psuEfficiencyFactor(settings, pack)
  const coveredS = devices.reduce((max, d) => Math.max(max, d.integratedS), 0)
  const measuredJ = measured.reduce((sum, p) => sum + p.energyJ, 0)
  const restOfSystemJ = settings.restOfSystemW * coveredS
  const psuLossJ = (measuredJ + restOfSystemJ) * (1 / efficiency.value - 1)
  const estimated: MeasuredEnergy[] = [
    { method: 'estimated', energyJ: restOfSystemJ, measurement: restOfSystemFactor(settings), devices: ['rest-of-system'] },
    { method: 'estimated', energyJ: psuLossJ, measurement: psuLossFactor(efficiency), devices: ['power-supply'] },
  ]
  return {
    measuredJ,
    restOfSystemJ,
    psuLossJ,
    wallJ: measuredJ + restOfSystemJ + psuLossJ,
    coveredS,
    restOfSystemW: settings.restOfSystemW,
    restFrom: settings.restOfSystemFrom.kind,
    psuEfficiency: efficiency,
    footprint: footprint([...measured, ...estimated], context),
  }
}

/** The rest of the PC from a wall-meter reading: wall × efficiency − measured (parts' side), W; null when the meter reads less than the parts. */
export function restOfSystemFromWall(wallW: number, measuredW: number, efficiency: number): number | null {
  const rest = wallW * efficiency - measuredW
  return rest < 0 ? null : Math.round(rest * 10) / 10
}
