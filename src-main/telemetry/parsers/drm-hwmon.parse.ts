import { emptyReading, type DeviceInfo, type DirLister, type FileReader, type Reading } from '../reading.ts'
import type { Domain } from '../../contract/telemetry.ts'
import { celsiusFromMillidegrees, joulesFromMicrojoules, mhzFromHz, wattsFromMicrowatts } from './units.ts'
import { parseKeyValueLines, readSysfsInt, readSysfsText, safeList, safeRead, sysfsPath, type SysfsInt } from './sysfs-values.ts'

/** Where DRM cards live under the sysfs root. */
export const DRM_CLASS_DIR = 'class/drm'

/** hwmon drivers of GPUs that share the amdgpu layout (`hwmon/hwmonM/{name,power1_*,energy*_input,temp*_input}`). */
export type DrmDriver = 'amdgpu' | 'xe' | 'i915'
const DRIVERS: readonly DrmDriver[] = ['amdgpu', 'xe', 'i915']

/** Something worth saying about a card's figures (each comes with a detail in English for logs). */
export type DrmNote =
  /** Neither power1_average nor power1_input exists (old GCN such as the R7 240): power is unknown, not 0. */
  | 'no-power-sensor'
  /** An energy counter reads 0: the driver does not report it (xe card energy on kernel 6.16); it is unknown. */
  | 'energy-counter-unreported'
  /** An APU: its power (PPT) is the whole chip's, CPU cores included; it overlaps RAPL's package figure. */
  | 'apu-socket-power'
  /** power2 (fastPPT on Van Gogh) was not added: it tracks the same socket over a shorter window. */
  | 'second-power-ignored'
  /** A file held something that is not a plausible value: that figure is unknown. */
  | 'bad-value'

export interface DrmGpu {
  /** `card0` */
  card: string
  /** `hwmon8` */
  hwmon: string
  driver: DrmDriver
  /** `power1_label` (PPT, slowPPT, card…), or null. */
  powerLabel: string | null
  /** The label of the energy counter read (`card`, `pkg`), `energy1` when unlabelled, or null when none. */
  energyLabel: string | null
  notes: { note: DrmNote; detail: string }[]
  device: DeviceInfo
  reading: Reading
}

/** A discrete GPU in PCI runtime suspend: known, but not read (reading hwmon may wake it). */
export interface DrmAsleep {
  card: string
  device: DeviceInfo
}

export type DrmSkipReason = 'no-hwmon' | 'unknown-driver' | 'not-a-card'

export interface DrmSkipped {
  card: string
  reason: DrmSkipReason
  detail: string
}

export type DrmCardResult = { kind: 'gpu'; gpu: DrmGpu } | { kind: 'asleep'; asleep: DrmAsleep } | { kind: 'skipped'; skipped: DrmSkipped }

export interface DrmScan {
  gpus: DrmGpu[]
  asleep: DrmAsleep[]
  skipped: DrmSkipped[]
}

/** Highest believable board or APU power, W (above any single GPU made so far). */
const MAX_PLAUSIBLE_POWER_W = 3000
/** A die below -40 °C or above 150 °C is a bad reading (hwmon's -273150 "no value" included). */
const PLAUSIBLE_TEMP_C = { min: -40, max: 150 } as const
/** Memory sizes above 4 TiB are not from a GPU. */
const MAX_PLAUSIBLE_BYTES = 4 * 1024 ** 4
/** Shader clocks above 10 GHz are not real. */
const MAX_PLAUSIBLE_CLOCK_MHZ = 10_000

const CARD_NAME = /^card\d{1,4}$/
const HWMON_NAME = /^hwmon\d{1,4}$/
const PCI_SLOT = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/
const PCI_ID = /^([0-9A-F]{4}):([0-9A-F]{4})$/

/**
 * Names of the GPUs in the captures we test against, by PCI vendor:device id. The PCI id names a
 * chip, not a board (744C is the 7900 XT, XTX and GRE), so the name says the family; anything
 * else is named "AMD GPU (1002:XXXX)".
 */
