import { afterEach, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import { join } from 'node:path'
import { DEMO_TRACE, tempDir } from '../../test/helpers.ts'
import { WattprintService } from '../api/service.ts'
import { startHeadlessServer, type HeadlessServer } from './server.ts'

const running: { service: WattprintService; server: HeadlessServer }[] = []
afterEach(async () => {
  for (const { service, server } of running.splice(0)) {
    await server.close()
    await service.stop()
  }
})

async function start(): Promise<HeadlessServer> {
  const service = new WattprintService({
    dbPath: join(tempDir(), 'server.db'),
    host: 'headless',
    version: 'test',
    source: { kind: 'replay', file: DEMO_TRACE, speed: 20, loop: true },
    demoTraceFile: DEMO_TRACE,
    locale: 'en-US',
  })
  service.start()
  const server = await startHeadlessServer({ service, port: 0, staticDir: null })
  running.push({ service, server })
  return server
}

/** A raw HTTP request, so the Host header and the body can be anything. */
function raw(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
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
    expect((await raw(s.port, { path: '/', headers: { host } })).status).toBe(401)
    expect((await raw(s.port, { method: 'POST', path: '/api/invoke/telemetry:status', headers: { host } })).status).toBe(401)
    expect((await raw(s.port, { method: 'POST', path: '/api/invoke/telemetry:status', headers: { host, authorization: 'Bearer nope' } })).status).toBe(401)
    expect((await raw(s.port, { path: '/api/events', headers: { host, cookie: 'wattprint_token=wrong' } })).status).toBe(401)
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

  it('sets an HttpOnly cookie from the printed URL so the page and its event stream work', async () => {
    const s = await start()
    const res = await raw(s.port, { path: `/?token=${s.token}`, headers: { host: `127.0.0.1:${s.port}` } })
    expect(String(res.headers['set-cookie'])).toMatch(/wattprint_token=.*HttpOnly; SameSite=Strict/)
  })

  it('pushes samples over Server-Sent Events', async () => {
    const s = await start()
    const frames = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/api/events', headers: { host: `127.0.0.1:${s.port}`, cookie: `wattprint_token=${s.token}` } }, (res) => {
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
      })
      req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)))
      req.end()
    })
    const data = /event: telemetry:samples\ndata: (.*)\n/.exec(frames)?.[1] ?? '{}'
    const payload = JSON.parse(data) as { samples: { powerW: number }[]; demo: boolean }
    expect(payload.demo).toBe(false)
    expect(payload.samples[0]?.powerW).toBeGreaterThan(0)
  })
})
