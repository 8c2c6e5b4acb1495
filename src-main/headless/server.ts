import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import { asWattprintError, dispatch } from '../api/dispatch.ts'
import type { AppContext } from '../api/context.ts'
import { maxRequestBytesOf, type ResponseOf } from '../contract/channels.ts'
import { HTTP_STATUS_OF, WattprintError } from '../contract/errors.ts'
import { EventClients } from './event-clients.ts'
import {
  bearerOf,
  checkHost,
  cookieValue,
  decodePath,
  HttpRefusal,
  keyMatches,
  onlyMethods,
  parseUrl,
  readJsonBody,
  refuseCrossSite,
  requireJson,
  sendError,
  sendJson,
} from './http-guard.ts'
import { serveStatic } from './static-files.ts'
import type { LogLines } from '../logging/file-log.ts'
import { logImport } from '../logging/session.ts'

export interface HeadlessServerOptions {
  context: AppContext
  /** 0 picks a free port. */
  port: number
  /** Built renderer (index.html and assets); null serves the API only. */
  staticDir: string | null
  token?: string
  /** Bytes an event-stream client may leave unread before it is dropped (default 1 MiB). */
  maxUnreadEventBytes?: number
  /** Where imports are logged (the host's log). */
  log?: LogLines
}

export interface HeadlessServer {
  url: string
  port: number
  token: string
  /** Event-stream clients connected now (slow ones are dropped). */
  eventClients(): number
  close(): Promise<void>
}

/**
 * Serves the renderer and the API contract over HTTP + Server-Sent Events on 127.0.0.1 only.
 *
 * - The API needs the per-run token as `Authorization: Bearer`; the page keeps it in memory
 *   (sessionStorage, which is per origin, so per port). It never travels in a cookie: cookies are
 *   shared by every port of 127.0.0.1, so any other local server would receive it.
 * - Opening the printed URL (`/?token=`) sets a page cookie named after this port, holding a
 *   separate random key that only unlocks the static renderer files, never the API.
 * - Cross-site requests are refused: an `Origin` or `Sec-Fetch-Site` that is not this host's own,
 *   and any API call whose Content-Type is not application/json (a plain HTML form cannot send it).
 * - One Host header, naming the loopback address and this port (no DNS rebinding); exact methods
 *   per path; bad percent-encoding is a 400; body limits per channel; slow event-stream clients
 *   are dropped instead of buffering without bound. (The checks are in http-guard.ts.)
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const pageKey = randomBytes(24).toString('base64url')
  const events = new EventClients(options.maxUnreadEventBytes ?? 1024 * 1024)
  let port = options.port
  const pageCookie = (): string => `wattprint_page_${port}`

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    const url = parseUrl(req.url ?? '/', checkHost(req, port))
    const pathname = decodePath(url.pathname)
    if (pathname.startsWith('/api/')) {
      refuseCrossSite(req, port)
      if (!keyMatches(bearerOf(req), token)) throw new HttpRefusal(401, 'unauthorized', 'http.no-token')
      if (pathname.startsWith('/api/invoke/')) {
        onlyMethods(req, ['POST'])
        requireJson(req)
        const channel = pathname.slice('/api/invoke/'.length)
        const request = await readJsonBody(req, maxRequestBytesOf(channel), channel)
        const result = await dispatch(options.context, channel, request)
        if (channel === 'history:import' && options.log) logImport(options.log, result as ResponseOf<'history:import'>)
        sendJson(res, 200, { result })
        return
      }
      if (pathname !== '/api/events') throw new HttpRefusal(404, 'not-found', 'http.no-such-path')
      onlyMethods(req, ['GET'])
      events.add(res)
      return
    }
    onlyMethods(req, ['GET', 'HEAD'])
    const viaUrl = keyMatches(url.searchParams.get('token'), token)
    if (!viaUrl && !keyMatches(cookieValue(req.headers.cookie, pageCookie()), pageKey)) throw new HttpRefusal(401, 'unauthorized', 'http.no-token')
    if (viaUrl) res.setHeader('Set-Cookie', `${pageCookie()}=${pageKey}; HttpOnly; SameSite=Strict; Path=/`)
    await serveStatic(res, options.staticDir, pathname)
  }

  // Host is checked by the handler, which answers a missing one with a reason like every refusal.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpRefusal) sendError(res, error.status, error, error.headers)
      else {
        const domain = asWattprintError(error)
        sendError(res, HTTP_STATUS_OF[domain.kind], domain)
      }
    })
  })

  const unsubscribe = options.context.bus.on((channel, payload) => events.broadcast(channel, payload))

  // CONNECT asks for a tunnel: refused like any other wrong method. Such sockets leave the HTTP
  // server's bookkeeping, so they are tracked here to be closed on shutdown.
  const tunnels = new Set<Duplex>()
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    tunnels.add(socket)
    socket.on('close', () => tunnels.delete(socket))
    socket.on('error', () => socket.destroy())
    const body = JSON.stringify(new WattprintError('bad-input', 'http.method', { method: 'CONNECT', allowed: 'GET, POST' }).toBody())
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolvePromise())
  })
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : options.port

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    eventClients: () => events.size,
    close: async () => {
      unsubscribe()
      events.closeAll()
      const closed = new Promise<void>((r) => server.close(() => r()))
      // Browsers keep idle connections open; they must not hold the shutdown.
      server.closeAllConnections()
      for (const socket of tunnels) socket.destroy()
      await closed
    },
  }
}