const PCI_NAMES: Readonly<Record<string, string>> = {
  '1002:744C': 'AMD Radeon RX 7900 XT / XTX / GRE (Navi 31)',
  '1002:7550': 'AMD Radeon RX 9070 / 9070 XT (Navi 48)',
  '1002:73BF': 'AMD Radeon RX 6800 / 6800 XT / 6900 XT (Navi 21)',
  '1002:73DF': 'AMD Radeon RX 6700 / 6700 XT / 6750 XT (Navi 22)',
  '1002:67DF': 'AMD Radeon RX 470 / 480 / 570 / 580 / 590 (Polaris)',
  '1002:7480': 'AMD Radeon RX 7600 / 7600S / 7700S (Navi 33)',
  '1002:6617': 'AMD Radeon R7 240 / 340 / 520 (Oland)',
  '1002:163F': 'AMD Van Gogh APU (Steam Deck)',
  '1002:15BF': 'AMD Radeon 780M / 760M / 740M (Phoenix APU)',
  '1002:150E': 'AMD Radeon 880M / 890M (Strix Point APU)',
  '8086:E20B': 'Intel Arc B580 (Battlemage)',
  '8086:56A5': 'Intel Arc A380 (Alchemist)',
}

/**
 * APUs among the ids above (their hwmon power is the whole chip's). amdgpu also shows an APU by
 * its `vddnb` voltage (in1): it exposes that rail on APUs only, which covers ids not listed here.
 */
const APU_IDS: ReadonlySet<string> = new Set(['1002:163F', '1002:15BF', '1002:150E'])

const VENDORS: Readonly<Record<string, { vendor: NonNullable<DeviceInfo['vendor']>; label: string }>> = {
  '1002': { vendor: 'amd', label: 'AMD' },
  '8086': { vendor: 'intel', label: 'Intel' },
  '10DE': { vendor: 'nvidia', label: 'NVIDIA' },
}

/** What `device/uevent` says: PCI id (upper case) and slot (lower case), each or both absent. */
export interface DrmIdentity {
  pciId: string | null
  pciAddress: string | null
  ueventDriver: string | null
}

/** Reads `class/drm/<card>/device/uevent`. */
export function readDrmIdentity(read: FileReader, card: string): DrmIdentity {
  const text = safeRead(read, sysfsPath(DRM_CLASS_DIR, card, 'device', 'uevent'))
  const map = parseKeyValueLines(text ?? '')
  const pciId = (map.get('PCI_ID') ?? '').toUpperCase()
  const slot = (map.get('PCI_SLOT_NAME') ?? '').toLowerCase()
  return {
    pciId: PCI_ID.test(pciId) ? pciId : null,
    pciAddress: PCI_SLOT.test(slot) ? slot : null,
    ueventDriver: map.get('DRIVER')?.slice(0, 40) || null,
  }
}

/** The device's PCI runtime power state (`device/power/runtime_status`), or null when the file is absent. */
export function drmRuntimeStatus(read: FileReader, card: string): string | null {
  return readSysfsText(read, sysfsPath(DRM_CLASS_DIR, card, 'device', 'power', 'runtime_status'))
}

/**
 * True when the card is a GPU asleep under PCI runtime power management (`suspended`, or on its way
 * there): the caller must not read its hwmon files, which could wake it and cost watts. Absent
 * file (no runtime PM, or a capture without it): false.
 */
export function isDrmCardAsleep(read: FileReader, card: string): boolean {
  const status = drmRuntimeStatus(read, card)
  return status === 'suspended' || status === 'suspending'
}

/** `drm:<PCI slot>` when known (stable across reboots and card renumbering), else `drm:<card>`. */
export function drmDeviceId(card: string, identity: DrmIdentity): string {
  return `drm:${identity.pciAddress ?? card}`
}

