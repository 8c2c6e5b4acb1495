import { contextBridge, ipcRenderer } from 'electron'
import { invokeChannelNames, pushChannelNames, type PushChannel } from '../contract/channels.ts'
import type { IpcEnvelope } from './ipc.ts'

// Built method by method from the contract: `wattprint.settings.update(patch)`. No raw ipcRenderer,
// no generic invoke, and listeners never see Electron's event object.
const api: Record<string, unknown> = {}
for (const channel of invokeChannelNames) {
  const [domain, verb] = channel.split(':') as [string, string]
  const group = (api[domain] ??= {}) as Record<string, unknown>
  group[verb] = async (request: unknown = {}) => {
    const reply = (await ipcRenderer.invoke(channel, request)) as IpcEnvelope
    // A plain object, not an Error: contextBridge keeps a plain object's properties (code, params)
    // but strips an Error's down to its message.
    if (!reply.ok) throw { ...reply.error }
    return reply.result
  }
}
api.on = (channel: PushChannel, listener: (payload: unknown) => void) => {
  if (!pushChannelNames.includes(channel)) throw new Error(`unknown push channel "${String(channel)}"`)
  const wrapped = (_event: unknown, payload: unknown): void => listener(payload)
  ipcRenderer.on(channel, wrapped)
  return () => {
    ipcRenderer.removeListener(channel, wrapped)
  }
}

contextBridge.exposeInMainWorld('wattprint', api)
