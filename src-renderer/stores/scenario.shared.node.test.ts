import { describe, expect, it } from 'vitest'
import { WattprintError } from '../../src-main/contract/errors.ts'
import { BaselineSchema, LeverSchema, ScenarioSchema, type Scenario } from '../../src-main/contract/scenario.ts'
import {
  BASELINE_KINDS,
  FINETUNE_METHODS,
  LEVER_TYPES,
  LOCATIONS,
  MAX_LEVERS,
  MAX_VARIANTS,
  SAVED_SCENARIOS_KEY,
  addLever,
  addVariant,
  baselineFields,
  defaultBaseline,
  defaultLever,
  defaultScenario,
  duplicateLever,
  duplicateVariant,
  leverFields,
  messageOf,
  paramsInLocale,
  parseScenarioFile,
  readShelf,
  removeLever,
  removeVariant,
  renameVariant,
  scenarioFileName,
  scenarioJson,
  setBaselineKind,
  setBaselineParam,
  setLeverParam,
  setSiteParam,
  shelve,
  writeShelf,
  type KeyValueStorage,
} from './scenario.shared.ts'

const NOW = Date.UTC(2026, 10, 25, 12)
const LABELS = { name: 'My usage, what if…', baseline: 'Baseline', quantization: '4-bit quantization', cloud: 'In the cloud' }
const start = (): Scenario => defaultScenario(LABELS, { countryIso3: 'FRA', pricePerKWh: 0.25, currency: 'EUR' }, NOW)

/** A map standing in for localStorage. */
function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { items: Map<string, string> } {
  const items = new Map(Object.entries(initial))
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) }
}

function edited(edit: ReturnType<typeof setLeverParam>): Scenario {
  if (!edit.ok) throw edit.error
  return edit.value
}

describe('the catalogue', () => {
  it('has a starting lever for every lever type of the contract, each accepted by its schema', () => {
    expect(LEVER_TYPES).toHaveLength(LeverSchema.options.length)
    for (const type of LEVER_TYPES) {
      expect(defaultLever(type).type).toBe(type)
      expect(LeverSchema.safeParse(defaultLever(type)).success).toBe(true)
    }
  })

  it('gives a fresh copy each time: changing one lever changes no other', () => {
    const a = defaultLever('pue')
    a.pue = 2
    expect(defaultLever('pue').pue).toBe(1.1)
  })

  it('lists every method and place the contract accepts', () => {
    expect([...FINETUNE_METHODS]).toEqual(LeverSchema.options[2].shape.method.options)
    expect([...LOCATIONS]).toEqual(LeverSchema.options[8].shape.to.options)
  })

  it('names each lever parameter with its editor kind, and a slider where the range is natural', () => {
    expect(leverFields(defaultLever('quantization'))).toEqual([
      { key: 'fromBits', kind: 'number', value: 16, slider: { min: 2, max: 32, step: 1 } },
      { key: 'toBits', kind: 'number', value: 4, slider: { min: 2, max: 32, step: 1 } },
      { key: 'measured', kind: 'measured-pair', value: '', slider: null },
    ])
    expect(leverFields(defaultLever('hardware')).map((f) => [f.key, f.kind])).toEqual([
      ['fromId', 'hardware'],
      ['toId', 'hardware'],
    ])
    // Two of the user's measurements instead of the model: set as `from>to`, cleared by an empty choice.
    const s = start()
    const set = setLeverParam(s, 0, 0, 'measured', '3>7')
    expect(set.ok && set.value.variants[0]?.levers[0]).toEqual({ type: 'quantization', fromBits: 16, toBits: 4, measured: { fromId: 3, toId: 7 } })
    const cleared = set.ok ? setLeverParam(set.value, 0, 0, 'measured', '') : set
    expect(cleared.ok && cleared.value.variants[0]?.levers[0]).toEqual({ type: 'quantization', fromBits: 16, toBits: 4 })
    expect(setLeverParam(s, 0, 0, 'measured', 'x>y').ok).toBe(false)
    expect(leverFields(defaultLever('finetune-instead-of-pretrain')).find((f) => f.key === 'method')).toMatchObject({
      kind: 'method',
      value: 'lora',
      slider: null,
    })
  })
})

