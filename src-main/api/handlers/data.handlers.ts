import type { Handlers } from '../handler.ts'

export const dataHandlers = {
  'data:status': (ctx) => ctx.dataPacks.status(),
  'data:import': (ctx, request) => ctx.dataPacks.import(request.json),
  'data:revert': (ctx) => ctx.dataPacks.revert(),
} satisfies Partial<Handlers>
