import { homedir, hostname, userInfo } from 'node:os'

/** What a log line must not carry: the home folder, the user's and the machine's names, secrets. */
export interface ScrubFacts {
  home: string
  user: string | null
  host: string | null
  platform: NodeJS.Platform
}

// Account and machine names that are words of ordinary sentences, not personal.
const GENERIC_NAMES = new Set(['root', 'user', 'admin', 'administrator', 'runner', 'ubuntu', 'node', 'app', 'localhost', 'wattprint'])

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function machineFacts(): ScrubFacts {
  let user: string | null = null
  try {
    user = userInfo().username
  } catch {
    // No passwd entry (a container's arbitrary uid): there is no name to hide.
  }
  return { home: homedir(), user, host: hostname(), platform: process.platform }
}

/**
 * Removes personal data from a log line: the home folder becomes `~` (also written with `/` or
 * doubled `\`), URLs lose their query string, `token=…`, `Bearer …` and the secrets registered
 * with `addSecret` (the host's token) become `…`, the user's and the machine's names `<user>`
 * and `<host>`.
 */
export class Scrubber {
  private readonly secrets = new Set<string>()
  private readonly homes: RegExp | null
  private readonly names: { pattern: RegExp; as: string }[] = []

  constructor(facts: ScrubFacts = machineFacts()) {
    const flags = facts.platform === 'win32' || facts.platform === 'darwin' ? 'gi' : 'g'
    const home = facts.home.replace(/[\\/]+$/, '')
    // A home folder of one letter or `/` would eat every path.
    if (home.length > 2) {
      const variants = new Set([home, home.replace(/\\/g, '/'), home.replace(/\\/g, '\\\\')])
      // Not followed by more of a name: /home/ann is replaced in /home/ann/x and "/home/ann.", not in /home/anna.
      this.homes = new RegExp(`(?:${[...variants].map(escape).join('|')})(?![\\w-]|\\.\\w)`, flags)
    } else this.homes = null
    for (const [name, as] of [
      [facts.user, '<user>'],
      [facts.host, '<host>'],
    ] as const) {
      if (name && name.length >= 3 && !GENERIC_NAMES.has(name.toLowerCase()))
        this.names.push({ pattern: new RegExp(`(?<![\\w-])${escape(name)}(?![\\w-])`, flags), as })
    }
  }

  /** A secret that must never be written (the headless host's token). */
  addSecret(secret: string): void {
    if (secret.length >= 8) this.secrets.add(secret)
  }

  scrub(text: string): string {
    let out = text
    for (const secret of this.secrets) out = out.split(secret).join('…')
    out = out
      // A user and password inside a URL.
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*@/gi, '$1…@')
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]*)\?[^\s#"'<>]*/gi, '$1?…')
      // The same keys quoted, as JSON writes them: "token": "…".
      .replace(/("(?:[a-z0-9]+_)*(?:api)?(?:token|key|secret|password|passwd)"\s*:\s*)"[^"]*"/gi, '$1"…"')
      .replace(/(?<![a-z0-9])((?:[a-z0-9]+_)*(?:api)?(?:token|key|secret|password|passwd))([=:]\s*)[^\s&"',;]+/gi, '$1$2…')
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 …')
    if (this.homes) out = out.replace(this.homes, '~')
    for (const { pattern, as } of this.names) out = out.replace(pattern, as)
    return out
  }
}
