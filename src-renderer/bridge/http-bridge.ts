import type { ApiErrorBody, Unsubscribe, WattprintApi } from '../../src-main/contract/api.ts'
import type { PushChannel, PushOf } from '../../src-main/contract/channels.ts'

type Listener = (payload: unknown) => void

/**
 * The same API over the headless host: `POST /api/invoke/<domain:verb>` and Server-Sent Events
 * on `/api/events`. The token comes from the URL the host printed; the host also sets a cookie.
 */
export function createHttpBridge(token: string | null, base = ''): WattprintApi {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  const listeners = new Map<string, Set<Listener>>()
  let source: EventSource | null = null

  const ensureEvents = (channel: string): void => {
    source ??= new EventSource(`${base}/api/events`, { withCredentials: true })
    if (listeners.has(channel)) return
    listeners.set(channel, new Set())
    source.addEventListener(channel, (event) => {
      const payload: unknown = JSON.parse((event as MessageEvent<string>).data)
      for (const listener of listeners.get(channel) ?? []) listener(payload)
    })
  }

  const invoke = async (channel: string, request: unknown): Promise<unknown> => {
    const response = await fetch(`${base}/api/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      body: JSON.stringify(request ?? {}),
    })
    const body = (await response.json()) as { result: unknown } | ApiErrorBody
    if ('error' in body) throw new Error(body.error.message)
    return body.result
  }

  const on = <C extends PushChannel>(channel: C, listener: (payload: PushOf<C>) => void): Unsubscribe => {
    ensureEvents(channel)
    const set = listeners.get(channel)
    const wrapped = listener as Listener
    set?.add(wrapped)
    return () => {
      set?.delete(wrapped)
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
