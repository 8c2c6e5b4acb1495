import { withoutControls } from '../../core/text.ts'
import type { DirLister, FileReader } from '../reading.ts'

/** What one sysfs attribute file held: nothing (absent or unreadable), an integer, or something else. */
export type SysfsInt = { kind: 'absent' } | { kind: 'value'; value: number } | { kind: 'bad'; text: string }

/** Longest attribute value we look at: sysfs attributes are one short line. */
const MAX_ATTRIBUTE_CHARS = 4096

/**
 * Reads a file through `read`, as null when it is absent, unreadable, or the reader itself fails.
 * An attribute is a C string: it ends at the first NUL (a page read whole comes back padded with
 * NULs, as in LACT's RX 6900 XT capture).
 */
export function safeRead(read: FileReader, path: string): string | null {
  try {
    const text = read(path)
    if (typeof text !== 'string') return null
    const nul = text.indexOf('\0')
    return (nul === -1 ? text : text.slice(0, nul)).slice(0, MAX_ATTRIBUTE_CHARS)
  } catch {
    return null
  }
}

/** Lists a directory through `list`, as [] when it is absent or the lister fails. */
export function safeList(list: DirLister, path: string): string[] {
  try {
    const names = list(path)
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : []
  } catch {
    return []
  }
}

/** A one-line text attribute (`name`, a label), trimmed and printable, or null when absent or empty. */
export function readSysfsText(read: FileReader, path: string): string | null {
  const text = safeRead(read, path)
  if (text === null) return null
  const clean = withoutControls(text.split('\n')[0] ?? '').trim()
  return clean === '' ? null : clean.slice(0, 120)
}

/**
 * An integer attribute (`power1_average`, `energy_uj`): decimal digits with an optional minus sign.
 * Values above 2^53 (a u64 counter near its end) lose their last digits, which does not matter in J.
 */
export function readSysfsInt(read: FileReader, path: string): SysfsInt {
  const text = safeRead(read, path)
  if (text === null) return { kind: 'absent' }
  const trimmed = text.trim()
  if (!/^-?\d{1,20}$/.test(trimmed)) return { kind: 'bad', text: printable(trimmed, 40) }
  return { kind: 'value', value: Number(trimmed) }
}

/** `KEY=value` lines (a `uevent` file) as a map; lines without `=` are ignored. */
export function parseKeyValueLines(text: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const line of text.split('\n')) {
    const at = line.indexOf('=')
    if (at <= 0) continue
    map.set(line.slice(0, at).trim(), withoutControls(line.slice(at + 1)).trim())
  }
  return map
}

/** A value quoted in a detail: printable characters only, bounded. */
export function printable(text: string, max: number): string {
  return withoutControls(text).replace(/\s+/g, ' ').trim().slice(0, max)
}

/** Joins sysfs path parts with `/` (paths are relative to the sysfs root). */
export function sysfsPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/')
}
