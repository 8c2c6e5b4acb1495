import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DirLister, FileReader } from '../src-main/telemetry/reading.ts'
import { FIXTURES } from './helpers.ts'

/** A sysfs tree as the parsers see it: paths relative to the sysfs root (`class/drm/card0/device/uevent`). */
export interface SysfsTree {
  read: FileReader
  list: DirLister
}

/**
 * Captured directories in the repository stand for sysfs folders: `{ 'class/drm': 'amd/lact-sysfs__rx580' }`
 * makes `class/drm/card0/...` read `test/fixtures/amd/lact-sysfs__rx580/card0/...`. A `:` in a sysfs
 * name is stored as `%3A` (Windows cannot check out `intel-rapl:0`), and mapped back here.
 */
export function fixtureTree(mounts: Readonly<Record<string, string>>): SysfsTree {
  const resolve = (path: string): string | null => {
    const clean = path.replace(/^\/+|\/+$/g, '')
    for (const [mount, dir] of Object.entries(mounts)) {
      if (clean === mount || clean.startsWith(`${mount}/`)) {
        const rest = clean.slice(mount.length).replace(/^\//, '')
        return join(
          FIXTURES,
          dir,
          ...rest
            .split('/')
            .filter(Boolean)
            .map((part) => part.replaceAll(':', '%3A')),
        )
      }
    }
    return null
  }
  const virtualDirs = (path: string): string[] => {
    // Parents of mount points (`class` for `class/drm`) list the next part of each mount.
    const clean = path.replace(/^\/+|\/+$/g, '')
    const prefix = clean === '' ? '' : `${clean}/`
    return [...new Set(Object.keys(mounts).flatMap((m) => (m.startsWith(prefix) ? [m.slice(prefix.length).split('/')[0] ?? ''] : [])))].filter(Boolean)
  }
  return {
    read: (path) => {
      const file = resolve(path)
      if (!file) return null
      try {
        return statSync(file).isFile() ? readFileSync(file, 'utf8') : null
      } catch {
        return null
      }
    },
    list: (path) => {
      const dir = resolve(path)
      if (!dir) return virtualDirs(path)
      try {
        return readdirSync(dir).map((name) => name.replaceAll('%3A', ':'))
      } catch {
        return []
      }
    },
  }
}

/** A tree held in memory: `{ 'class/drm/card0/device/uevent': 'PCI_ID=…' }`; a value of null is a file that exists but cannot be read. */
export function memoryTree(files: Readonly<Record<string, string | null>>): SysfsTree {
  const entries = Object.entries(files)
  return {
    read: (path) => {
      const value = files[path]
      return value === undefined ? null : value
    },
    list: (path) => {
      const prefix = path === '' ? '' : `${path.replace(/\/+$/, '')}/`
      const names = new Set<string>()
      for (const [file] of entries) if (file.startsWith(prefix)) names.add(file.slice(prefix.length).split('/')[0] ?? '')
      names.delete('')
      return [...names]
    },
  }
}

/**
 * Reads a ttar archive (prometheus/procfs' text tar: `Path:` / `Lines:` / content / `Mode:` blocks,
 * `Directory:` entries, separated by `# ttar - - -` lines) into a memory tree, dropping `stripPrefix`
 * from every path. Only what the procfs fixtures use: no symlinks, no `NOEOL` escapes.
 */
export function ttarTree(text: string, stripPrefix: string): SysfsTree {
  const files: Record<string, string> = {}
  const dirs: string[] = []
  const lines = text.split('\n')
  const strip = (path: string): string => (path.startsWith(stripPrefix) ? path.slice(stripPrefix.length) : path).replace(/^\/+/, '')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const dir = /^Directory: (.+)$/.exec(line)
    if (dir) {
      dirs.push(strip(dir[1] ?? ''))
      continue
    }
    const file = /^Path: (.+)$/.exec(line)
    if (!file) continue
    const count = /^Lines: (\d+)$/.exec(lines[i + 1] ?? '')
    if (!count) throw new Error(`ttar: no Lines: after ${line}`)
    const n = Number(count[1])
    const content = lines.slice(i + 2, i + 2 + n)
    files[strip(file[1] ?? '')] = n === 0 ? '' : `${content.join('\n')}\n`
    i += 1 + n
  }
  const tree = memoryTree(files)
  return {
    read: tree.read,
    list: (path) => {
      const listed = new Set(tree.list(path))
      const prefix = path === '' ? '' : `${path.replace(/\/+$/, '')}/`
      for (const d of dirs) if (d.startsWith(prefix) && d.length > prefix.length) listed.add(d.slice(prefix.length).split('/')[0] ?? '')
      return [...listed]
    },
  }
}

/** A file of the repository's fixtures, as text. */
export function fixtureText(...parts: string[]): string {
  return readFileSync(join(FIXTURES, ...parts), 'utf8')
}

/**
 * Copies captured folders into a temporary folder laid out like /sys (`{ 'class/drm': 'amd/…' }`
 * becomes `DIR/class/drm/card1/…`), with `%3A` turned back into `:`: what `--sysfs-root DIR` and
 * WATTPRINT_SYSFS_ROOT read in end-to-end tests. Returns DIR.
 */
export function materializeSysfs(mounts: Readonly<Record<string, string>>, dir: string): string {
  const copy = (from: string, to: string): void => {
    mkdirSync(to, { recursive: true })
    for (const name of readdirSync(from)) {
      const source = join(from, name)
      const target = join(to, name.replaceAll('%3A', ':'))
      if (statSync(source).isDirectory()) copy(source, target)
      else writeFileSync(target, readFileSync(source))
    }
  }
  for (const [mount, fixture] of Object.entries(mounts)) copy(join(FIXTURES, fixture), join(dir, ...mount.split('/')))
  return dir
}