describe('baselines', () => {
  it('has a preset for every baseline kind, each accepted by its schema', () => {
    expect(BASELINE_KINDS).toHaveLength(BaselineSchema.options.length)
    for (const kind of BASELINE_KINDS) expect(BaselineSchema.safeParse(defaultBaseline(kind, { nowMs: NOW, label: 'Baseline' })).success).toBe(true)
  })

  it('measures the 30 days before now', () => {
    expect(defaultBaseline('measured', { nowMs: NOW, label: '' })).toEqual({
      kind: 'measured',
      since: '2026-10-26T12:00:00.000Z',
      until: '2026-11-25T12:00:00.000Z',
      workload: 'inference',
    })
  })

  it('names an entered energy with the label given, and shows the fields of the kind chosen', () => {
    const s = setBaselineKind(start(), 'energy', { nowMs: NOW, label: 'Référence' })
    expect(s.baseline).toEqual({ kind: 'energy', label: 'Référence', itEnergyKWh: 10, workload: 'inference' })
    expect(baselineFields(s.baseline).map((f) => [f.key, f.kind])).toEqual([
      ['label', 'text'],
      ['itEnergyKWh', 'number'],
      ['workload', 'workload'],
    ])
    expect(baselineFields(defaultBaseline('inference', { nowMs: NOW, label: '' })).find((f) => f.key === 'hardwareId')?.kind).toBe('hardware-bandwidth')
    expect(baselineFields(defaultBaseline('measured', { nowMs: NOW, label: '' })).map((f) => f.key)).toEqual(['workload'])
  })
})

describe('the default scenario', () => {
  it("is a valid scenario file, in the user's country, quantized and in the cloud", () => {
    const s = start()
    expect(ScenarioSchema.parse(s)).toEqual(s)
    expect(s.site).toMatchObject({ countryIso3: 'FRA', pricePerKWh: 0.25, currency: 'EUR', pue: 1 })
    expect(s.variants.map((v) => [v.name, v.levers.map((l) => l.type)])).toEqual([
      ['4-bit quantization', ['quantization']],
      ['In the cloud', ['location']],
    ])
  })

  it('runs in the USA when the settings say WORLD or are not loaded yet', () => {
    expect(defaultScenario(LABELS, { countryIso3: 'WORLD', pricePerKWh: null, currency: 'USD' }, NOW).site.countryIso3).toBe('USA')
    expect(defaultScenario(LABELS, null, NOW).site).toMatchObject({ countryIso3: 'USA', pricePerKWh: null, currency: 'EUR' })
  })
})

describe('variants and levers', () => {
  it('adds, renames, duplicates and removes variants without touching the scenario given', () => {
    const s = start()
    const before = structuredClone(s)
    const added = addVariant(s, 'Variant 3')
    expect(added.variants.at(-1)).toEqual({ name: 'Variant 3', levers: [{ type: 'pue', pue: 1.1 }] })
    const copied = duplicateVariant(renameVariant(added, 0, 'Q4'), 0, 'Q4 (2)')
    expect(copied.variants.map((v) => v.name)).toEqual(['Q4', 'Q4 (2)', 'In the cloud', 'Variant 3'])
    // The copy is deep: editing its lever leaves the original's alone.
    const changed = edited(setLeverParam(copied, 1, 0, 'toBits', '8'))
    expect(changed.variants[0]?.levers[0]).toEqual({ type: 'quantization', fromBits: 16, toBits: 4 })
    expect(changed.variants[1]?.levers[0]).toEqual({ type: 'quantization', fromBits: 16, toBits: 8 })
    expect(removeVariant(changed, 0).variants.map((v) => v.name)).toEqual(['Q4 (2)', 'In the cloud', 'Variant 3'])
    expect(s).toEqual(before)
  })

  it('adds, duplicates and removes levers, in order', () => {
    let s = addLever(start(), 1, 'renewable-share')
    expect(s.variants[1]?.levers.map((l) => l.type)).toEqual(['location', 'renewable-share'])
    s = duplicateLever(s, 1, 0)
    expect(s.variants[1]?.levers.map((l) => l.type)).toEqual(['location', 'location', 'renewable-share'])
    s = removeLever(s, 1, 0)
    expect(s.variants[1]?.levers.map((l) => l.type)).toEqual(['location', 'renewable-share'])
  })

  it('stops at the limits the schema sets', () => {
    let s = start()
    for (let i = 0; i < 30; i++) s = addVariant(s, `V${i}`)
    expect(s.variants).toHaveLength(MAX_VARIANTS)
    expect(duplicateVariant(s, 0, 'one too many').variants).toHaveLength(MAX_VARIANTS)
    for (let i = 0; i < 30; i++) s = addLever(s, 0, 'pue')
    expect(s.variants[0]?.levers).toHaveLength(MAX_LEVERS)
    expect(duplicateLever(s, 0, 0).variants[0]?.levers).toHaveLength(MAX_LEVERS)
    expect(ScenarioSchema.safeParse(s).success).toBe(true)
  })
})

