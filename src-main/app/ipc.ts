import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { dispatch, ApiError } from '../api/index.ts'
import type { WattprintService } from '../api/service.ts'
import { invokeChannelNames } from '../contract/channels.ts'

/** What every IPC reply looks like, so the renderer gets our message, not Electron's wrapper. */
export type IpcEnvelope = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } }

/**
 * Binds every contract channel to the API. Requests are validated in `dispatch`; the sender
 * must be our own window's main frame, loaded from our own files.
 */
export function bindIpc(service: WattprintService, window: () => BrowserWindow | null): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const win = window()
    const url = event.senderFrame?.url ?? ''
    return win !== null && event.sender === win.webContents && event.senderFrame === win.webContents.mainFrame &&
      (url.startsWith('file://') || (process.env.ELECTRON_RENDERER_URL !== undefined && url.startsWith(process.env.ELECTRON_RENDERER_URL)))
  }
  for (const channel of invokeChannelNames) {
    ipcMain.handle(channel, async (event, request: unknown): Promise<IpcEnvelope> => {
      if (!trusted(event)) return { ok: false, error: { code: 'unauthorized', message: 'request from an untrusted frame' } }
      try {
        return { ok: true, result: await dispatch(service, channel, request) }
      } catch (error) {
        const code = error instanceof ApiError ? error.code : 'internal'
        return { ok: false, error: { code, message: error instanceof Error ? error.message : String(error) } }
      }
    })
  }
  const unsubscribe = service.onPush((channel, payload) => {
    const win = window()
    if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
  })
  return () => {
    unsubscribe()
    for (const channel of invokeChannelNames) ipcMain.removeHandler(channel)
  }
}
