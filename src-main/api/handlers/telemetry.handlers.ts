import type { Handlers } from '../handler.ts'

export const telemetryHandlers = {
  'telemetry:status': (ctx) => ctx.telemetryStatus(),
  'telemetry:reprobe': async (ctx) => {
    await ctx.recorder.reprobe()
    return ctx.telemetryStatus()
  },
  'recording:pause': async (ctx) => {
    await ctx.recorder.pause()
    return ctx.telemetryStatus()
  },
  'recording:resume': async (ctx) => {
    await ctx.recorder.resume()
    return ctx.telemetryStatus()
  },
  'telemetry:recent': (ctx, request) => {
    const sampler = ctx.demo.sampler
    const since = ctx.clock.nowMs() - request.windowS * 1000
    return sampler ? { samples: sampler.recent(since), demo: true } : { samples: ctx.recorder.recent(request.windowS), demo: false }
  },
  'demo:start': (ctx) => {
    ctx.demo.start()
    return { ok: true as const }
  },
  'demo:stop': async (ctx) => {
    await ctx.demo.stop()
    return { ok: true as const }
  },
} satisfies Partial<Handlers>
