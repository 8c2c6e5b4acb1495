import { ZodError } from 'zod'
import { invokeChannels, type InvokeChannel } from '../contract/channels.ts'
import { WattprintError } from '../contract/errors.ts'
import { fromZodError } from '../contract/validation.ts'
import type { AppContext } from './context.ts'
import { isInvokeChannel, type Handler, type Handlers } from './handler.ts'
import { appHandlers } from './handlers/app.handlers.ts'
import { compareHandlers } from './handlers/compare.handlers.ts'
import { dataHandlers } from './handlers/data.handlers.ts'
import { estimateHandlers } from './handlers/estimates.handlers.ts'
import { modelsHandlers } from './handlers/models.handlers.ts'
import { reportHandlers } from './handlers/reports.handlers.ts'
import { scenarioHandlers } from './handlers/scenario.handlers.ts'
import { settingsHandlers } from './handlers/settings.handlers.ts'
import { telemetryHandlers } from './handlers/telemetry.handlers.ts'

export const handlers: Handlers = {
  ...appHandlers,
  ...telemetryHandlers,
  ...reportHandlers,
  ...settingsHandlers,
  ...estimateHandlers,
  ...compareHandlers,
  ...scenarioHandlers,
  ...dataHandlers,
  ...modelsHandlers,
}

/**
 * The one entry every door calls (IPC, HTTP, CLI): checks the channel, validates the request
 * (the caller is untrusted), runs the handler. Every failure comes out as a WattprintError with a
 * stable code; anything unexpected is a `failure` carrying the original words.
 */
export async function dispatch(ctx: AppContext, channel: unknown, request: unknown): Promise<unknown> {
  if (!isInvokeChannel(channel)) throw new WattprintError('not-found', 'request.unknown-channel', { channel: String(channel).slice(0, 80) })
  const parsed = invokeChannels[channel].request.safeParse(request ?? {})
  if (!parsed.success) throw fromZodError(parsed.error)
  try {
    return await (handlers[channel] as Handler<InvokeChannel>)(ctx, parsed.data as never)
  } catch (error) {
    throw asWattprintError(error)
  }
}

/** Any error as the domain's: schema refusals by field, SQLite's and others' words kept as `raw`. */
export function asWattprintError(error: unknown): WattprintError {
  if (error instanceof WattprintError) return error
  if (error instanceof ZodError) return fromZodError(error)
  const words = error instanceof Error ? error.message : String(error)
  const sqlite = error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_SQLITE_ERROR'
  return new WattprintError('failure', sqlite ? 'db.write-failed' : 'internal', { detail: words }, { raw: words })
}
