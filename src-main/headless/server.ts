import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import { ApiError, dispatch } from '../api/index.ts'
import type { WattprintService } from '../api/service.ts'
import type { ApiErrorBody } from '../contract/api.ts'
import { maxRequestBytesOf } from '../contract/channels.ts'
import { CONTENT_SECURITY_POLICY } from './csp.ts'

export interface HeadlessServerOptions {
  service: WattprintService
  /** 0 picks a free port. */
  port: number
  /** Built renderer (index.html and assets); null serves the API only. */
  staticDir: string | null
  token?: string
  /** Bytes an event-stream client may leave unread before it is dropped (default 1 MiB). */
  maxUnreadEventBytes?: number
}

export interface HeadlessServer {
  url: string
  port: number
  token: string
  /** Event-stream clients connected now (slow ones are dropped). */
  eventClients(): number
  close(): Promise<void>
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

type ErrorCode = ApiErrorBody['error']['code']

class HttpRefusal extends Error {
  readonly status: number
  readonly code: ErrorCode
  readonly headers: Record<string, string>
  constructor(status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.code = code
    this.headers = headers
  }
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
 *   are dropped instead of buffering without bound.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const pageKey = randomBytes(24).toString('base64url')
  const maxUnread = options.maxUnreadEventBytes ?? 1024 * 1024
  let port = options.port
  const sseClients = new Set<ServerResponse>()
  const pageCookie = (): string => `wattprint_page_${port}`

  // Host is checked by the handler, which answers a missing one with a reason like every refusal.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpRefusal) sendError(res, error.status, error.code, error.message, error.headers)
      else if (!res.headersSent) sendError(res, 500, 'internal', error instanceof Error ? error.message : String(error))
      else res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    const hosts = headerValues(req, 'host')
    const ours = [`127.0.0.1:${port}`, `localhost:${port}`]
    if (hosts.length !== 1 || !ours.includes(hosts[0] ?? '')) {
      throw new HttpRefusal(403, 'unauthorized', hosts.length > 1 ? 'more than one Host header' : `requests must be addressed to 127.0.0.1:${port}`)
    }
    const url = parseUrl(req.url ?? '/', hosts[0] ?? '')
    const pathname = decodePath(url.pathname)
    if (pathname.startsWith('/api/')) {
      refuseCrossSite(req, port)
      if (!hasToken(bearerOf(req))) {
        throw new HttpRefusal(401, 'unauthorized', 'missing or wrong token: open the URL that `wattprint serve` printed')
      }
      if (pathname.startsWith('/api/invoke/')) return handleInvoke(req, res, pathname.slice('/api/invoke/'.length))
      if (pathname === '/api/events') return handleEvents(req, res)
      throw new HttpRefusal(404, 'not-found', 'no such API path')
    }
    onlyMethods(req, ['GET', 'HEAD'])
    const viaUrl = hasToken(url.searchParams.get('token'))
    if (!viaUrl && !keyMatches(cookieValue(req.headers.cookie, pageCookie()), pageKey)) {
      throw new HttpRefusal(401, 'unauthorized', 'missing or wrong token: open the URL that `wattprint serve` printed')
    }
    if (viaUrl) res.setHeader('Set-Cookie', `${pageCookie()}=${pageKey}; HttpOnly; SameSite=Strict; Path=/`)
    await serveStatic(res, pathname)
  }

  const hasToken = (candidate: string | null | undefined): boolean => keyMatches(candidate, token)

