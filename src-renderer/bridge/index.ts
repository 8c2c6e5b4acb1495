import type { WattprintApi } from '../../src-main/contract/api.ts'
import { createHttpBridge } from './http-bridge.ts'

let bridge: WattprintApi | null = null

/** The preload's API inside Electron; the HTTP bridge in a browser served by the headless host. */
export function useBridge(): WattprintApi {
  if (bridge) return bridge
  if (window.wattprint) {
    bridge = window.wattprint
    return bridge
  }
  const url = new URL(window.location.href)
  const token = url.searchParams.get('token')
  if (token) {
    // Keep the token out of the address bar, history and screenshots; the host set a cookie.
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.toString())
  }
  bridge = createHttpBridge(token)
  return bridge
}
