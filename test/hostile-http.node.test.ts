import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect } from 'node:net'
import { join } from 'node:path'
import fc from 'fast-check'
import { createContext, type AppContext } from '../src-main/api/context.ts'
import { startHeadlessServer, type HeadlessServer } from '../src-main/headless/server.ts'
import { DEMO_TRACE, REPO_ROOT, tempDir } from './helpers.ts'

// An attacker's and a clumsy client's requests against the real headless host: generated, not
// hand-picked. Other local pages (another port of 127.0.0.1), DNS rebinding, forged or missing
// tokens, form posts, bad encodings, wrong methods, duplicate headers, huge or broken bodies.
// The host must never answer 5xx, and nothing may change state unless the request was the
// page's own (token as a bearer header, same origin, JSON).

let service: AppContext
let server: HeadlessServer
beforeAll(async () => {
  service = createContext({
    dbPath: join(tempDir(), 'hostile.db'),
    host: 'headless',
    version: 'test',
    source: { kind: 'replay', file: DEMO_TRACE, speed: 20, loop: true },
    demoTraceFile: DEMO_TRACE,
    locale: 'en-US',
  })
  service.start()
  server = await startHeadlessServer({ context: service, port: 0, staticDir: join(REPO_ROOT, 'resources', 'icons') })
})
afterAll(async () => {
  await server.close()
  await service.close()
})

interface Attempt {
  method: string
  path: string
  host: 'ours' | 'localhost' | 'evil' | 'ours-twice' | 'missing' | 'other-port'
  auth: 'bearer' | 'wrong-bearer' | 'none' | 'cookie' | 'query' | 'basic'
  origin: 'none' | 'same' | 'other-port' | 'null' | 'evil' | 'two'
  fetchSite: 'none' | 'same-origin' | 'same-site' | 'cross-site' | 'user'
  contentType: 'json' | 'json-charset' | 'text' | 'form' | 'multipart' | 'none'
  body: string
  /** The currency a settings:update in the body would set (to see whether it took effect). */
  marker: string | null
}

const CHANNELS = ['settings:update', 'settings:get', 'demo:start', 'demo:stop', 'app:info', 'telemetry:recent', 'data:import', 'scenario:run']

const pathArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...CHANNELS).map((c) => `/api/invoke/${c}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('/api/events', '/api/', '/api/invoke/', '/api/invoke/__proto__', '/api/invoke/constructor', '/api/invoke/settings%3Aupdate'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/api/invoke/%E0%A4%A',
      '/%',
      '/%zz',
      '/api/%ff%fe',
      '/..%2f..%2fetc%2fpasswd',
      '/../../../etc/passwd',
      '/icon.svg',
      '/',
      '/index.html?x=%',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `/${encodeURI(s)}`) },
)

const bodyArb = (marker: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(JSON.stringify({ currency: marker })) },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.json().map((j) => j) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant(`{"currency":"${'x'.repeat(70_000)}"}`) },
    { weight: 1, arbitrary: fc.constant('{"__proto__":{"polluted":true},"currency":"EUR"}') },
    { weight: 1, arbitrary: fc.constant('currency=XSS') },
  )

const dimensions = {
  method: fc.oneof(
    { weight: 6, arbitrary: fc.constant('POST') },
    { weight: 2, arbitrary: fc.constant('GET') },
    { weight: 2, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'PROPFIND') },
  ),
  path: pathArb,
  host: fc.oneof(
    { weight: 6, arbitrary: fc.constant('ours' as const) },
    { weight: 1, arbitrary: fc.constantFrom('localhost', 'evil', 'ours-twice', 'missing', 'other-port') },
  ),
  auth: fc.oneof(
    { weight: 5, arbitrary: fc.constant('bearer' as const) },
    { weight: 3, arbitrary: fc.constantFrom('wrong-bearer', 'none', 'cookie', 'query', 'basic') },
  ),
  origin: fc.constantFrom('none', 'same', 'other-port', 'null', 'evil', 'two'),
  fetchSite: fc.constantFrom('none', 'same-origin', 'same-site', 'cross-site', 'user'),
  contentType: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('json', 'json-charset') },
    { weight: 3, arbitrary: fc.constantFrom('text', 'form', 'multipart', 'none') },
  ),
} as const
type Dimension = keyof typeof dimensions

/** The page's own settings:update, as the HTTP bridge sends it. */
const legitimate = fc.record({
  method: fc.constant('POST'),
  path: fc.constantFrom('/api/invoke/settings:update', '/api/invoke/settings%3Aupdate'),
  host: fc.constantFrom('ours' as const, 'localhost' as const),
  auth: fc.constant('bearer' as const),
  origin: fc.constantFrom('none' as const, 'same' as const),
  fetchSite: fc.constantFrom('none' as const, 'same-origin' as const, 'user' as const),
  contentType: fc.constantFrom('json' as const, 'json-charset' as const),
})

// Near misses teach most: a legitimate request with one thing wrong. Then wholly random ones.
const shapeArb = fc.oneof(
  { weight: 2, arbitrary: legitimate },
  {
    weight: 5,
    arbitrary: fc
      .tuple(legitimate, fc.constantFrom(...(Object.keys(dimensions) as Dimension[])))
      .chain(([base, dimension]) => (dimensions[dimension] as fc.Arbitrary<unknown>).map((value) => ({ ...base, [dimension]: value }))),
  },
  { weight: 3, arbitrary: fc.record(dimensions) },
)

const attemptArb: fc.Arbitrary<Attempt> = fc
  .tuple(shapeArb, fc.stringMatching(/^[A-Z]{3}$/))
  .chain(([shape, marker]) =>
    bodyArb(marker).map((body) => ({ ...(shape as Omit<Attempt, 'body' | 'marker'>), body, marker: body.includes(`"currency":"${marker}"`) ? marker : null })),
  )

function requestText(a: Attempt, port: number, token: string): string {
  const lines = [`${a.method} ${a.auth === 'query' ? `${a.path}${a.path.includes('?') ? '&' : '?'}token=${token}` : a.path} HTTP/1.1`]
  const ours = `127.0.0.1:${port}`
  const host = { ours, localhost: `localhost:${port}`, evil: `evil.example:${port}`, 'ours-twice': ours, missing: null, 'other-port': `127.0.0.1:${port + 1}` }[
    a.host
  ]
  if (host !== null) lines.push(`Host: ${host}`)
  if (a.host === 'ours-twice') lines.push('Host: evil.example')
  if (a.auth === 'bearer') lines.push(`Authorization: Bearer ${token}`)
  if (a.auth === 'wrong-bearer') lines.push(`Authorization: Bearer ${token.slice(0, -2)}xx`)
  if (a.auth === 'basic') lines.push(`Authorization: Basic ${Buffer.from(`user:${token}`).toString('base64')}`)
  if (a.auth === 'cookie') lines.push(`Cookie: wattprint_token=${token}; wattprint_page_${port}=${token}`)
  const origin = {
    none: null,
    same: `http://${ours}`,
    'other-port': 'http://127.0.0.1:3000',
    null: 'null',
    evil: 'https://evil.example',
    two: `http://${ours}`,
  }[a.origin]
  if (origin !== null) lines.push(`Origin: ${origin}`)
  if (a.origin === 'two') lines.push('Origin: http://127.0.0.1:3000')
  if (a.fetchSite !== 'none') lines.push(`Sec-Fetch-Site: ${a.fetchSite === 'user' ? 'none' : a.fetchSite}`)
  const type = {
    json: 'application/json',
    'json-charset': 'application/json; charset=utf-8',
    text: 'text/plain',
    form: 'application/x-www-form-urlencoded',
    multipart: 'multipart/form-data; boundary=x',
    none: null,
  }[a.contentType]
  if (type !== null) lines.push(`Content-Type: ${type}`)
  const body = Buffer.from(a.body)
  if (a.method !== 'GET' && a.method !== 'HEAD') lines.push(`Content-Length: ${body.length}`)
  lines.push('Connection: close', '', '')
  return lines.join('\r\n') + (a.method !== 'GET' && a.method !== 'HEAD' ? a.body : '')
}

