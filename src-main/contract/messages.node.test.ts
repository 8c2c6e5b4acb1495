import { describe, expect, it } from 'vitest'
import { HTTP_STATUS_OF, EXIT_CODE_OF, WattprintError, ErrorBodySchema } from './errors.ts'
import { MESSAGES_EN } from './messages.en.ts'
import { MESSAGES_FR } from './messages.fr.ts'
import { formatMessage } from './messages.ts'

const placeholders = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort()

describe('the message catalogue', () => {
  it('has every code in French too, with the same placeholders', () => {
    expect(Object.keys(MESSAGES_FR).sort()).toEqual(Object.keys(MESSAGES_EN).sort())
    for (const [code, en] of Object.entries(MESSAGES_EN)) {
      expect(placeholders(MESSAGES_FR[code as keyof typeof MESSAGES_EN]), code).toEqual(placeholders(en))
    }
  })

  it('uses no character vue-i18n gives a meaning to, and no code is the prefix of another (they are read as paths)', () => {
    for (const template of [...Object.values(MESSAGES_EN), ...Object.values(MESSAGES_FR)]) expect(template).not.toMatch(/[@|$]/)
    const codes = Object.keys(MESSAGES_EN)
    for (const code of codes) expect(codes.filter((other) => other.startsWith(`${code}.`))).toEqual([])
  })

  it('fills placeholders, and leaves an unknown code readable', () => {
    expect(formatMessage('fr', 'source.not-found', { tool: 'nvidia-smi', command: 'nvidia-smi' })).toBe('nvidia-smi est introuvable (nvidia-smi).')
    expect(formatMessage('en', 'no.such.code')).toBe('no.such.code')
  })
})

describe('one error type, mapped the same way by every door', () => {
  it.each([
    ['bad-input', 400, 2],
    ['not-found', 404, 2],
    ['unauthorized', 401, 2],
    ['failure', 500, 1],
    ['upstream', 502, 1],
  ] as const)('%s → HTTP %i, exit code %i', (kind, status, exit) => {
    expect(HTTP_STATUS_OF[kind]).toBe(status)
    expect(EXIT_CODE_OF[kind]).toBe(exit)
  })

  it('travels as a code with parameters, the field and the raw words, plus English for scripts', () => {
    const error = new WattprintError('bad-input', 'estimate.unknown-hardware', { id: 'abacus' }, { field: 'hardwareId', raw: 'x' })
    const body = ErrorBodySchema.parse(error.toBody())
    expect(body.error).toEqual({
      kind: 'bad-input',
      code: 'estimate.unknown-hardware',
      params: { field: 'hardwareId', id: 'abacus' },
      field: 'hardwareId',
      raw: 'x',
      message: 'field "hardwareId": unknown hardware "abacus" (list them with: wattprint hardware)',
    })
    expect(formatMessage('fr', body.error.code, body.error.params)).toBe('champ « hardwareId » : matériel inconnu « abacus » (liste : wattprint hardware)')
  })
})
