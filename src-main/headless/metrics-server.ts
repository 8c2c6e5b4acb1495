import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import { asWattprintError } from '../api/dispatch.ts'
import type { AppContext } from '../api/context.ts'
import { collectMetrics } from '../api/metrics.ts'
import { HTTP_STATUS_OF, WattprintError } from '../contract/errors.ts'
import { expositionText } from '../core/prometheus-exposition.ts'
import { bearerOf, checkHost, decodePath, HttpRefusal, keyMatches, onlyMethods, parseUrl, refuseCrossSite, sendError } from './http-guard.ts'

/** The metrics port when none is given (the host's 8787 plus a thousand). */
export const DEFAULT_METRICS_PORT = 9787
/** Shortest token accepted for a metrics endpoint off loopback, characters. */
export const MIN_METRICS_TOKEN_CHARS = 16

export interface MetricsServerOptions {
  context: AppContext
  /** 0 picks a free port. */
  port: number
  /** 127.0.0.1 by default; any other address needs `token`. */
  bind?: string
  /** Scrapers send it as `Authorization: Bearer`; required off loopback. */
  token?: string | null
}

export interface MetricsServer {
  url: string
  port: number
  bind: string
  close(): Promise<void>
}

// IPv4 loopback only: the Host check names 127.0.0.1 or localhost.
const LOOPBACK = new Set(['127.0.0.1'])

/** Why these options cannot serve metrics (an address off loopback without a long enough token), or null. */
export function metricsOptionsProblem(
  bind: string,
  token: string | null | undefined,
): { code: 'metrics.bad-bind' | 'metrics.needs-token' | 'metrics.bad-token'; bind: string } | null {
  if (isIP(bind) === 0) return { code: 'metrics.bad-bind', bind }
  // The characters a Bearer token may have here (bearerOf), so a token given is one a scraper can send.
  if (token && !/^[A-Za-z0-9_-]{16,200}$/.test(token)) return { code: 'metrics.bad-token', bind }
  if (!LOOPBACK.has(bind) && (!token || token.length < MIN_METRICS_TOKEN_CHARS)) return { code: 'metrics.needs-token', bind }
  return null
}

/**
 * `/metrics` in the Prometheus text format, and nothing else, on its own port: read-only (GET,
 * HEAD), no cookie, no API. On loopback it answers local scrapers without a token (as
 * node_exporter does) but keeps the host's checks (one Host header naming the loopback address
 * and port, against DNS rebinding; no cross-site request). Off loopback a Bearer token is required.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const bind = options.bind ?? '127.0.0.1'
  const problem = metricsOptionsProblem(bind, options.token)
  if (problem) throw new WattprintError('bad-input', problem.code, { bind: problem.bind, min: MIN_METRICS_TOKEN_CHARS }, { field: 'metrics-bind' })
  const loopback = LOOPBACK.has(bind)
  const token = options.token ?? null
  let port = options.port

  function handle(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    const host = loopback ? checkHost(req, port) : (req.headers.host ?? bind)
    const url = parseUrl(req.url ?? '/', host)
    refuseCrossSite(req, port)
    if (token !== null && !keyMatches(bearerOf(req), token)) throw new HttpRefusal(401, 'unauthorized', 'http.no-token', {}, { 'WWW-Authenticate': 'Bearer' })
    if (decodePath(url.pathname) !== '/metrics') throw new HttpRefusal(404, 'not-found', 'http.no-such-path')
    onlyMethods(req, ['GET', 'HEAD'])
    const body = expositionText(collectMetrics(options.context))
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' })
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  const server = createServer({ requireHostHeader: false }, (req, res) => {
    try {
      handle(req, res)
    } catch (error) {
      if (error instanceof HttpRefusal) sendError(res, error.status, error, error.headers)
      else {
        const domain = asWattprintError(error)
        sendError(res, HTTP_STATUS_OF[domain.kind], domain)
      }
    }
  })
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port, bind, () => resolvePromise())
  })
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : options.port
  const hostPart = bind.includes(':') ? `[${bind}]` : bind
  return {
    url: `http://${hostPart}:${port}/metrics`,
    port,
    bind,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()))
      server.closeAllConnections()
      await closed
    },
  }
}
