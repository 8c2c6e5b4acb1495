import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { WattprintError, type ErrorKind } from '../contract/errors.ts'
import type { MessageCode, MessageParams } from '../contract/messages.ts'

/** A request refused before it reaches the API: its HTTP status (413, 415… are HTTP's own) and the domain error. */
export class HttpRefusal extends WattprintError {
  readonly status: number
  readonly headers: Record<string, string>
  constructor(status: number, kind: ErrorKind, code: MessageCode, params: MessageParams = {}, headers: Record<string, string> = {}) {
    super(kind, code, params)
    this.status = status
    this.headers = headers
  }
}

/** The one Host header a request may carry, naming the loopback address and this port (no DNS rebinding). */
export function checkHost(req: IncomingMessage, port: number): string {
  const hosts = headerValues(req, 'host')
  const ours = [`127.0.0.1:${port}`, `localhost:${port}`]
  if (hosts.length > 1) throw new HttpRefusal(403, 'unauthorized', 'http.two-hosts')
  if (hosts.length === 0 || !ours.includes(hosts[0] ?? '')) throw new HttpRefusal(403, 'unauthorized', 'http.wrong-host', { port })
  return hosts[0] ?? ''
}

/** An API call's body must be JSON: a plain HTML form on another page cannot send that. */
export function requireJson(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json') throw new HttpRefusal(415, 'bad-input', 'http.not-json')
}

/** The body parsed as JSON (empty: `{}`), within `limit` bytes. */
export async function readJsonBody(req: IncomingMessage, limit: number, channel: string): Promise<unknown> {
  const body = await readBody(req, limit)
  if (body === null) throw new HttpRefusal(413, 'bad-input', 'http.too-large', { limit, channel: channel.slice(0, 60) }, { Connection: 'close' })
  try {
    return body.length === 0 ? {} : JSON.parse(body)
  } catch {
    throw new HttpRefusal(400, 'bad-input', 'http.bad-json')
  }
}

/** Every value a header was sent with, however many times (Node keeps only the first Host). */
export function headerValues(req: IncomingMessage, name: string): string[] {
  const values: string[] = []
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === name) values.push(req.rawHeaders[i + 1] ?? '')
  }
  return values
}

/** The request target, or a 400 when it is not a URL. */
export function parseUrl(raw: string, host: string): URL {
  try {
    return new URL(raw, `http://${host}`)
  } catch {
    throw new HttpRefusal(400, 'bad-input', 'http.bad-url')
  }
}

/** The path with its percent-encoding undone, or a 400 when the encoding is bad. */
export function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname)
  } catch {
    throw new HttpRefusal(400, 'bad-input', 'http.bad-encoding')
  }
}

/** Exact methods per path: anything else is a 405 with an Allow header. */
export function onlyMethods(req: IncomingMessage, allowed: readonly string[]): void {
  if (!allowed.includes(req.method ?? '')) {
    throw new HttpRefusal(
      405,
      'bad-input',
      'http.method',
      { method: (req.method ?? '?').slice(0, 20), allowed: allowed.join(' or ') },
      { Allow: allowed.join(', ') },
    )
  }
}

/**
 * A browser says where a request comes from; anything but this host's own page (or the user
 * typing the address: `none`) is another site, and is refused whatever else it carries.
 */
export function refuseCrossSite(req: IncomingMessage, port: number): void {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new HttpRefusal(403, 'unauthorized', 'http.cross-site', { header: 'Sec-Fetch-Site', value: String(site).slice(0, 20) })
  }
  const origins = headerValues(req, 'origin')
  if (origins.length > 1 || (origins.length === 1 && origins[0] !== `http://127.0.0.1:${port}` && origins[0] !== `http://localhost:${port}`)) {
    throw new HttpRefusal(403, 'unauthorized', 'http.cross-site', { header: 'Origin', value: (origins[0] ?? '').slice(0, 60) })
  }
}

/** The token of an `Authorization: Bearer` header (the only way the API takes it). */
export function bearerOf(req: IncomingMessage): string | null {
  return /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(req.headers.authorization ?? '')?.[1] ?? null
}

/** Constant-time comparison of a secret. */
export function keyMatches(candidate: string | null | undefined, key: string): boolean {
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

/** A cookie's value by name. */
export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return null
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}

export function sendError(res: ServerResponse, status: number, error: WattprintError, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    res.end()
    return
  }
  sendJson(res, status, error.toBody(), headers)
}
