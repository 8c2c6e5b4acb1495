import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { END, START, validationMarkdown, withTable } from '../scripts/validate-data.ts'
import { bundledDataPack } from '../src-main/core/data-pack.ts'
import { validateDataPack } from '../src-main/core/validation.ts'

describe('the README’s validation table', () => {
  it('is the one the estimators give today (run `npm run validate` after changing them or the data)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    expect(readme).toContain(START)
    expect(readme).toContain(END)
    expect(withTable(readme, validationMarkdown())).toBe(readme)
  })

  it('redoes the papers’ own arithmetic to within 1 %, and GPT-3 is 1,287 MWh and 552 t', () => {
    const { training } = validateDataPack(bundledDataPack())
    const checked = training.filter((r) => r.fromInputsMWh)
    expect(checked.length).toBeGreaterThanOrEqual(8)
    for (const r of checked) expect(Math.abs(r.fromInputsMWh?.errorPct ?? 100)).toBeLessThan(1)
    for (const r of training.filter((x) => x.co2eFromInputsT)) expect(Math.abs(r.co2eFromInputsT?.errorPct ?? 100)).toBeLessThan(1.5)
    const gpt3 = training.find((r) => r.id === 'gpt3-patterson2021')
    expect(gpt3?.energyMWh).toBe(1287)
    expect(gpt3?.co2eT).toBe(552.1)
  })

  it('holds every published training energy inside the default range', () => {
    const { training } = validateDataPack(bundledDataPack())
    const outside = training.filter((r) => r.fromDefaultsMWh && !r.fromDefaultsMWh.contains).map((r) => r.id)
    expect(outside).toEqual([])
  })
})
