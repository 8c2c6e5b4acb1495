import type { Handlers } from './handler.ts'

export const reportHandlers = {
  'summary:today': (service) => service.today(),
  'report:range': (service, request) => service.report(request.sinceMs, request.untilMs),
  'history:query': (service, request) => service.history(request.sinceMs, request.untilMs, request.bucket, request.withPrevious),
} satisfies Partial<Handlers>