/** Whether the host should carry out a settings:update: only the page's own, well-formed request. */
function legitimateUpdate(a: Attempt): boolean {
  return (
    a.method === 'POST' &&
    decodes(a.path) === '/api/invoke/settings:update' &&
    (a.host === 'ours' || a.host === 'localhost') &&
    a.auth === 'bearer' &&
    (a.origin === 'none' || a.origin === 'same') &&
    (a.fetchSite === 'none' || a.fetchSite === 'same-origin' || a.fetchSite === 'user') &&
    (a.contentType === 'json' || a.contentType === 'json-charset') &&
    a.marker !== null
  )
}

function decodes(path: string): string | null {
  try {
    return decodeURIComponent(path)
  } catch {
    return null
  }
}

function send(port: number, text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // Sent without a half-close (as browsers do); `Connection: close` ends the exchange.
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1')
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0),
        body: /^HTTP\/1\.1 (\d{3})/.test(raw) ? raw.split('\r\n\r\n').slice(1).join('\r\n\r\n') : raw,
      })
    })
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({ status: -1, body: '' }) : reject(e)))
    // An event stream answered 200 stays open (and busy): hang up once its headers are in, or after 2 s.
    socket.on('data', () => {
      if (/^HTTP\/1\.1 200[^]*text\/event-stream[^]*\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) socket.destroy()
    })
    setTimeout(() => socket.destroy(), 2000).unref()
  })
}

async function currency(): Promise<string> {
  return service.settings.get().currency
}

describe('hostile requests against the headless host (generated)', () => {
  it('≥ 1,000 requests: no 5xx, and nothing changes unless the page itself asked', async () => {
    const tally = { requests: 0, serverErrors: 0, wronglyAccepted: 0, refused: 0, carriedOut: 0, reset: 0 }
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(attemptArb, async (attempt) => {
        const before = await currency()
        const result = await send(server.port, requestText(attempt, server.port, server.token))
        const after = await currency()
        tally.requests++
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1)
        if (result.status >= 500) tally.serverErrors++
        if (result.status === -1) tally.reset++
        const changed = after !== before
        const legit = legitimateUpdate(attempt)
        if (changed && !legit) tally.wronglyAccepted++
        if (legit && attempt.marker !== before) tally.carriedOut++
        if (result.status >= 400 && result.status < 500) tally.refused++
        expect(result.status, `${attempt.method} ${attempt.path} → ${result.status} ${result.body.slice(0, 200)}`).toBeLessThan(500)
        expect(changed && !legit, `changed by ${JSON.stringify({ ...attempt, body: attempt.body.slice(0, 80) })}`).toBe(false)
        if (legit) expect(after).toBe(attempt.marker)
        // Every refusal says why, as JSON with a code.
        if (result.status >= 400 && attempt.method !== 'HEAD')
          expect(JSON.parse(result.body.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '')) as unknown).toMatchObject({ error: { code: expect.any(String) } })
      }),
      { numRuns: 3000 },
    )
    console.log(`hostile requests: ${JSON.stringify(tally)}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`)
    expect(tally.requests).toBeGreaterThanOrEqual(1000)
    expect(tally.serverErrors).toBe(0)
    expect(tally.wronglyAccepted).toBe(0)
    expect(tally.carriedOut).toBeGreaterThan(10)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  }, 300_000)
})
