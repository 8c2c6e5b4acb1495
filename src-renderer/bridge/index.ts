import type { WattprintApi } from '../../src-main/contract/api.ts'
import { createHttpBridge } from './http-bridge.ts'

let bridge: WattprintApi | null = null
const TOKEN_KEY = 'wattprint:token'

/** The preload's API inside Electron; the HTTP bridge in a browser served by the headless host. */
export function useBridge(): WattprintApi {
  if (bridge) return bridge
  if (window.wattprint) {
    bridge = window.wattprint
    return bridge
  }
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    // Kept in this tab's session storage (per origin, so per port: no other local server sees it)
    // and out of the address bar, history and screenshots.
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.toString())
  }
  bridge = createHttpBridge(fromUrl ?? sessionStorage.getItem(TOKEN_KEY))
  return bridge
}
