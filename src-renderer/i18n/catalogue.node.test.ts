import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import { isMessageCode } from '../../src-main/contract/messages.ts'
import { MESSAGES_EN } from '../../src-main/contract/messages.en.ts'
import { messages } from './catalogue.ts'

describe('the interface’s catalogue of the contract’s messages', () => {
  it('leaves the contract’s flat catalogue as it was (vue-i18n’s flatJson rewrites what it is given)', () => {
    const keys = Object.keys(MESSAGES_EN)
    const i18n = createI18n({ legacy: false, flatJson: true, locale: 'en', messages })
    expect(i18n.global.te('msg.lever.bits-not-fewer')).toBe(true)
    expect(i18n.global.t('msg.lever.bits-not-fewer', { field: 'toBits' })).toBe('field "toBits": quantisation means fewer bits after than before')
    // A refusal from a schema keeps its own code in the renderer too, not "field.invalid".
    expect(isMessageCode('lever.bits-not-fewer')).toBe(true)
    expect(Object.keys(MESSAGES_EN)).toEqual(keys)
  })
})
