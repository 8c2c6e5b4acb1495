import type { AppContext } from '../api/context.ts'
import { startMetricsServer, type MetricsServer } from '../headless/metrics-server.ts'

/**
 * The desktop app's Prometheus endpoint: on 127.0.0.1 at the port set in Settings (loopback only,
 * so no token; `wattprint serve --metrics-bind` is the way to expose it further), started, moved
 * and stopped as the setting changes. A port in use is logged and the app goes on without it.
 */
export function bindMetricsSetting(context: AppContext, warn: (line: string) => void): () => Promise<void> {
  let server: MetricsServer | null = null
  let chain = Promise.resolve()
  const apply = (port: number | null): void => {
    chain = chain.then(async () => {
      if (server && server.port === port) return
      await server?.close()
      server = null
      if (port === null) return
      try {
        server = await startMetricsServer({ context, port })
      } catch (error) {
        warn(`metrics not served on 127.0.0.1:${port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
      }
    })
  }
  apply(context.settings.get().metricsPort)
  const off = context.settings.onChange((next, before) => {
    if (next.metricsPort !== before.metricsPort) apply(next.metricsPort)
  })
  return async () => {
    off()
    apply(null)
    await chain
  }
}
