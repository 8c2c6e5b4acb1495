import type { Unsubscribe, WattprintApi } from '../../src-main/contract/api.ts'
import type { ErrorBody } from '../../src-main/contract/errors.ts'
import type { PushChannel, PushOf } from '../../src-main/contract/channels.ts'
import { EventSourceParserStream } from 'eventsource-parser/stream'

type Listener = (payload: unknown) => void

const RECONNECT_MIN_MS = 1000
const RECONNECT_MAX_MS = 30_000

/**
 * The same API over the headless host: `POST /api/invoke/<domain:verb>` and Server-Sent Events
 * on `/api/events`, both with the token as a bearer header (never a cookie: cookies are shared by
 * every port of 127.0.0.1). The events are read with fetch, which can send that header.
 */
export function createHttpBridge(token: string | null, base = ''): WattprintApi {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  const listeners = new Map<string, Set<Listener>>()
  let streaming = false

  const dispatchEvent = (channel: string, data: string): void => {
    const set = listeners.get(channel)
    if (!set || set.size === 0) return
    const payload: unknown = JSON.parse(data)
    for (const listener of set) listener(payload)
  }

  // One stream for every channel, reopened with back-off when the host drops it.
  const streamEvents = async (): Promise<void> => {
    let delayMs = RECONNECT_MIN_MS
    for (;;) {
      try {
        const response = await fetch(`${base}/api/events`, {
          headers: token ? { Authorization: `Bearer ${token}` } : {},
          credentials: 'omit',
          cache: 'no-store',
        })
        if (response.status === 401) return
        if (response.ok && response.body) {
          delayMs = RECONNECT_MIN_MS
          const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader()
          for (let next = await events.read(); !next.done; next = await events.read()) dispatchEvent(next.value.event ?? 'message', next.value.data)
        }
      } catch {
        // The host went away or dropped a slow reader: try again after a pause.
      }
      await new Promise((r) => setTimeout(r, delayMs))
      delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS)
    }
  }

  const invoke = async (channel: string, request: unknown): Promise<unknown> => {
    const response = await fetch(`${base}/api/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers,
      credentials: 'omit',
      body: JSON.stringify(request ?? {}),
    })
    const body = (await response.json()) as { result: unknown } | ErrorBody
    // The same rejection as the preload's: the error's fields (kind, code, params, field, raw, message).
    if ('error' in body) throw body.error
    return body.result
  }

  const on = <C extends PushChannel>(channel: C, listener: (payload: PushOf<C>) => void): Unsubscribe => {
    if (!streaming) {
      streaming = true
      void streamEvents()
    }
    let set = listeners.get(channel)
    if (!set) listeners.set(channel, (set = new Set()))
    const wrapped = listener as Listener
    set.add(wrapped)
    return () => {
      set.delete(wrapped)
    }
  }

  // `api.settings.update(x)` → invoke('settings:update', x): the contract's names, nothing else.
  return new Proxy({ on } as WattprintApi, {
    get(_target, domain: string | symbol) {
      if (domain === 'on') return on
      if (typeof domain !== 'string') return undefined
      return new Proxy(
        {},
        { get: (_t, verb: string | symbol) => (typeof verb === 'string' ? (request: unknown) => invoke(`${domain}:${verb}`, request) : undefined) },
      )
    },
  })
}