describe('setting a parameter from a form', () => {
  it('keeps a number a number and a choice a string', () => {
    let s = edited(setLeverParam(start(), 0, 0, 'toBits', '8'))
    expect(s.variants[0]?.levers[0]).toEqual({ type: 'quantization', fromBits: 16, toBits: 8 })
    s = edited(setLeverParam(s, 1, 0, 'to', 'local'))
    expect(s.variants[1]?.levers[0]).toEqual({ type: 'location', to: 'local' })
    s = edited(setBaselineParam(setBaselineKind(s, 'inference', { nowMs: NOW, label: '' }), 'tokens', '2000'))
    expect(s.baseline).toMatchObject({ kind: 'inference', tokens: 2000 })
  })

  it("refuses a value out of range with the field, its limit and the contract's code", () => {
    const edit = setLeverParam(start(), 0, 0, 'toBits', '0')
    expect(edit.ok).toBe(false)
    if (edit.ok) return
    expect(edit.error).toBeInstanceOf(WattprintError)
    expect(edit.error).toMatchObject({ code: 'field.too-small', field: 'toBits', params: { field: 'toBits', minimum: 1 } })
  })

  it('refuses an empty or non-numeric number instead of reading it as 0, and a choice outside the list', () => {
    for (const raw of ['', '  ', 'abc']) {
      const number = setLeverParam(start(), 0, 0, 'fromBits', raw)
      expect(number.ok ? null : number.error.code).toBe('field.wrong-type')
    }
    const place = setLeverParam(start(), 1, 0, 'to', 'moon')
    expect(place.ok ? null : place.error.code).toBe('field.not-one-of')
  })

  it("refuses a key that is no parameter of the lever, and never changes a lever's type", () => {
    for (const key of ['type', 'pue', 'toString', '__proto__']) {
      const edit = setLeverParam(start(), 0, 0, key, 'grid')
      expect(edit.ok ? null : edit.error.code).toBe('field.unknown-keys')
    }
  })

  it('reads an empty price as no price, and refuses a negative one', () => {
    const none = setSiteParam(start(), 'pricePerKWh', '')
    expect(none.ok && none.value.site.pricePerKWh).toBe(null)
    const negative = setSiteParam(start(), 'pricePerKWh', '-1')
    expect(negative.ok ? null : negative.error.field).toBe('pricePerKWh')
    const pue = setSiteParam(start(), 'pue', '1.4')
    expect(pue.ok && pue.value.site.pue).toBe(1.4)
  })

  it('leaves the scenario as it is when the lever is gone', () => {
    const s = start()
    expect(edited(setLeverParam(s, 5, 0, 'pue', '1.2'))).toBe(s)
  })
})

describe('saved scenarios', () => {
  it('saves by name: the same name replaces, and a copy is kept, not the live object', () => {
    const storage = memoryStorage()
    const s = start()
    let shelf = shelve(readShelf(storage), s)
    shelf = shelve(shelf, { ...s, name: 'Week 48 options' })
    shelf = shelve(shelf, { ...s, variants: [] })
    writeShelf(storage, shelf)
    s.variants[0]?.levers.push(defaultLever('pue'))
    const read = readShelf(storage)
    expect(read.scenarios.map((x) => [x.name, x.variants.length])).toEqual([
      ['Week 48 options', 2],
      ['My usage, what if…', 0],
    ])
    expect(read.scenarios[0]?.variants[0]?.levers).toHaveLength(1)
  })

  it('keeps entries it cannot read, so that saving again loses nothing', () => {
    const storage = memoryStorage({ [SAVED_SCENARIOS_KEY]: JSON.stringify([{ name: 'old format', levers: [] }, start()]) })
    const shelf = readShelf(storage)
    expect(shelf.scenarios).toHaveLength(1)
    expect(shelf.unreadable).toEqual([{ name: 'old format', levers: [] }])
    writeShelf(storage, shelve(shelf, { ...start(), name: 'new' }))
    expect(JSON.parse(storage.items.get(SAVED_SCENARIOS_KEY) ?? '')).toContainEqual({ name: 'old format', levers: [] })
    expect(readShelf(memoryStorage({ [SAVED_SCENARIOS_KEY]: '{broken' })).unreadable).toEqual(['{broken'])
    expect(readShelf(memoryStorage())).toEqual({ scenarios: [], unreadable: [] })
  })
})