function deviceName(card: string, identity: DrmIdentity): string {
  if (identity.pciId) {
    const known = PCI_NAMES[identity.pciId]
    if (known) return known
    const vendor = VENDORS[identity.pciId.slice(0, 4)]
    return `${vendor?.label ?? 'PCI'} GPU (${identity.pciId})`
  }
  return `GPU (${card})`
}

function vendorOf(identity: DrmIdentity, driver: DrmDriver | null): DeviceInfo['vendor'] {
  if (identity.pciId) return VENDORS[identity.pciId.slice(0, 4)]?.vendor ?? null
  if (driver === 'amdgpu') return 'amd'
  if (driver === 'xe' || driver === 'i915') return 'intel'
  return null
}

function baseDevice(card: string, identity: DrmIdentity, driver: DrmDriver | null, domain: Domain): DeviceInfo {
  const index = Number(card.slice(4))
  return {
    deviceId: drmDeviceId(card, identity),
    index: Number.isSafeInteger(index) ? index : null,
    name: deviceName(card, identity),
    memTotalB: null,
    source: 'drm-hwmon',
    domain,
    method: 'sampled-power',
    pciAddress: identity.pciAddress,
    vendor: vendorOf(identity, driver),
  }
}

/** Reads every `class/drm/cardN` of the tree: GPUs with a known hwmon, sleeping GPUs, and what was skipped and why. Never throws. */
export function scanDrmHwmon(read: FileReader, list: DirLister, wallMs: number): DrmScan {
  const scan: DrmScan = { gpus: [], asleep: [], skipped: [] }
  const cards = safeList(list, DRM_CLASS_DIR)
    .filter((name) => CARD_NAME.test(name))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
  for (const card of cards) {
    const result = readDrmCard(read, list, card, wallMs)
    if (result.kind === 'gpu') scan.gpus.push(result.gpu)
    else if (result.kind === 'asleep') scan.asleep.push(result.asleep)
    else scan.skipped.push(result.skipped)
  }
  return scan
}

/**
 * Reads one card (`card0`): its runtime PM state first (a sleeping GPU is reported, not read),
 * then `device/uevent`, the hwmon directory whose `name` is amdgpu, xe or i915, and the device
 * files beside it. Never throws; every figure it cannot read is null, with a note when that is odd.
 */
export function readDrmCard(read: FileReader, list: DirLister, card: string, wallMs: number): DrmCardResult {
  if (!CARD_NAME.test(card)) return { kind: 'skipped', skipped: { card, reason: 'not-a-card', detail: `"${card.slice(0, 40)}" is not cardN` } }
  const identity = readDrmIdentity(read, card)
  if (isDrmCardAsleep(read, card)) {
    return { kind: 'asleep', asleep: { card, device: baseDevice(card, identity, null, 'gpu') } }
  }

  const deviceDir = sysfsPath(DRM_CLASS_DIR, card, 'device')
  const hwmonDirs = safeList(list, sysfsPath(deviceDir, 'hwmon'))
    .filter((name) => HWMON_NAME.test(name))
    .sort()
  if (hwmonDirs.length === 0) {
    return { kind: 'skipped', skipped: { card, reason: 'no-hwmon', detail: `${deviceDir}/hwmon has no hwmonN directory` } }
  }
  let hwmon: string | null = null
  let driver: DrmDriver | null = null
  const seen: string[] = []
  for (const dir of hwmonDirs) {
    const name = readSysfsText(read, sysfsPath(deviceDir, 'hwmon', dir, 'name'))
    seen.push(`${dir}=${name ?? '?'}`)
    const known = DRIVERS.find((d) => d === name)
    if (known) {
      hwmon = dir
      driver = known
      break
    }
  }
  if (!hwmon || !driver) {
    return { kind: 'skipped', skipped: { card, reason: 'unknown-driver', detail: `hwmon name is not amdgpu, xe or i915 (${seen.join(', ').slice(0, 120)})` } }
  }
  return { kind: 'gpu', gpu: readGpu(read, list, card, identity, hwmon, driver, wallMs) }
}

