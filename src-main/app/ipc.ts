import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { asWattprintError, dispatch } from '../api/dispatch.ts'
import type { AppContext } from '../api/context.ts'
import { logAppImport } from './log.ts'
import { invokeChannelNames, type ResponseOf } from '../contract/channels.ts'
import { WattprintError, type ErrorBody } from '../contract/errors.ts'

/** What every IPC reply looks like, so the renderer gets our error (code, params), not Electron's wrapper. */
export type IpcEnvelope = { ok: true; result: unknown } | ({ ok: false } & ErrorBody)

/**
 * Binds every contract channel to the API. Requests are validated in `dispatch`; the sender
 * must be our own window's main frame, loaded from our own files.
 */
export function bindIpc(context: AppContext, window: () => BrowserWindow | null): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const win = window()
    const url = event.senderFrame?.url ?? ''
    return (
      win !== null &&
      event.sender === win.webContents &&
      event.senderFrame === win.webContents.mainFrame &&
      (url.startsWith('file://') || (process.env.ELECTRON_RENDERER_URL !== undefined && url.startsWith(process.env.ELECTRON_RENDERER_URL)))
    )
  }
  for (const channel of invokeChannelNames) {
    ipcMain.handle(channel, async (event, request: unknown): Promise<IpcEnvelope> => {
      if (!trusted(event)) return { ok: false, ...new WattprintError('unauthorized', 'ipc.untrusted').toBody() }
      try {
        const result = await dispatch(context, channel, request)
        if (channel === 'history:import') logAppImport(result as ResponseOf<'history:import'>)
        return { ok: true, result }
      } catch (error) {
        return { ok: false, ...asWattprintError(error).toBody() }
      }
    })
  }
  const unsubscribe = context.bus.on((channel, payload) => {
    const win = window()
    if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
  })
  return () => {
    unsubscribe()
    for (const channel of invokeChannelNames) ipcMain.removeHandler(channel)
  }
}
