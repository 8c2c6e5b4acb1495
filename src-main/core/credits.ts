import software from '../../resources/data/third-party.json' with { type: 'json' }
import { CO2JS_VERSION, EMBER_SOURCE } from './grid-factors.ts'

/** A data set Wattprint ships or reads, what it is used for, and its licence (the About view lists them). */
export interface DataSetCredit {
  name: string
  publisher: string
  url: string
  licence: string
  usedFor: string
}

/** Wattprint's own licence (LICENSE). */
export const APP_LICENCE = 'MIT'

export const DATA_SETS: readonly DataSetCredit[] = [
  {
    name: 'Yearly electricity data: emissions intensity by country',
    publisher: EMBER_SOURCE.publisher,
    url: EMBER_SOURCE.url ?? 'https://ember-climate.org/data/data-explorer/',
    licence: `${EMBER_SOURCE.licence ?? 'CC BY-SA 4.0'} (the data); Apache-2.0 (CO2.js ${CO2JS_VERSION})`,
    usedFor: 'The grid average of each country: the CO2e of your electricity unless you set your own figure.',
  },
  {
    name: 'Wattprint reference data pack',
    publisher: 'Wattprint, from the publications each record cites',
    url: 'resources/data/reference-data.json',
    licence: `${APP_LICENCE} (the compilation); each figure names its publication, shown beside it in the app`,
    usedFor: 'Published training and inference footprints, accelerators, data-centre and everyday factors, common misquotes.',
  },
  {
    name: 'Demo trace: Qwen3-ASR burst (nvidia-smi log)',
    publisher: 'github.com/devyoongu/Qwen3-ASR, results/gpu_log.csv at c302fac',
    url: 'https://github.com/devyoongu/Qwen3-ASR',
    licence: 'Apache-2.0',
    usedFor: 'The demo replayed when there is no live data (never written to your history).',
  },
  {
    name: 'Country names',
    publisher: 'i18n-iso-countries',
    url: 'https://github.com/michaelwittig/node-i18n-iso-countries',
    licence: 'MIT',
    usedFor: 'Country names in English and French in Settings.',
  },
]

/** Every package the app ships, with its licence (generated from package-lock.json by scripts/third-party.ts). */
export const SOFTWARE: readonly { name: string; version: string; licence: string }[] = software