function readGpu(read: FileReader, list: DirLister, card: string, identity: DrmIdentity, hwmon: string, driver: DrmDriver, wallMs: number): DrmGpu {
  const deviceDir = sysfsPath(DRM_CLASS_DIR, card, 'device')
  const hwmonDir = sysfsPath(deviceDir, 'hwmon', hwmon)
  const files = new Set(safeList(list, hwmonDir))
  const notes: DrmGpu['notes'] = []
  const at = (name: string): string => sysfsPath(hwmonDir, name)
  /** An integer hwmon/device file within [min, max], or null (noted when present but wrong). */
  const int = (path: string, min: number, max: number): number | null => valueIn(readSysfsInt(read, path), min, max, path, notes)

  const isApu = driver === 'amdgpu' && ((identity.pciId !== null && APU_IDS.has(identity.pciId)) || readSysfsText(read, at('in1_label')) === 'vddnb')
  const device = baseDevice(card, identity, driver, isApu ? 'soc' : 'gpu')
  const reading = emptyReading(device.deviceId, wallMs)

  // Power: power1 is the socket (or board) power. On an APU with power1 and power2 (Van Gogh:
  // slowPPT and fastPPT) both track the same socket with different time windows: power1 alone is
  // the socket power, adding power2 would count the chip twice.
  const powerLabel = readSysfsText(read, at('power1_label'))
  const averageUW = int(at('power1_average'), 0, MAX_PLAUSIBLE_POWER_W * 1e6)
  const inputUW = averageUW === null ? int(at('power1_input'), 0, MAX_PLAUSIBLE_POWER_W * 1e6) : null
  const powerUW = averageUW ?? inputUW
  reading.powerW = powerUW === null ? null : wattsFromMicrowatts(powerUW)
  if (files.has('power2_average') || files.has('power2_input')) {
    const label2 = readSysfsText(read, at('power2_label'))
    notes.push({
      note: 'second-power-ignored',
      detail: `power2 (${label2 ?? 'unlabelled'}) tracks the same socket as power1 (${powerLabel ?? 'unlabelled'}): not added`,
    })
  }
  if (isApu) notes.push({ note: 'apu-socket-power', detail: `${device.name}: PPT is the whole chip's power, CPU cores included` })

  // Power limit: power1_cap (amdgpu, xe), else power1_max (i915's PL1). A limit of 0 means "none reported".
  const capUW = int(at('power1_cap'), 0, MAX_PLAUSIBLE_POWER_W * 1e6) ?? int(at('power1_max'), 0, MAX_PLAUSIBLE_POWER_W * 1e6)
  reading.powerLimitW = capUW === null || capUW === 0 ? null : wattsFromMicrowatts(capUW)

  // Energy: xe labels its counters (energy1 = card, energy2 = pkg); i915 has one unlabelled energy1.
  // The whole card is preferred over the GPU package; a counter reading 0 is one the driver does not
  // report (b580 on kernel 6.16), so it is unknown and the next one is tried.
  const energy = pickEnergyCounter(read, hwmonDir, notes)
  reading.energyCounterJ = energy ? joulesFromMicrojoules(energy.valueUJ) : null
  const energyLabel = energy?.label ?? null
  if (reading.energyCounterJ !== null) device.method = 'counter'
  const present = (name: string): boolean => files.has(name) || safeRead(read, at(name)) !== null
  if (reading.powerW === null && reading.energyCounterJ === null && !present('power1_average') && !present('power1_input')) {
    notes.push({ note: 'no-power-sensor', detail: `${hwmonDir} has no power1_average, power1_input or energy counter: power unknown` })
  }

  reading.tempC = pickTemperature(read, files, hwmonDir, notes)

  const sclkHz = readSysfsText(read, at('freq1_label')) === 'sclk' ? int(at('freq1_input'), 0, MAX_PLAUSIBLE_CLOCK_MHZ * 1e6) : null
  reading.smClockMhz = sclkHz === null ? null : mhzFromHz(sclkHz)

  reading.utilPct = int(sysfsPath(deviceDir, 'gpu_busy_percent'), 0, 100)
  reading.memUtilPct = int(sysfsPath(deviceDir, 'mem_busy_percent'), 0, 100)
  reading.memUsedB = int(sysfsPath(deviceDir, 'mem_info_vram_used'), 0, MAX_PLAUSIBLE_BYTES)
  const totalB = int(sysfsPath(deviceDir, 'mem_info_vram_total'), 0, MAX_PLAUSIBLE_BYTES)
  device.memTotalB = totalB === 0 ? null : totalB

  return { card, hwmon, driver, powerLabel, energyLabel, notes, device, reading }
}

