import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { checkServerUrl, isLoopbackHost, type ServerUrlProblem } from './loopback.ts'

type Case = [text: string, expected: 'ok' | ServerUrlProblem, host?: string]

// What a user (or a page or file that fills the field for them) may type. `host` is where fetch
// would really connect, after WHATWG URL parsing.
const LOCAL_ONLY: Case[] = [
  ['http://127.0.0.1:11434', 'ok', '127.0.0.1'],
  ['http://localhost:8080/', 'ok', 'localhost'],
  ['  http://LOCALHOST:1234/v1  ', 'ok', 'localhost'],
  ['https://ollama.localhost/', 'ok', 'ollama.localhost'],
  ['http://127.255.255.254/', 'ok', '127.255.255.254'],
  ['http://[::1]:8000', 'ok', '[::1]'],
  ['http://[0:0:0:0:0:0:0:1]/', 'ok', '[::1]'],
  ['http://[::ffff:127.0.0.1]:11434', 'ok', '[::ffff:7f00:1]'],
  ['http://[::ffff:7f12:3456]/', 'ok', '[::ffff:7f12:3456]'],
  // Numeric tricks that WHATWG URL normalises to 127.0.0.1: loopback, as fetch would connect there.
  ['http://2130706433/', 'ok', '127.0.0.1'],
  ['http://0x7f.1/', 'ok', '127.0.0.1'],
  ['http://0x7f000001/', 'ok', '127.0.0.1'],
  ['http://017700000001/', 'ok', '127.0.0.1'],
  ['http://0177.0.0.1/', 'ok', '127.0.0.1'],
  ['http://127.1/', 'ok', '127.0.0.1'],
  ['http://127.0.0.1./', 'ok', '127.0.0.1'],
  ['http://%31%32%37.0.0.1/', 'ok', '127.0.0.1'],
  ['http://１２７.０.０.１/', 'ok', '127.0.0.1'],
  ['http://loc%61lhost/', 'ok', 'localhost'],
  ['http:127.0.0.1:11434', 'ok', '127.0.0.1'],
  // Not this machine.
  ['http://0.0.0.0:11434', 'not-loopback'],
  ['http://0/', 'not-loopback'],
  ['http://[::]/', 'not-loopback'],
  ['http://192.168.1.20:11434', 'not-loopback'],
  ['http://10.0.0.5/', 'not-loopback'],
  ['http://172.16.0.1/', 'not-loopback'],
  ['http://169.254.169.254/latest/meta-data/', 'not-loopback'],
  ['http://3232235777/', 'not-loopback'], // 192.168.1.1 in decimal
  ['http://0xc0a80101/', 'not-loopback'],
  ['http://128.0.0.1/', 'not-loopback'],
  ['http://126.255.255.255/', 'not-loopback'],
  ['http://[fe80::1]/', 'not-loopback'],
  ['http://[fc00::1]/', 'not-loopback'],
  ['http://[::ffff:10.0.0.1]/', 'not-loopback'],
  ['http://[::127.0.0.1]/', 'not-loopback'], // IPv4-compatible (deprecated), not loopback
  ['http://[64:ff9b::7f00:1]/', 'not-loopback'], // NAT64 of 127.0.0.1 goes through a gateway
  ['http://[::2]/', 'not-loopback'],
  ['http://example.com/', 'not-loopback'],
  ['http://localhost.example.com/', 'not-loopback'],
  ['http://127.0.0.1.nip.io/', 'not-loopback'],
  ['http://localhost./', 'not-loopback'],
  ['http://localhost.localdomain/', 'not-loopback'],
  ['http://xn--localhost/', 'not-loopback'],
  ['http://127.0.0.1\n.evil.com/', 'not-loopback'], // URL strips the new line: 127.0.0.1.evil.com
  ['http://evil.com\\@127.0.0.1/', 'not-loopback'], // `\` ends the authority: host evil.com
  ['http://evil.com#@127.0.0.1', 'not-loopback'],
  ['http://evil.com?@127.0.0.1', 'not-loopback'],
  // User info is refused whatever the host: it would be sent, and it hides the real host.
  ['http://127.0.0.1@evil.com/', 'has-credentials'],
  ['http://user:secret@127.0.0.1:11434', 'has-credentials'],
  ['http://user@localhost/', 'has-credentials'],
  ['http://@127.0.0.1/', 'has-credentials'],
  ['http://:@127.0.0.1/', 'has-credentials'],
  ['http://a@b@127.0.0.1/', 'has-credentials'],
  // Not an http(s) URL at all.
  ['ws://127.0.0.1:8080', 'not-http'],
  ['file:///etc/passwd', 'not-http'],
  ['javascript:alert(1)', 'not-http'],
  ['ftp://127.0.0.1/', 'not-http'],
  ['localhost:11434', 'not-http'], // parsed as the scheme `localhost:`
  ['', 'not-a-url'],
  ['127.0.0.1:11434', 'not-a-url'],
  ['http://', 'not-a-url'],
  ['http://127.0.0.1:99999/', 'not-a-url'],
  ['http://[fe80::1%25eth0]/', 'not-a-url'],
  ['http://1.2.3.4.5/', 'not-a-url'],
  ['http://127.0.0.256/', 'not-a-url'],
  ['http://exa mple.com/', 'not-a-url'],
]

