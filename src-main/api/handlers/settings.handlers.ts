import { gridCountries } from '../../core/grid-factors.ts'
import type { Handlers } from '../handler.ts'

export const settingsHandlers = {
  'settings:get': (ctx) => ctx.settings.get(),
  'settings:update': (ctx, request) => ctx.settings.update(request),
  'factors:countries': () => ({ countries: gridCountries() }),
} satisfies Partial<Handlers>
