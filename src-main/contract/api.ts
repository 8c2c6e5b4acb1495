import type { ErrorBody } from './errors.ts'
import type { InvokeChannel, PushChannel, PushOf, RequestOf, ResponseOf } from './channels.ts'

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never
type VerbOf<C extends string, D extends string> = C extends `${D}:${infer V}` ? V : never

/** Stops a subscription. */
export type Unsubscribe = () => void

/** The API the renderer sees as `window.wattprint`: `wattprint.settings.update({...})`. */
export type WattprintApi = {
  [D in DomainOf<InvokeChannel>]: {
    [V in VerbOf<InvokeChannel, D>]: `${D}:${V}` extends infer C extends InvokeChannel ? (request: RequestOf<C>) => Promise<ResponseOf<C>> : never
  }
} & {
  on: <C extends PushChannel>(channel: C, listener: (payload: PushOf<C>) => void) => Unsubscribe
}

/** What a failed call rejects with, whatever the bridge: the error's own fields (see ErrorBodySchema). */
export type ApiError = ErrorBody['error']
