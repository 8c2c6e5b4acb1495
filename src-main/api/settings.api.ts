import { gridCountries } from '../core/grid-factors.ts'
import type { Handlers } from './handler.ts'

export const settingsHandlers = {
  'settings:get': (service) => service.settings,
  'settings:update': (service, request) => service.updateSettings(request),
  'factors:countries': () => ({ countries: gridCountries() }),
} satisfies Partial<Handlers>
