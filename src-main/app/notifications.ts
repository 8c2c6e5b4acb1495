import { Notification } from 'electron'
import type { AppContext } from '../api/context.ts'
import type { AppRoute } from '../contract/channels.ts'
import { noticeText, type Reader } from './desktop-text.ts'

/**
 * Budgets crossed, the weekly summary and a GPU stuck drawing power, as native notifications in
 * the user's language; clicking one opens the view it is about. Where the system has no
 * notifications, nothing is shown (the app's views still hold the figures).
 */
export function bindNotifications(context: AppContext, reader: () => Reader, open: (route: AppRoute) => void): () => void {
  return context.notices.on((notice) => {
    if (!Notification.isSupported()) return
    const text = noticeText(reader(), notice)
    const shown = new Notification({ title: text.title, body: text.body, silent: notice.kind === 'weekly' })
    shown.on('click', () => open(text.route))
    shown.show()
  })
}
