import { badInput, WattprintError } from '../../contract/errors.ts'
import { InferenceError, inferenceClient } from '../../telemetry/inference/clients.ts'
import { checkServerUrl } from '../../telemetry/inference/loopback.ts'
import type { Handlers } from '../handler.ts'

export const modelsHandlers = {
  'models:measure': (ctx, request) => ctx.measure.measure(request, (p) => ctx.bus.emit('models:progress', p)),
  'models:list': (ctx) => ({
    measurements: ctx.models.list(),
    published: ctx.dataPacks.pack().inference.filter((f) => f.per === 'query' || f.per === 'response'),
  }),
  'models:available': async (_ctx, request) => {
    const checked = checkServerUrl(request.url, { allowRemote: request.allowRemote })
    if (!checked.ok) throw badInput(`measure.url-${checked.reason}`, { url: request.url }, 'url')
    try {
      return { models: await inferenceClient(request.server, checked.url, { timeoutMs: 5000 }).listModels() }
    } catch (error) {
      if (error instanceof InferenceError) throw new WattprintError('failure', 'measure.server-unreachable', { url: request.url }, { raw: error.detail })
      throw error
    }
  },
  'models:local': (ctx, request) => ({ servers: ctx.inferenceWatch.servers(), tally: ctx.models.tally(request.sinceMs, request.untilMs) }),
  'idle:learn': (ctx) => ({ idle: ctx.idle.learn() }),
} satisfies Partial<Handlers>
