import { emptyReading, type DeviceInfo, type DirLister, type FileReader, type Reading } from '../reading.ts'
import type { Domain } from '../../contract/telemetry.ts'
import { message, type Message } from '../../contract/messages.ts'
import { joulesFromMicrojoules } from './units.ts'
import { readSysfsInt, readSysfsText, safeList, sysfsPath } from './sysfs-values.ts'

/** Where powercap zones live under the sysfs root. */
export const POWERCAP_CLASS_DIR = 'class/powercap'

/**
 * RAPL zones are `intel-rapl:<package>[:<subzone>]`, ids in hex (powercap_sys.c names them
 * `"%s:%x"`), on Intel and on AMD alike. `intel-rapl-mmio:N` is a second door to the same package
 * (for limits) and is never read: it would count the package twice.
 */
const ZONE_ID = /^intel-rapl(:[0-9a-f]{1,4}){1,3}$/

/** One powercap zone as found: its counter in J, or why the counter is unknown. */
export interface RaplZone {
  /** `intel-rapl:0:2` */
  id: string
  /** `intel-rapl:0` for a subzone, null for a top zone. */
  parentId: string | null
  /** `package-0`, `core`, `uncore`, `dram`, `psys`; null when unreadable. */
  name: string | null
  /** Where it was read, relative to the sysfs root. */
  path: string
  /** `energy_uj` in J; null when it cannot be read (root-only since the CVE-2020-8694 fix) or is not a number. */
  energyCounterJ: number | null
  /** `max_energy_range_uj` in J: where the counter wraps back to 0. */
  counterRangeJ: number | null
  /** Why `energyCounterJ` is null: `unreadable` (absent or permission denied: a reader cannot tell) or `bad-value`. */
  energyProblem: 'unreadable' | 'bad-value' | null
}

export type RaplState = 'ok' | 'permission' | 'no-zones'

export interface RaplScan {
  /** `permission`: zones exist but no counter to record can be read; `no-zones`: no RAPL zone at all. */
  state: RaplState
  zones: RaplZone[]
  /** How to fix a `permission` or `no-zones` state, as a message; null when ok. */
  fix: Message | null
}

/** What `raplDomains` decided for one zone. */
export type RaplRole = 'cpu-package' | 'dram' | 'platform' | 'inside-package' | 'unknown'

export interface RaplPick {
  zone: RaplZone
  role: RaplRole
  device: DeviceInfo
}

export interface RaplSelection {
  /** Zones to record: each package (cpu-package) and each DRAM zone (dram). They never overlap. */
  record: RaplPick[]
  /** psys: the whole platform as the CPU sees it (it includes the packages and DRAM). Show it, never add it. */
  platform: RaplPick[]
  /** core/uncore (already inside their package) and names we do not know. */
  ignored: { zone: RaplZone; role: RaplRole; why: string }[]
}

/** The group the fix creates, the rule file it writes and the rule itself (udev substitutes %p with the zone's sysfs path). */
export const RAPL_GROUP = 'powercap'
export const RAPL_UDEV_RULE_FILE = '/etc/udev/rules.d/99-wattprint-rapl.rules'
export const RAPL_UDEV_RULE = `SUBSYSTEM=="powercap", ACTION=="add", RUN+="/bin/chgrp ${RAPL_GROUP} /sys%p/energy_uj", RUN+="/bin/chmod g+r /sys%p/energy_uj"`
/**
 * One line to paste in a terminal: create the group, join it, write the rule, apply it now
 * (udevadm replays the "add" events of the powercap zones). Group membership counts from the
 * next login. Wattprint itself never runs as root.
 */
export const RAPL_FIX_COMMANDS = [
  `sudo groupadd -f ${RAPL_GROUP}`,
  `sudo usermod -aG ${RAPL_GROUP} $USER`,
  `echo '${RAPL_UDEV_RULE}' | sudo tee ${RAPL_UDEV_RULE_FILE}`,
  'sudo udevadm control --reload',
  'sudo udevadm trigger --subsystem-match=powercap --action=add',
].join(' && ')

export const RAPL_PERMISSION_FIX: Message = message('fix.rapl-permission', {
  commands: RAPL_FIX_COMMANDS,
  file: RAPL_UDEV_RULE_FILE,
  rule: RAPL_UDEV_RULE,
  group: RAPL_GROUP,
})
export const RAPL_NO_ZONES_FIX: Message = message('fix.rapl-no-zones')

/** Highest believable counter range: 2^64 µJ. */
const MAX_COUNTER_UJ = 2 ** 64

/**
 * Finds every RAPL zone under `class/powercap`: the flat links of a live /sys
 * (`intel-rapl:0`, `intel-rapl:0:0`, …) and the nested directories of a copied tree
 * (`intel-rapl:0/intel-rapl:0:0`), each zone once. Never throws.
 */
export function scanRapl(read: FileReader, list: DirLister): RaplScan {
  const zones = new Map<string, RaplZone>()
  const visit = (dir: string, depth: number): void => {
    for (const entry of safeList(list, dir).sort()) {
      if (!ZONE_ID.test(entry)) continue
      const path = sysfsPath(dir, entry)
      if (!zones.has(entry)) zones.set(entry, readZone(read, entry, path))
      if (depth < 2) visit(path, depth + 1)
    }
  }
  visit(POWERCAP_CLASS_DIR, 0)
  const found = [...zones.values()].sort((a, b) => compareIds(a.id, b.id))
  if (found.length === 0) return { state: 'no-zones', zones: [], fix: RAPL_NO_ZONES_FIX }
  const wanted = raplDomains(found).record
  // The CVE-2020-8694 fix makes energy_uj 0400 root: the zone and its name are there, the counter is not.
  const permission = wanted.length > 0 && wanted.every((p) => p.zone.energyProblem === 'unreadable')
  return { state: permission ? 'permission' : 'ok', zones: found, fix: permission ? RAPL_PERMISSION_FIX : null }
}

