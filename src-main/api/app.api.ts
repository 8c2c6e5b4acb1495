import type { Handlers } from './handler.ts'

export const appHandlers = {
  'app:info': (service) => ({
    version: service.options.version,
    host: service.options.host,
    dbPath: service.options.dbPath,
    platform: process.platform,
    warnings: [...service.storageNotes, ...service.settingsProblems],
    dataPack: { version: service.pack.version, date: service.pack.date },
  }),
} satisfies Partial<Handlers>
