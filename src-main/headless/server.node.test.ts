import { afterEach, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import { connect } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEMO_TRACE, REPO_ROOT, tempDir, waitFor } from '../../test/helpers.ts'
import { createContext, type AppContext } from '../api/context.ts'
import { startHeadlessServer, type HeadlessServer } from './server.ts'

const running: { service: AppContext; server: HeadlessServer }[] = []
afterEach(async () => {
  for (const { service, server } of running.splice(0)) {
    await server.close()
    await service.close()
  }
})

async function start(): Promise<HeadlessServer> {
  const service = createContext({
    dbPath: join(tempDir(), 'server.db'),
    host: 'headless',
    version: 'test',
    source: { kind: 'replay', file: DEMO_TRACE, speed: 20, loop: true },
    demoTraceFile: DEMO_TRACE,
    locale: 'en-US',
  })
  service.start()
  const server = await startHeadlessServer({ context: service, port: 0, staticDir: null })
  running.push({ service, server })
  return server
}

/** A raw HTTP request, so the Host header and the body can be anything. */
function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

describe('headless host', () => {
  it('listens on 127.0.0.1 only and prints a URL with a long random token', async () => {
    const s = await start()
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/)
    const other = await start().catch(() => null)
    expect(other?.token).not.toBe(s.token)
  })

  it('answers 401 without the token, or with a wrong one', async () => {
    const s = await start()
    const host = `127.0.0.1:${s.port}`
    const json = { host, 'content-type': 'application/json' }
    expect((await raw(s.port, { path: '/', headers: { host } })).status).toBe(401)
    expect((await raw(s.port, { method: 'POST', path: '/api/invoke/telemetry:status', headers: json })).status).toBe(401)
    expect((await raw(s.port, { method: 'POST', path: '/api/invoke/telemetry:status', headers: { ...json, authorization: 'Bearer nope' } })).status).toBe(401)
    // The token in a cookie or the query string opens nothing in the API: only the bearer header does.
    expect((await raw(s.port, { path: '/api/events', headers: { host, cookie: `wattprint_token=${s.token}` } })).status).toBe(401)
    expect((await raw(s.port, { method: 'POST', path: `/api/invoke/settings:get?token=${s.token}`, headers: json, body: '{}' })).status).toBe(401)
  })

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const s = await start()
    const res = await raw(s.port, { path: `/?token=${s.token}`, headers: { host: `evil.example:${s.port}` } })
    expect(res.status).toBe(403)
  })

  it('serves the contract with the token and names bad fields', async () => {
    const s = await start()
    const headers = { host: `127.0.0.1:${s.port}`, authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }
    const ok = await raw(s.port, { method: 'POST', path: '/api/invoke/app:info', headers, body: '{}' })
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body)).toMatchObject({ result: { host: 'headless', version: 'test' } })
    const bad = await raw(s.port, { method: 'POST', path: '/api/invoke/telemetry:recent', headers, body: '{"windowS": -5}' })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error.message).toMatch(/field "windowS"/)
    expect((await raw(s.port, { method: 'POST', path: '/api/invoke/telemetry:recent', headers, body: '{not json' })).status).toBe(400)
    expect((await raw(s.port, { method: 'POST', path: '/api/invoke/shell:exec', headers, body: '{}' })).status).toBe(404)
    expect((await raw(s.port, { method: 'POST', path: '/api/invoke/app:info', headers, body: 'x'.repeat(70_000) })).status).toBe(413)
    expect((await raw(s.port, { method: 'GET', path: '/api/invoke/app:info', headers })).status).toBe(405)
  })

  it('the printed URL sets a page cookie named after the port that holds a page key, never the token', async () => {
    const s = await start()
    const res = await raw(s.port, { path: `/?token=${s.token}`, headers: { host: `127.0.0.1:${s.port}` } })
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(new RegExp(`^wattprint_page_${s.port}=[A-Za-z0-9_-]{32}; HttpOnly; SameSite=Strict; Path=/$`))
    expect(cookie).not.toContain(s.token)
    // The page key does not open the API.
    const key = /=([^;]+);/.exec(cookie)?.[1] ?? ''
    const api = await raw(s.port, {
      method: 'POST',
      path: '/api/invoke/settings:get',
      headers: { host: `127.0.0.1:${s.port}`, 'content-type': 'application/json', authorization: `Bearer ${key}`, cookie: `wattprint_page_${s.port}=${key}` },
      body: '{}',
    })
    expect(api.status).toBe(401)
  })

  it('refuses cross-site requests even with the token: foreign Origin, Sec-Fetch-Site, or a form content type', async () => {
    const s = await start()
    const headers = { host: `127.0.0.1:${s.port}`, authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }
    const patch = JSON.stringify({ pricePerKWh: 9 })
    const post = (extra: Record<string, string>): Promise<{ status: number }> =>
      raw(s.port, { method: 'POST', path: '/api/invoke/settings:update', headers: { ...headers, ...extra }, body: patch })
    expect((await post({ origin: 'http://127.0.0.1:3000' })).status).toBe(403)
    expect((await post({ origin: 'null' })).status).toBe(403)
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await post({ 'sec-fetch-site': 'same-site' })).status).toBe(403)
    expect((await post({ 'content-type': 'text/plain' })).status).toBe(415)
    expect((await post({ 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415)
    const settings = JSON.parse((await raw(s.port, { method: 'POST', path: '/api/invoke/settings:get', headers, body: '{}' })).body) as {
      result: { pricePerKWh: number | null }
    }
    expect(settings.result.pricePerKWh).toBeNull()
    // The page's own requests pass.
    expect((await post({ origin: `http://127.0.0.1:${s.port}`, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
  })

  it('answers 400 to bad percent-encoding, 405 to a wrong method, 403 to a second Host header', async () => {
    const s = await start()
    const host = `127.0.0.1:${s.port}`
    const auth = { host, authorization: `Bearer ${s.token}` }
    expect(
      (await raw(s.port, { method: 'POST', path: '/api/invoke/%E0%A4%A', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' })).status,
    ).toBe(400)
    expect((await raw(s.port, { path: `/%zz?token=${s.token}`, headers: { host } })).status).toBe(400)
    const del = await raw(s.port, { method: 'DELETE', path: '/api/events', headers: auth })
    expect(del.status).toBe(405)
    expect(del.headers.allow).toBe('GET')
    expect((await raw(s.port, { method: 'POST', path: `/?token=${s.token}`, headers: { host } })).status).toBe(405)
    const twoHosts = await new Promise<number>((resolve, reject) => {
      const socket = connect(s.port, '127.0.0.1', () =>
        socket.end(`GET /?token=${s.token} HTTP/1.1\r\nHost: ${host}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`),
      )
      let text = ''
      socket.on('data', (c) => (text += c.toString()))
      socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0)))
      socket.on('error', reject)
    })
    expect([400, 403]).toContain(twoHosts)
  })

  it("accepts a whole data pack on data:import and refuses bodies over each channel's limit", async () => {
    const s = await start()
    const headers = { host: `127.0.0.1:${s.port}`, authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }
    const pack = readFileSync(join(REPO_ROOT, 'resources', 'data', 'reference-data.json'), 'utf8')
    // The bundled pack is not newer than itself: refused by the API (400 naming why), not by the body limit.
    const imported = await raw(s.port, { method: 'POST', path: '/api/invoke/data:import', headers, body: JSON.stringify({ json: pack }) })
    expect(imported.status).toBe(400)
    expect(JSON.parse(imported.body).error.message).toMatch(/newer/)
    expect((await raw(s.port, { method: 'POST', path: '/api/invoke/settings:update', headers, body: `{"currency":"${'x'.repeat(70_000)}"}` })).status).toBe(413)
  })

  it('drops an event-stream client that never reads instead of buffering for it', async () => {
    // A service stand-in whose pushes the test drives: 40 MB of frames, far more than the kernel's socket buffers.
    const listeners = new Set<(channel: string, payload: unknown) => void>()
    const fake = { bus: { on: (l: (channel: string, payload: unknown) => void) => (listeners.add(l), () => listeners.delete(l)) } }
    const server = await startHeadlessServer({ context: fake as unknown as AppContext, port: 0, staticDir: null, maxUnreadEventBytes: 1024 * 1024 })
    try {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\n\r\n`),
      )
      socket.pause() // never reads a byte
      socket.on('error', () => undefined)
      await waitFor(() => server.eventClients() === 1, 'the event-stream client to connect')
      const heapBefore = process.memoryUsage().heapUsed
      const frame = { samples: 'x'.repeat(100_000) }
      for (let i = 0; i < 400; i++) {
        for (const l of listeners) l('telemetry:samples', frame)
        if (i % 20 === 0) await new Promise((r) => setImmediate(r))
      }
      await waitFor(() => server.eventClients() === 0, 'the slow client to be dropped')
      socket.destroy()
      // What was queued for it is not kept once it is gone.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(30 * 1024 * 1024)
    } finally {
      await server.close()
    }
  })

  it('pushes samples over Server-Sent Events', async () => {
    const s = await start()
    const frames = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: s.port, path: '/api/events', headers: { host: `127.0.0.1:${s.port}`, authorization: `Bearer ${s.token}` } },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream')
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            text += chunk
            if (text.includes('event: telemetry:samples')) {
              req.destroy()
              resolve(text)
            }
          })
        },
      )
      req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)))
      req.end()
    })
    const data = /event: telemetry:samples\ndata: (.*)\n/.exec(frames)?.[1] ?? '{}'
    const payload = JSON.parse(data) as { samples: { powerW: number }[]; demo: boolean }
    expect(payload.demo).toBe(false)
    expect(payload.samples[0]?.powerW).toBeGreaterThan(0)
  })
})