/** Reads one zone's files (its counter, range and name): what a poll re-reads, without walking the tree again. */
export function readZone(read: FileReader, id: string, path: string): RaplZone {
  const parts = id.split(':')
  const energy = readSysfsInt(read, sysfsPath(path, 'energy_uj'))
  const range = readSysfsInt(read, sysfsPath(path, 'max_energy_range_uj'))
  const energyOk = energy.kind === 'value' && energy.value >= 0 && energy.value <= MAX_COUNTER_UJ
  const rangeOk = range.kind === 'value' && range.value > 0 && range.value <= MAX_COUNTER_UJ
  return {
    id,
    parentId: parts.length > 2 ? parts.slice(0, -1).join(':') : null,
    name: readSysfsText(read, sysfsPath(path, 'name')),
    path,
    energyCounterJ: energyOk ? joulesFromMicrojoules(energy.value) : null,
    counterRangeJ: rangeOk ? joulesFromMicrojoules(range.value) : null,
    energyProblem: energyOk ? null : energy.kind === 'absent' ? 'unreadable' : 'bad-value',
  }
}

/**
 * Picks what to record without counting anything twice:
 * - each `package-N` (or `package-N-die-M`): the CPU package, cores and uncore included;
 * - each `dram` zone: on Intel, DRAM energy is not part of the package's;
 * - never `core`/`uncore` (inside their package) and never `psys` (the whole platform as the
 *   CPU's power controller sees it: packages and DRAM included), which is returned apart as a
 *   figure to show, not to add.
 */
export function raplDomains(zones: readonly RaplZone[]): RaplSelection {
  const selection: RaplSelection = { record: [], platform: [], ignored: [] }
  const byId = new Map(zones.map((z) => [z.id, z]))
  for (const zone of zones) {
    const role = roleOf(zone)
    if (role === 'cpu-package' || role === 'dram') selection.record.push({ zone, role, device: deviceOf(zone, role, byId) })
    else if (role === 'platform') selection.platform.push({ zone, role, device: deviceOf(zone, role, byId) })
    else
      selection.ignored.push({
        zone,
        role,
        why: role === 'inside-package' ? `${zone.name ?? zone.id} is part of its package's energy` : `unknown RAPL zone "${zone.name ?? '?'}" (${zone.id})`,
      })
  }
  return selection
}

/** A reading for each pick at `wallMs` (the counter and its wrap range; everything else RAPL does not give stays null). */
export function raplReadings(picks: readonly RaplPick[], wallMs: number): { device: DeviceInfo; reading: Reading }[] {
  return picks.map(({ zone, device }) => {
    const reading = emptyReading(device.deviceId, wallMs)
    reading.energyCounterJ = zone.energyCounterJ
    reading.counterRangeJ = zone.counterRangeJ
    return { device, reading }
  })
}

function roleOf(zone: RaplZone): RaplRole {
  const name = zone.name ?? ''
  if (/^package-\d{1,4}(-die-\d{1,4})?$/.test(name)) return 'cpu-package'
  if (name === 'dram') return 'dram'
  if (name === 'psys') return 'platform'
  if (name === 'core' || name === 'uncore') return 'inside-package'
  return 'unknown'
}

const DOMAIN_OF: Readonly<Record<'cpu-package' | 'dram' | 'platform', Domain>> = { 'cpu-package': 'cpu-package', dram: 'dram', platform: 'platform' }

function deviceOf(zone: RaplZone, role: 'cpu-package' | 'dram' | 'platform', byId: ReadonlyMap<string, RaplZone>): DeviceInfo {
  const name = zone.name ?? zone.id
  const parentName = zone.parentId ? (byId.get(zone.parentId)?.name ?? zone.parentId) : null
  // `rapl:package-0`, `rapl:package-0/dram`, `rapl:psys`: by name, which is stable across reboots (zone ids follow probe order).
  const deviceId = `rapl:${parentName ? `${parentName}/` : ''}${name}`
  const packageIndex = /^package-(\d+)/.exec(parentName ?? name)?.[1]
  const label =
    role === 'cpu-package'
      ? `CPU package ${name.slice('package-'.length).replace('-die-', ', die ')}`
      : role === 'dram'
        ? `DRAM${packageIndex === undefined ? '' : ` (package ${packageIndex})`}`
        : 'Platform (psys: CPU, DRAM and more, as the CPU sees it)'
  return {
    deviceId,
    index: packageIndex === undefined ? null : Number(packageIndex),
    name: label,
    memTotalB: null,
    source: 'rapl',
    domain: DOMAIN_OF[role],
    method: 'counter',
    pciAddress: null,
    vendor: null,
  }
}

function compareIds(a: string, b: string): number {
  const pa = a
    .split(':')
    .slice(1)
    .map((p) => parseInt(p, 16))
  const pb = b
    .split(':')
    .slice(1)
    .map((p) => parseInt(p, 16))
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1)
    if (d !== 0) return d
  }
  return 0
}
