// Electronegativity (Doyensec's Electron security checks) over the main-process and preload code,
// offline. Fails on a finding not in electronegativity.allow.json (check id + file + why), or on a
// file it could not parse. Run: node scripts/lint-electron.ts [--json]
import Module, { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(import.meta.dirname, '..')
/** Only app/ imports electron (lint-enforced), and it holds main.ts, window.ts and preload.ts: the sources, so no build is needed. */
const INPUT = join(root, 'src-main', 'app')
const ALLOW_FILE = join(root, 'electronegativity.allow.json')
/** Severities that fail when not allowed; INFORMATIONAL is only printed. */
const FAILING = new Set(['LOW', 'MEDIUM', 'HIGH'])

interface Finding {
  id: string
  severity: string
  confidence: string
  /** Relative to src-main/app. */
  file: string
  line: number
  column: number
  manualReview: boolean
  description: string
}

interface AllowEntry {
  check: string
  file: string
  why: string
}

const require = createRequire(import.meta.url)
const base = join(require.resolve('@doyensec/electronegativity/package.json'), '..', 'dist')
const electronVersion = (JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version

// Offline: the tool fetches translations and Electron's release list with `got`; give it one that refuses.
const gotPath = createRequire(join(base, 'locales', 'i18n.js')).resolve('got')
const refuse = Object.assign(() => Promise.reject(new Error('offline')), { head: () => Promise.reject(new Error('offline')) })
const stub = new Module(gotPath)
stub.exports = { __esModule: true, default: refuse }
stub.loaded = true
require.cache[gotPath] = stub

type Run = (options: Record<string, unknown>) => Promise<{
  errors: { file: string; message: string; tolerable: boolean }[]
  issues: {
    id: string
    file: string
    location: { line: number; column: number }
    severity: { name: string }
    confidence: { name: string }
    manualReview?: boolean
    description: string
  }[]
}>
const run = require(join(base, 'runner.js')) as Run

// Its only startup message is the failed translation fetch above.
const log = console.log
console.log = () => {}
const result = await run({
  input: INPUT,
  isRelative: true,
  electronVersionOverride: electronVersion,
  // Compares the Electron version with the online release list: npm's advisories and updates cover it.
  excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
}).finally(() => {
  console.log = log
})

const findings: Finding[] = result.issues.map((i) => ({
  id: i.id,
  severity: i.severity.name,
  confidence: i.confidence.name,
  file: i.file,
  line: i.location.line,
  column: i.location.column,
  manualReview: Boolean(i.manualReview),
  description: i.description,
}))
const allow = JSON.parse(readFileSync(ALLOW_FILE, 'utf8')) as AllowEntry[]
const allowed = (f: Finding): AllowEntry | undefined => allow.find((a) => a.check === f.id && a.file === f.file)
const failing = findings.filter((f) => FAILING.has(f.severity) && !allowed(f))
const stale = allow.filter((a) => !findings.some((f) => f.id === a.check && f.file === a.file))
const parseErrors = result.errors.filter((e) => !e.tolerable)

if (process.argv.includes('--json')) {
  log(JSON.stringify({ electronVersion, findings, stale, parseErrors }, null, 2))
} else {
  log(`Electronegativity on ${relative(root, INPUT)} (Electron ${electronVersion}): ${findings.length} finding(s)`)
  for (const f of findings) {
    const entry = allowed(f)
    const state = entry ? 'allowed' : FAILING.has(f.severity) ? 'NOT ALLOWED' : 'info'
    log(`  ${f.id} ${f.severity}/${f.confidence} ${f.file}:${f.line}:${f.column} ${state}${entry ? `: ${entry.why}` : `\n    ${f.description}`}`)
  }
  for (const a of stale) log(`  note: ${a.check} in ${a.file} is allowed but no longer found: remove it from electronegativity.allow.json`)
  for (const e of parseErrors) log(`  cannot parse ${e.file}: ${e.message}`)
}
if (failing.length > 0 || parseErrors.length > 0) {
  log(`lint:electron: ${failing.length} finding(s) not in electronegativity.allow.json, ${parseErrors.length} file(s) not parsed`)
  process.exitCode = 1
}
