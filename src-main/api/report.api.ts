import type { Handlers } from './handler.ts'

export const reportHandlers = {
  'summary:today': (service) => service.today(),
  'report:range': (service, request) => service.report(request.sinceMs, request.untilMs),
} satisfies Partial<Handlers>
