import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { ApiError, dispatch } from '../api/index.ts'
import type { WattprintService } from '../api/service.ts'
import type { ApiErrorBody } from '../contract/api.ts'
import { CONTENT_SECURITY_POLICY } from './csp.ts'

export interface HeadlessServerOptions {
  service: WattprintService
  /** 0 picks a free port. */
  port: number
  /** Built renderer (index.html and assets); null serves the API only. */
  staticDir: string | null
  token?: string
}

export interface HeadlessServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const MAX_BODY_BYTES = 64 * 1024
const COOKIE = 'wattprint_token'
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

/**
 * Serves the renderer and the API contract over HTTP + Server-Sent Events on 127.0.0.1 only.
 * Every request needs the per-run token (bearer header, the cookie set when the printed URL is
 * opened, or `?token=`); the Host header must name the loopback address (no DNS rebinding).
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const tokenBytes = Buffer.from(token)
  let port = options.port
  const sseClients = new Set<ServerResponse>()

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const candidates = [
      url.searchParams.get('token'),
      /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1],
      cookieValue(req.headers.cookie, COOKIE),
    ]
    return candidates.some((c) => {
      if (!c) return false
      const bytes = Buffer.from(c)
      return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes)
    })
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'internal', error instanceof Error ? error.message : String(error))
      else res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    const host = req.headers.host ?? ''
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      sendError(res, 403, 'unauthorized', `requests must be addressed to 127.0.0.1:${port}`)
      return
    }
    const url = new URL(req.url ?? '/', `http://${host}`)
    if (!authorized(req, url)) {
      sendError(res, 401, 'unauthorized', 'missing or wrong token: open the URL that `wattprint serve` printed')
      return
    }
    if (url.searchParams.has('token')) {
      res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
    }
    if (url.pathname.startsWith('/api/invoke/')) {
      await handleInvoke(req, res, decodeURIComponent(url.pathname.slice('/api/invoke/'.length)))
      return
    }
    if (url.pathname === '/api/events') {
      handleEvents(req, res)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'bad-request', `${req.method ?? '?'} is not allowed here`)
      return
    }
    await serveStatic(res, url.pathname)
  }

  async function handleInvoke(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, 405, 'bad-request', 'use POST with a JSON body')
      return
    }
    const body = await readBody(req)
    if (body === null) {
      sendError(res, 413, 'bad-request', `request body larger than ${MAX_BODY_BYTES} bytes`)
      return
    }
    let request: unknown
    try {
      request = body.length === 0 ? {} : JSON.parse(body)
    } catch {
      sendError(res, 400, 'bad-request', 'request body is not valid JSON')
      return
    }
    try {
      const result = await dispatch(options.service, channel, request)
      sendJson(res, 200, { result })
    } catch (error) {
      if (error instanceof ApiError) sendError(res, error.code === 'not-found' ? 404 : 400, error.code === 'internal' ? 'internal' : error.code, error.message)
      else sendError(res, 500, 'internal', error instanceof Error ? error.message : String(error))
    }
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    })
    res.write(': connected\n\n')
    sseClients.add(res)
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
    req.on('close', () => {
      clearInterval(heartbeat)
      sseClients.delete(res)
    })
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    if (!options.staticDir) {
      sendError(res, 404, 'not-found', 'this host serves the API only (the renderer was not built: run `npm run build:renderer`)')
      return
    }
    const root = resolve(options.staticDir)
    const relative = pathname === '/' ? 'index.html' : normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '')
    const file = resolve(join(root, relative))
    if (file !== root && !file.startsWith(root + sep)) {
      sendError(res, 404, 'not-found', 'not found')
      return
    }
    try {
      const content = await readFile(file)
      res.writeHead(200, {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'Cache-Control': 'no-store',
      })
      res.end(content)
    } catch {
      if (relative === 'index.html') {
        sendError(res, 404, 'not-found', `the renderer is not built (${file} is missing): run \`npm run build:renderer\``)
      } else sendError(res, 404, 'not-found', 'not found')
    }
  }

  const unsubscribe = options.service.onPush((channel, payload) => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const client of sseClients) client.write(frame)
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
    close: async () => {
      unsubscribe()
      for (const client of sseClients) client.end()
      const closed = new Promise<void>((r) => server.close(() => r()))
      // Browsers keep idle connections open; they must not hold the shutdown.
      server.closeAllConnections()
      await closed
    },
  }
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooBig = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) tooBig = true
      else chunks.push(chunk)
    })
    req.on('end', () => resolvePromise(tooBig ? null : Buffer.concat(chunks).toString('utf8')))
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
}

function sendError(res: ServerResponse, status: number, code: ApiErrorBody['error']['code'], message: string): void {
  sendJson(res, status, { error: { code, message } } satisfies ApiErrorBody)
}