function pickEnergyCounter(read: FileReader, hwmonDir: string, notes: DrmGpu['notes']): { valueUJ: number; label: string } | null {
  const candidates: { path: string; value: SysfsInt; label: string }[] = []
  for (let index = 1; index <= 4; index++) {
    const path = sysfsPath(hwmonDir, `energy${index}_input`)
    const value = readSysfsInt(read, path)
    if (value.kind === 'absent') continue
    candidates.push({ path, value, label: readSysfsText(read, sysfsPath(hwmonDir, `energy${index}_label`)) ?? `energy${index}` })
  }
  const rank = (label: string): number => (label === 'card' ? 0 : label === 'pkg' ? 1 : 2)
  candidates.sort((a, b) => rank(a.label) - rank(b.label))
  for (const { path, value, label } of candidates) {
    const valueUJ = valueIn(value, 0, Number.MAX_VALUE, path, notes)
    if (valueUJ === null) continue
    if (valueUJ === 0) {
      notes.push({ note: 'energy-counter-unreported', detail: `${path} (${label}) reads 0: the driver does not report it` })
      continue
    }
    return { valueUJ, label }
  }
  return null
}

/** The die temperature: `edge` (amdgpu), `pkg` (xe), else `junction`, else the first temperature. */
function pickTemperature(read: FileReader, files: ReadonlySet<string>, hwmonDir: string, notes: DrmGpu['notes']): number | null {
  const temps: { index: number; label: string | null }[] = []
  for (const file of files) {
    const m = /^temp(\d{1,2})_input$/.exec(file)
    if (m) temps.push({ index: Number(m[1]), label: readSysfsText(read, sysfsPath(hwmonDir, `temp${m[1]}_label`)) })
  }
  if (temps.length === 0 && safeRead(read, sysfsPath(hwmonDir, 'temp1_input')) !== null) temps.push({ index: 1, label: null })
  const preferred = ['edge', 'pkg', 'junction']
  const rank = (label: string | null): number => {
    const at = preferred.indexOf(label ?? '')
    return at === -1 ? preferred.length : at
  }
  temps.sort((a, b) => rank(a.label) - rank(b.label) || a.index - b.index)
  for (const { index } of temps) {
    const path = sysfsPath(hwmonDir, `temp${index}_input`)
    const milli = valueIn(readSysfsInt(read, path), PLAUSIBLE_TEMP_C.min * 1000, PLAUSIBLE_TEMP_C.max * 1000, path, notes)
    if (milli !== null) return celsiusFromMillidegrees(milli)
  }
  return null
}

function valueIn(value: SysfsInt, min: number, max: number, path: string, notes: DrmGpu['notes']): number | null {
  if (value.kind === 'absent') return null
  if (value.kind === 'bad') {
    notes.push({ note: 'bad-value', detail: `${path}: "${value.text}" is not an integer` })
    return null
  }
  if (value.value < min || value.value > max) {
    notes.push({ note: 'bad-value', detail: `${path}: ${value.value} is outside ${min}–${max}` })
    return null
  }
  return value.value
}