  async function handleInvoke(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    onlyMethods(req, ['POST'])
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json') {
      throw new HttpRefusal(415, 'bad-request', 'send the request as Content-Type: application/json')
    }
    const limit = maxRequestBytesOf(channel)
    const body = await readBody(req, limit)
    if (body === null) throw new HttpRefusal(413, 'bad-request', `request body larger than ${limit} bytes for ${channel.slice(0, 60)}`, { Connection: 'close' })
    let request: unknown
    try {
      request = body.length === 0 ? {} : JSON.parse(body)
    } catch {
      throw new HttpRefusal(400, 'bad-request', 'request body is not valid JSON')
    }
    try {
      const result = await dispatch(options.service, channel, request)
      sendJson(res, 200, { result })
    } catch (error) {
      if (error instanceof ApiError) sendError(res, error.code === 'not-found' ? 404 : error.code === 'internal' ? 500 : 400, error.code, error.message)
      else sendError(res, 500, 'internal', error instanceof Error ? error.message : String(error))
    }
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    onlyMethods(req, ['GET'])
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    })
    res.write(': connected\n\n')
    sseClients.add(res)
    const heartbeat = setInterval(() => send(res, ': keep-alive\n\n'), 15_000)
    heartbeat.unref()
    res.on('close', () => {
      clearInterval(heartbeat)
      sseClients.delete(res)
    })
  }

  /** Writes a frame, or drops a client that has left too much unread (it reconnects and reloads). */
  function send(client: ServerResponse, frame: string): void {
    if (client.writableLength > maxUnread) {
      sseClients.delete(client)
      client.destroy()
      return
    }
    client.write(frame)
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    if (!options.staticDir) {
      throw new HttpRefusal(404, 'not-found', 'this host serves the API only (the renderer was not built: run `npm run build:renderer`)')
    }
    const root = resolve(options.staticDir)
    const relative = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '')
    const file = resolve(join(root, relative))
    if (file !== root && !file.startsWith(root + sep)) throw new HttpRefusal(404, 'not-found', 'not found')
    let content: Buffer
    try {
      content = await readFile(file)
    } catch {
      if (relative === 'index.html') throw new HttpRefusal(404, 'not-found', `the renderer is not built (${file} is missing): run \`npm run build:renderer\``)
      throw new HttpRefusal(404, 'not-found', 'not found')
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': 'no-store',
    })
    res.end(content)
  }

  const unsubscribe = options.service.onPush((channel, payload) => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const client of sseClients) send(client, frame)
  })

  // CONNECT asks for a tunnel: refused like any other wrong method. Such sockets leave the HTTP
  // server's bookkeeping, so they are tracked here to be closed on shutdown.
  const tunnels = new Set<Duplex>()
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    tunnels.add(socket)
    socket.on('close', () => tunnels.delete(socket))
    socket.on('error', () => socket.destroy())
    const body = JSON.stringify({ error: { code: 'bad-request', message: 'CONNECT is not allowed here' } } satisfies ApiErrorBody)
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
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
    eventClients: () => sseClients.size,
    close: async () => {
      unsubscribe()
      for (const client of sseClients) client.end()
      const closed = new Promise<void>((r) => server.close(() => r()))
      // Browsers keep idle connections open; they must not hold the shutdown.
      server.closeAllConnections()
      for (const socket of tunnels) socket.destroy()
      await closed
    },
  }
}

/** Every value a header was sent with, however many times (Node keeps only the first Host). */
function headerValues(req: IncomingMessage, name: string): string[] {
  const values: string[] = []
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === name) values.push(req.rawHeaders[i + 1] ?? '')
  }
  return values
}

function parseUrl(raw: string, host: string): URL {
  try {
    return new URL(raw, `http://${host}`)
  } catch {
    throw new HttpRefusal(400, 'bad-request', 'the request target is not a valid URL')
  }
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname)
  } catch {
    throw new HttpRefusal(400, 'bad-request', 'the path has bad percent-encoding')
  }
}

function onlyMethods(req: IncomingMessage, allowed: readonly string[]): void {
  if (!allowed.includes(req.method ?? '')) {
    throw new HttpRefusal(405, 'bad-request', `${(req.method ?? '?').slice(0, 20)} is not allowed here (use ${allowed.join(' or ')})`, { Allow: allowed.join(', ') })
  }
}

/**
 * A browser says where a request comes from; anything but this host's own page (or the user
 * typing the address: `none`) is another site, and is refused whatever else it carries.
 */
function refuseCrossSite(req: IncomingMessage, port: number): void {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new HttpRefusal(403, 'unauthorized', `cross-site request refused (Sec-Fetch-Site: ${String(site).slice(0, 20)})`)
  }
  const origins = headerValues(req, 'origin')
  if (origins.length > 1 || (origins.length === 1 && origins[0] !== `http://127.0.0.1:${port}` && origins[0] !== `http://localhost:${port}`)) {
    throw new HttpRefusal(403, 'unauthorized', `cross-site request refused (Origin: ${(origins[0] ?? '').slice(0, 60)})`)
  }
}

function bearerOf(req: IncomingMessage): string | null {
  return /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(req.headers.authorization ?? '')?.[1] ?? null
}

function keyMatches(candidate: string | null | undefined, key: string): boolean {
  if (!candidate) return false
  const a = Buffer.from(candidate)
  const b = Buffer.from(key)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The body as text, or null past `limit` bytes (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
      // A client that keeps sending far past the limit is cut off.
      else if (size > limit * 4 + 1024 * 1024) req.destroy()
    })
    req.on('end', () => resolvePromise(size > limit ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('close', () => resolvePromise(size > limit ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return null
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    res.end()
    return
  }
  sendJson(res, status, { error: { code, message } } satisfies ApiErrorBody, headers)
}
