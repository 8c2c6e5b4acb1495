import type { z } from 'zod'
import { invokeChannels, type InvokeChannel, type ResponseOf } from '../contract/channels.ts'
import type { AppContext } from './context.ts'

export type ParsedRequestOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['request']>

/** A channel's logic: the validated request in, the response out; errors are WattprintErrors. */
export type Handler<C extends InvokeChannel> = (ctx: AppContext, request: ParsedRequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>

export type Handlers = { [C in InvokeChannel]: Handler<C> }

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(invokeChannels, channel)
}
