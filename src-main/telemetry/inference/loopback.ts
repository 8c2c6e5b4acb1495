/** Why a server address was refused. */
export type ServerUrlProblem = 'not-a-url' | 'not-http' | 'not-loopback' | 'has-credentials'

export type ServerUrlCheck = { ok: true; url: URL } | { ok: false; reason: ServerUrlProblem }

/**
 * Checks an inference server address typed by the user. Only http(s) is accepted, never with a
 * user name or password in it, and unless `allowRemote` only a loopback host: 127.0.0.0/8, ::1,
 * ::ffff:127.0.0.0/104 (IPv4-mapped), `localhost` and `*.localhost`. Never throws.
 *
 * The host is judged after WHATWG URL parsing, which is also what `fetch` connects to: so
 * `http://2130706433/`, `http://0x7f.1/` and `http://127.1/` are 127.0.0.1 (loopback), while
 * `http://0/` is 0.0.0.0 (refused: it reaches every interface's listeners on some systems).
 * `localhost` names are trusted by name (RFC 6761); they are still resolved by the operating system.
 */
export function checkServerUrl(text: string, options: { allowRemote: boolean }): ServerUrlCheck {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return { ok: false, reason: 'not-a-url' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'not-http' }
  // URL drops an empty user info (`http://@host`, `http://:@host`), so look at what was typed too.
  if (url.username !== '' || url.password !== '' || typedAuthority(text).includes('@')) return { ok: false, reason: 'has-credentials' }
  if (!options.allowRemote && !isLoopbackHost(url.hostname)) return { ok: false, reason: 'not-loopback' }
  return { ok: true, url }
}

/**
 * Whether a hostname as `URL.hostname` serialises it (IPv4 dotted decimal, IPv6 in brackets,
 * lower case) names this machine. A name with a trailing dot (`localhost.`) is refused: it is
 * a fully qualified name some resolvers send to DNS.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname)
  if (v4) return Number(v4[1]) === 127
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const groups = ipv6Groups(hostname.slice(1, -1))
    if (!groups) return false
    const [a, b, c, d, e, f, g, h] = groups
    const zeroPrefix = a === 0 && b === 0 && c === 0 && d === 0 && e === 0
    if (zeroPrefix && f === 0 && g === 0 && h === 1) return true // ::1
    // ::ffff:127.x.y.z: an IPv4-mapped loopback address reaches 127.0.0.0/8.
    return zeroPrefix && f === 0xffff && g !== undefined && g >> 8 === 127
  }
  return false
}

/** The eight 16-bit groups of an IPv6 address in URL's serialisation (hex groups, one `::`), or null. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split('::')
  if (halves.length > 2) return null
  const parse = (part: string | undefined): number[] | null => {
    if (part === undefined || part === '') return []
    const out: number[] = []
    for (const group of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(group)) return null
      out.push(parseInt(group, 16))
    }
    return out
  }
  const head = parse(halves[0])
  const tail = halves.length === 2 ? parse(halves[1]) : []
  if (!head || !tail) return null
  if (halves.length === 1) return head.length === 8 ? head : null
  const missing = 8 - head.length - tail.length
  return missing < 1 ? null : [...head, ...new Array<number>(missing).fill(0), ...tail]
}

/**
 * The authority part of what was typed, the way the URL parser delimits it for http(s): tabs
 * and new lines removed, `\` taken as `/`.
 */
function typedAuthority(text: string): string {
  const clean = text.trim().replace(/[\t\n\r]/g, '')
  const afterScheme = clean.replace(/^[A-Za-z][A-Za-z0-9+.-]*:/, '').replace(/^[/\\]*/, '')
  return afterScheme.split(/[/\\?#]/, 1)[0] ?? ''
}
