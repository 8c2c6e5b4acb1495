import type { Handlers } from './handler.ts'

export const telemetryHandlers = {
  'telemetry:status': (service) => service.telemetryStatus(),
  'telemetry:recent': (service, request) => service.recent(request.windowS),
  'demo:start': (service) => {
    service.startDemo()
    return { ok: true as const }
  },
  'demo:stop': async (service) => {
    await service.stopDemo()
    return { ok: true as const }
  },
} satisfies Partial<Handlers>