describe('scenario files', () => {
  it("reads back what it exports, under a file name made of the scenario's name", () => {
    const s = start()
    expect(parseScenarioFile(scenarioJson(s))).toEqual({ ok: true, value: s })
    expect(scenarioFileName('Week 48: options / GPU')).toBe('Week-48-options-GPU.json')
    expect(scenarioFileName('…')).toBe('scenario.json')
  })

  it("fills the schema's defaults in a file that leaves them out", () => {
    const file = { name: 'x', baseline: { kind: 'energy', itEnergyKWh: 5 }, site: { countryIso3: 'DEU' }, variants: [] }
    const read = parseScenarioFile(JSON.stringify(file))
    expect(read.ok && read.value.site).toEqual({ countryIso3: 'DEU', pue: 1, wueLPerKWh: 0, pricePerKWh: null, currency: 'EUR' })
  })

  it("refuses a bad file with the contract's error: its code, parameters and the field at fault", () => {
    const s = start()
    const bad = { ...s, variants: [{ name: 'v', levers: [{ type: 'pue', pue: 0.5 }] }] }
    const read = parseScenarioFile(JSON.stringify(bad))
    expect(read.ok).toBe(false)
    if (read.ok) return
    expect(read.error).toBeInstanceOf(WattprintError)
    expect(read.error).toMatchObject({ kind: 'bad-input', code: 'field.too-small', field: 'variants.0.levers.0.pue', params: { minimum: 1 } })
    const unknown = parseScenarioFile(JSON.stringify({ ...s, extra: 1 }))
    expect(unknown.ok ? null : [unknown.error.code, unknown.error.field]).toEqual(['field.unknown-keys', 'extra'])
  })

  it("says when a file is not JSON at all, with the parser's own words beside", () => {
    const read = parseScenarioFile('{ name: ')
    expect(read.ok ? null : read.error.code).toBe('pack.not-json')
    expect(read.ok ? null : read.error.raw).toMatch(/JSON/)
  })
})

describe('messages', () => {
  it("keeps a domain error's code and parameters, and the words of any other error", () => {
    const e = new WattprintError('bad-input', 'scenario.unknown-run', { id: 'x' }, { field: 'baseline.runId' })
    expect(messageOf(e)).toEqual({ code: 'scenario.unknown-run', params: { field: 'baseline.runId', id: 'x' } })
    expect(messageOf(new Error('HTTP 500'))).toEqual({ code: 'text', params: { text: 'HTTP 500' } })
    // The body a bridge rejects with: the same fields, as a plain object.
    expect(messageOf(e.toBody().error)).toEqual({ code: 'scenario.unknown-run', params: { field: 'baseline.runId', id: 'x' } })
    expect(messageOf({ code: 'not-a-code', params: {}, message: 'refused' })).toEqual({ code: 'text', params: { text: 'refused' } })
    expect(messageOf('offline')).toEqual({ code: 'text', params: { text: 'offline' } })
  })

  it("writes numbers for the reader's language, keeping every digit", () => {
    expect(paramsInLocale({ tokens: 1_000_000, bits: 4, pue: 1.15, tiny: 0.000123456, model: 'GPT-3' }, 'en')).toEqual({
      tokens: '1,000,000',
      bits: '4',
      pue: '1.15',
      tiny: '0.000123456',
      model: 'GPT-3',
    })
    expect(paramsInLocale({ tokens: 1_234_567, pue: 1.15 }, 'fr')).toEqual({ tokens: '1\u202f234\u202f567', pue: '1,15' })
  })
})
