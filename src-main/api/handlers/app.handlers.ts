import { APP_LICENCE, DATA_SETS, SOFTWARE } from '../../core/credits.ts'
import type { Handlers } from '../handler.ts'

export const appHandlers = {
  'app:info': (ctx) => ({
    ...ctx.info,
    warnings: [...ctx.storageNotes, ...ctx.settings.problems],
    dataPack: { version: ctx.dataPacks.pack().version, date: ctx.dataPacks.pack().date },
  }),
  'app:about': (ctx) => ({
    version: ctx.info.version,
    licence: APP_LICENCE,
    host: ctx.info.host,
    platform: ctx.info.platform,
    arch: process.arch,
    runtime: { node: process.versions.node, electron: process.versions.electron ?? null, chrome: process.versions.chrome ?? null },
    dataPack: { version: ctx.dataPacks.pack().version, date: ctx.dataPacks.pack().date, origin: ctx.dataPacks.status().origin },
    dataSets: [...DATA_SETS],
    software: [...SOFTWARE],
  }),
} satisfies Partial<Handlers>
