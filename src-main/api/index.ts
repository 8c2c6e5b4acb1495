import { ZodError } from 'zod'
import { EstimateError } from '../core/estimate-report.ts'
import { LeverError } from '../core/scenarios.ts'
import { DataPackError } from '../store/data-pack-store.ts'
import { invokeChannels, type InvokeChannel } from '../contract/channels.ts'
import { appHandlers } from './app.api.ts'
import { estimateHandlers } from './estimates.api.ts'
import { ApiError, describeIssues, isInvokeChannel, type Handler, type Handlers } from './handler.ts'
import { reportHandlers } from './report.api.ts'
import type { WattprintService } from './service.ts'
import { settingsHandlers } from './settings.api.ts'
import { telemetryHandlers } from './telemetry.api.ts'

export const handlers: Handlers = { ...appHandlers, ...telemetryHandlers, ...reportHandlers, ...settingsHandlers, ...estimateHandlers }

/**
 * The one entry both transports call: checks the channel, validates the request (the caller is
 * untrusted), runs the handler. Throws ApiError with a message naming what was wrong.
 */
export async function dispatch(service: WattprintService, channel: unknown, request: unknown): Promise<unknown> {
  if (!isInvokeChannel(channel)) throw new ApiError('not-found', `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`)
  const parsed = invokeChannels[channel].request.safeParse(request ?? {})
  if (!parsed.success) throw new ApiError('bad-request', `${channel}: ${describeIssues(parsed.error)}`)
  const handler = handlers[channel] as Handler<InvokeChannel>
  try {
    return await handler(service, parsed.data as never)
  } catch (error) {
    if (error instanceof ZodError) throw new ApiError('bad-request', `${channel}: ${describeIssues(error)}`)
    if (error instanceof EstimateError || error instanceof LeverError || error instanceof DataPackError) throw new ApiError('bad-request', `${channel}: ${error.message}`)
    throw error
  }
}

export { ApiError }
