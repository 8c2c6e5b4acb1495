import type { Handlers } from '../handler.ts'

export const appHandlers = {
  'app:info': (ctx) => ({
    ...ctx.info,
    warnings: [...ctx.storageNotes, ...ctx.settings.problems],
    dataPack: { version: ctx.dataPacks.pack().version, date: ctx.dataPacks.pack().date },
  }),
} satisfies Partial<Handlers>
