import type { ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { CONTENT_SECURITY_POLICY } from './csp.ts'
import { HttpRefusal } from './http-guard.ts'

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

/** A file of the built renderer, under its strict Content-Security-Policy; nothing outside `root`. */
export async function serveStatic(res: ServerResponse, root: string | null, pathname: string): Promise<void> {
  if (!root) throw new HttpRefusal(404, 'not-found', 'http.api-only')
  const base = resolve(root)
  const relative = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '')
  const file = resolve(join(base, relative))
  if (file !== base && !file.startsWith(base + sep)) throw new HttpRefusal(404, 'not-found', 'http.not-found')
  let content: Buffer
  try {
    content = await readFile(file)
  } catch {
    if (relative === 'index.html') throw new HttpRefusal(404, 'not-found', 'http.renderer-missing', { file })
    throw new HttpRefusal(404, 'not-found', 'http.not-found')
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Cache-Control': 'no-store',
  })
  res.end(content)
}
