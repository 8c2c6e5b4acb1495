import type { z } from 'zod'
import { invokeChannels, type InvokeChannel, type ResponseOf } from '../contract/channels.ts'
import type { WattprintService } from './service.ts'

type ParsedRequestOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['request']>

export type Handler<C extends InvokeChannel> = (
  service: WattprintService,
  request: ParsedRequestOf<C>,
) => ResponseOf<C> | Promise<ResponseOf<C>>

export type Handlers = { [C in InvokeChannel]: Handler<C> }

export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly code: 'bad-request' | 'not-found' | 'internal'
  constructor(code: ApiError['code'], message: string) {
    super(message)
    this.code = code
  }
}

export { describeIssues } from '../contract/validation.ts'

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(invokeChannels, channel)
}
