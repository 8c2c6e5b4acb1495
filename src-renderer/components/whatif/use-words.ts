import { useI18n } from 'vue-i18n'
import type { Message } from '../../../src-main/contract/messages.ts'
import { useMessages } from '../../i18n/index.ts'
import { paramsInLocale } from '../../stores/scenario.shared.ts'

type MessageLike = Pick<Message, 'params'> & { code: string }

/** A message from the main process in words of the interface's language, its numbers written for it. */
export function useWords(): (m: MessageLike) => string {
  const words = useMessages()
  const { locale } = useI18n()
  return (m) => words({ code: m.code, params: paramsInLocale(m.params, locale.value) })
}
