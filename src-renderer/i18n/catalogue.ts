import { MESSAGES_EN } from '../../src-main/contract/messages.en.ts'
import { MESSAGES_FR } from '../../src-main/contract/messages.fr.ts'
import { en } from './en.ts'
import { fr } from './fr.ts'

// The main process's sentences (errors, statuses, formulas) come as codes: their catalogue is
// the contract's, under `msg`, beside the renderer's own strings. Copies: `flatJson` rewrites the
// objects it is given in place (dotted keys become nested ones), and the contract's catalogue must
// keep its flat keys for `isMessageCode`.
export const messages = {
  en: { ...en, msg: { ...MESSAGES_EN } as Readonly<Record<string, string>> },
  fr: { ...fr, msg: { ...MESSAGES_FR } as Readonly<Record<string, string>> },
}
