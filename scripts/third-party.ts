// The software Wattprint ships, with each package's licence, for the About view: the production
// packages of package-lock.json (koffi's per-platform binaries counted as koffi).
//   node scripts/third-party.ts   writes resources/data/third-party.json (a test checks it is current)
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const THIRD_PARTY_FILE = fileURLToPath(new URL('../resources/data/third-party.json', import.meta.url))
const LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url))

interface LockPackage {
  version?: string
  license?: string
  dev?: boolean
  devOptional?: boolean
  optional?: boolean
}

export interface ThirdParty {
  name: string
  version: string
  licence: string
}

export function thirdPartyFromLock(lockText: string): ThirdParty[] {
  const lock = JSON.parse(lockText) as { packages: Record<string, LockPackage> }
  const seen = new Map<string, ThirdParty>()
  for (const [path, pkg] of Object.entries(lock.packages)) {
    if (path === '' || pkg.dev || pkg.devOptional || !pkg.version) continue
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
    // koffi's prebuilt binaries for each platform are koffi itself.
    if (name.startsWith('@koromix/koffi-')) continue
    seen.set(`${name}@${pkg.version}`, { name, version: pkg.version, licence: pkg.license ?? 'UNKNOWN' })
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
}

export function thirdPartyJson(lockText: string): string {
  return `${JSON.stringify(thirdPartyFromLock(lockText), null, 2)}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(THIRD_PARTY_FILE, thirdPartyJson(readFileSync(LOCK_FILE, 'utf8')))
  console.log(`wrote ${THIRD_PARTY_FILE}`)
}
