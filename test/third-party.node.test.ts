import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { THIRD_PARTY_FILE, thirdPartyJson } from '../scripts/third-party.ts'
import { REPO_ROOT } from './helpers.ts'

describe('the software list of the About view', () => {
  it('is the production packages of package-lock.json, each with its licence (run `node scripts/third-party.ts` after a dependency change)', () => {
    const expected = thirdPartyJson(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8'))
    expect(readFileSync(THIRD_PARTY_FILE, 'utf8')).toBe(expected)
    const list = JSON.parse(expected) as { name: string; licence: string }[]
    expect(list.map((p) => p.name)).toEqual(expect.arrayContaining(['vue', 'echarts', 'koffi', '@tgwf/co2', 'zod']))
    // No package ships without a known licence.
    expect(list.filter((p) => p.licence === 'UNKNOWN')).toEqual([])
  })
})