describe('checkServerUrl, loopback only (the default)', () => {
  it.each(LOCAL_ONLY)('%j → %s', (text, expected, host) => {
    const result = checkServerUrl(text, { allowRemote: false })
    if (expected === 'ok') {
      expect(result.ok, JSON.stringify(result)).toBe(true)
      if (result.ok) expect(result.url.hostname).toBe(host)
    } else {
      expect(result).toEqual({ ok: false, reason: expected })
    }
  })
})

describe('checkServerUrl with remote servers allowed', () => {
  it.each([
    ['http://192.168.1.20:11434', 'ok'],
    ['https://gpu-box.lan:8000/v1', 'ok'],
    ['http://0.0.0.0:11434', 'ok'],
    ['http://user:pw@192.168.1.20/', 'has-credentials'],
    ['http://@gpu-box.lan/', 'has-credentials'],
    ['file:///tmp/x', 'not-http'],
    ['nonsense', 'not-a-url'],
  ] as const)('%j → %s', (text, expected) => {
    const result = checkServerUrl(text, { allowRemote: true })
    expect(result.ok ? 'ok' : result.reason).toBe(expected)
  })
})

describe('properties', () => {
  it('never throws, and an accepted address is http(s) on a loopback host without credentials', () => {
    const typed = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc
        .tuple(
          fc.constantFrom('http://', 'https://', 'http:', 'HTTP://', 'ws://', ''),
          fc.string({ maxLength: 30 }),
          fc.constantFrom('', ':11434', ':0', ':65536'),
          fc.constantFrom('', '/', '/v1', '\\x', '?q', '#f'),
        )
        .map(([scheme, host, port, rest]) => scheme + host + port + rest),
    )
    fc.assert(
      fc.property(typed, (text) => {
        const result = checkServerUrl(text, { allowRemote: false })
        if (!result.ok) return
        expect(['http:', 'https:']).toContain(result.url.protocol)
        expect(result.url.username + result.url.password).toBe('')
        expect(isLoopbackHost(result.url.hostname)).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('every IPv4 address is loopback exactly when its first octet is 127, in any notation URL accepts', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.constantFrom('decimal', 'hex', 'dotted'), (n, notation) => {
        const host =
          notation === 'decimal' ? String(n) : notation === 'hex' ? `0x${n.toString(16)}` : [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
        const result = checkServerUrl(`http://${host}/`, { allowRemote: false })
        expect(result.ok).toBe(n >>> 24 === 127)
      }),
    )
  })
})
