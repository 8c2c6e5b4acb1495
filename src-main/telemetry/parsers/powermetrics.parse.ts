import { emptyReading, type DeviceInfo, type Reading } from '../reading.ts'
import type { Domain, SourceState } from '../../contract/telemetry.ts'
import { message, type Message } from '../../contract/messages.ts'
import { wattsFromMilliwatts } from './units.ts'
import { printable } from './sysfs-values.ts'

// Apple Silicon: what is added, and what is only shown.
//
// CPU, GPU, Neural Engine, memory controllers, fabric and media engines are one chip, the SoC.
// powermetrics (macOS 12) prints a "Package Power" for it beside "CPU Power", "GPU Power", "ANE
// Power" and "DRAM Power", and the package is NOT the sum of those four: in the M1 capture it is
// 10-20 % above it (the fabric, caches and other blocks no line names), and once, over a 108 ms
// sample, below it (each figure is an estimate refreshed at its own moment). So:
// - the SoC figure is the one added to the machine's energy (device `apple:soc`, domain soc):
//   Package Power where printed, else (macOS 13+, which dropped Package and DRAM) "Combined Power
//   (CPU + GPU + ANE)", else the sum of the parts printed. `basis` says which, so a smaller figure
//   on a newer macOS is explained, not hidden;
// - CPU, GPU, ANE and DRAM are parts inside that figure: shown side by side, never added to it;
// - macmon's `sys_power` (the whole Mac as the SMC sees it) is platform: shown, never added.

export type ApplePart = 'cpu' | 'gpu' | 'ane' | 'dram'
/** Which lines the SoC figure comes from. */
export type SocBasis = 'package' | 'cpu+gpu+ane+dram' | 'cpu+gpu+ane'

export interface AppleFigure {
  device: DeviceInfo
  reading: Reading
}

/** One sample of Apple Silicon power (powermetrics block or macmon line). */
export interface AppleSample {
  wallMs: number
  /** The sample's own length, ms (powermetrics "… ms elapsed"); null when not given. */
  elapsedMs: number | null
  /** The SoC: the figure to add to the machine's energy; null when the sample has too few lines to make it. */
  soc: (AppleFigure & { basis: SocBasis }) | null
  /** CPU, GPU, ANE, DRAM: inside `soc`; show them, never add them to it. */
  parts: (AppleFigure & { part: ApplePart })[]
  /** The whole machine as a sensor sees it (macmon sys_power): show it, never add it. */
  platform: AppleFigure[]
}

function appleDevice(id: string, name: string, domain: Domain): DeviceInfo {
  return { deviceId: id, index: null, name, memTotalB: null, source: 'powermetrics', domain, method: 'sampled-power', pciAddress: null, vendor: 'apple' }
}

/** The devices both Apple parsers report (the `source` field says which tool read them). */
export const APPLE_DEVICES: Readonly<Record<'soc' | ApplePart | 'system', DeviceInfo>> = {
  soc: appleDevice('apple:soc', 'Apple Silicon SoC', 'soc'),
  cpu: appleDevice('apple:cpu', 'Apple Silicon CPU (inside the SoC)', 'cpu-package'),
  gpu: appleDevice('apple:gpu', 'Apple Silicon GPU (inside the SoC)', 'gpu'),
  ane: appleDevice('apple:ane', 'Apple Neural Engine (inside the SoC)', 'ane'),
  dram: appleDevice('apple:dram', 'Memory (DRAM, inside the SoC package)', 'dram'),
  system: appleDevice('apple:system', 'Whole Mac (SMC system power)', 'platform'),
}

/** Highest believable power of any one Apple figure, W (an M-series Ultra under full load is far below). */
export const MAX_PLAUSIBLE_APPLE_POWER_W = 1000

/** Power figures of one sample, W; null when not printed. */
export interface ApplePowers {
  cpuW: number | null
  gpuW: number | null
  aneW: number | null
  dramW: number | null
  packageW: number | null
  /** CPU + GPU + ANE, as the tool computed it (powermetrics "Combined Power", macmon all_power). */
  combinedW: number | null
  /** The whole machine (macmon sys_power). */
  systemW: number | null
}

/** Builds a sample from power figures (shared by the powermetrics and macmon parsers). */
export function appleSample(powers: ApplePowers, wallMs: number, elapsedMs: number | null, source: string): AppleSample {
  const figure = (device: DeviceInfo, powerW: number): AppleFigure => {
    const reading = emptyReading(device.deviceId, wallMs)
    reading.powerW = powerW
    return { device: { ...device, source }, reading }
  }
  const parts: AppleSample['parts'] = []
  for (const [part, powerW] of [
    ['cpu', powers.cpuW],
    ['gpu', powers.gpuW],
    ['ane', powers.aneW],
    ['dram', powers.dramW],
  ] as const) {
    if (powerW !== null) parts.push({ ...figure(APPLE_DEVICES[part], powerW), part })
  }
  let soc: AppleSample['soc'] = null
  const { cpuW, gpuW, aneW, dramW } = powers
  if (powers.packageW !== null) soc = { ...figure(APPLE_DEVICES.soc, powers.packageW), basis: 'package' }
  else if (powers.combinedW !== null || (cpuW !== null && gpuW !== null && aneW !== null)) {
    const combined = powers.combinedW ?? (cpuW ?? 0) + (gpuW ?? 0) + (aneW ?? 0)
    soc =
      dramW === null
        ? { ...figure(APPLE_DEVICES.soc, combined), basis: 'cpu+gpu+ane' }
        : { ...figure(APPLE_DEVICES.soc, combined + dramW), basis: 'cpu+gpu+ane+dram' }
  }
  const platform = powers.systemW === null ? [] : [figure(APPLE_DEVICES.system, powers.systemW)]
  return { wallMs, elapsedMs, soc, parts, platform }
}

/** Where Wattprint finds powermetrics, and the arguments it runs it with (a sudoers rule must name them exactly). */
export const POWERMETRICS_PATH = '/usr/bin/powermetrics'
export const POWERMETRICS_ARGS: readonly string[] = ['--samplers', 'cpu_power,gpu_power,ane_power', '-i', '1000']
/** The sudoers drop-in the fix asks for (edited with `sudo visudo -f`, which checks it before saving). */
export const POWERMETRICS_SUDOERS_FILE = '/etc/sudoers.d/wattprint-powermetrics'

/**
 * The sudoers line that lets `user` run exactly `/usr/bin/powermetrics` with Wattprint's arguments,
 * without a password, and nothing else (commas inside an argument must be escaped in sudoers).
 * A user name that is not a plain macOS short name (or is sudoers' keyword ALL, which would mean
 * every user) is replaced by a placeholder to edit.
 */
export function powermetricsSudoersRule(user: string, args: readonly string[] = POWERMETRICS_ARGS): string {
  const who = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(user) && user !== 'ALL' ? user : 'YOUR_USER_NAME'
  return `${who} ALL=(root) NOPASSWD: ${POWERMETRICS_PATH} ${args.map((a) => a.replace(/([\\,:=])/g, '\\$1')).join(' ')}`
}

/** How to let Wattprint read powermetrics without running as root: macmon, or one sudoers rule for exactly this command. */
export function powermetricsPermissionFix(user: string, args: readonly string[] = POWERMETRICS_ARGS): Message {
  return message('fix.powermetrics-root', {
    file: POWERMETRICS_SUDOERS_FILE,
    rule: powermetricsSudoersRule(user, args),
    command: `sudo -n ${POWERMETRICS_PATH} ${args.join(' ')}`,
  })
}

/**
 * What powermetrics' (or sudo's) own words say: `permission` when it must run as root or sudo
 * refuses it without a password, with the fix for `user`; anything else is `other`, without a fix.
 */
export function diagnosePowermetricsOutput(text: string, user: string): { state: Extract<SourceState, 'permission' | 'other'>; fix: Message | null } {
  if (/must be invoked as the superuser|a password is required|is not in the sudoers file|not allowed to execute/i.test(text)) {
    return { state: 'permission', fix: powermetricsPermissionFix(user) }
  }
  return { state: 'other', fix: null }
}

export type PowermetricsSkipReason = 'bad-header' | 'no-power' | 'implausible-power' | 'too-long'

export type PowermetricsEvent = { kind: 'sample'; sample: AppleSample } | { kind: 'skipped'; reason: PowermetricsSkipReason; detail: string }

const HEADER = /^\*\*\* Sampled system activity \((.*)\) \((\d{1,9}(?:\.\d{1,6})?)\s*ms elapsed\) \*\*\*\s*$/
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
/** A block longer than this is not powermetrics text (a real one with every sampler is a few hundred lines). */
const MAX_BLOCK_LINES = 20_000
const MAX_LINE_CHARS = 64 * 1024

/** `Fri Nov 10 12:37:08 2023 +0100` (powermetrics' date, ctime order with a UTC offset) → ms since the epoch, or null. */
export function parsePowermetricsDate(text: string): number | null {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) ([+-])(\d{2})(\d{2})$/.exec(text.trim())
  if (!m) return null
  const [, mon, day, hh, mm, ss, year, sign, oh, om] = m
  const month = MONTHS.indexOf(mon ?? '')
  if (month < 0 || Number(day) < 1 || Number(day) > 31 || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) return null
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000
  return Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)) - offsetMs
}

/** One block (header line included) → a sample, or why it was skipped. */
export function parsePowermetricsBlock(lines: readonly string[]): PowermetricsEvent {
  const header = HEADER.exec(lines[0] ?? '')
  const wallMs = header ? parsePowermetricsDate(header[1] ?? '') : null
  if (!header || wallMs === null)
    return { kind: 'skipped', reason: 'bad-header', detail: `"${printable(lines[0] ?? '', 80)}" is not a powermetrics sample header with a date` }
  const elapsedMs = Number(header[2])
  const powers: ApplePowers = { cpuW: null, gpuW: null, aneW: null, dramW: null, packageW: null, combinedW: null, systemW: null }
  const keys: Readonly<Record<string, keyof ApplePowers>> = { CPU: 'cpuW', GPU: 'gpuW', ANE: 'aneW', DRAM: 'dramW', Package: 'packageW' }
  for (const line of lines.slice(1)) {
    const m = /^(CPU|GPU|ANE|DRAM|Package|Combined) Power(?: \(CPU \+ GPU \+ ANE\))?: (\d{1,9}(?:\.\d{1,6})?) ?(mW|W)\s*$/.exec(line)
    if (!m) continue
    const value = Number(m[2])
    const powerW = m[3] === 'W' ? value : wattsFromMilliwatts(value)
    if (powerW > MAX_PLAUSIBLE_APPLE_POWER_W) {
      return { kind: 'skipped', reason: 'implausible-power', detail: `"${printable(line, 80)}": more than ${MAX_PLAUSIBLE_APPLE_POWER_W} W` }
    }
    const key = m[1] === 'Combined' ? 'combinedW' : keys[m[1] ?? '']
    // A newer macOS prints "GPU Power" twice (processor summary, then GPU section): the first is the one the totals use.
    if (key && powers[key] === null) powers[key] = powerW
  }
  const sample = appleSample(powers, wallMs, elapsedMs, 'powermetrics')
  if (sample.parts.length === 0 && sample.soc === null)
    return { kind: 'skipped', reason: 'no-power', detail: `sample at ${printable(header[1] ?? '', 40)} has no power line (sampler cpu_power missing?)` }
  return { kind: 'sample', sample }
}

/**
 * A streaming reader of `powermetrics` text (one long-lived process): feed it chunks as they arrive,
 * get each sample once the next one starts (its header closes the previous block), and the last one
 * at `end()`. Text before the first header (machine model, OS version, boot time) is ignored.
 * Never throws; a block it cannot use comes back as `skipped` with a reason.
 */
export class PowermetricsStream {
  private partial = ''
  private block: string[] | null = null
  private blockTooLong = false

  /** Adds a chunk of stdout; returns the blocks it completed. */
  push(chunk: string): PowermetricsEvent[] {
    const events: PowermetricsEvent[] = []
    const text = this.partial + chunk
    const lines = text.split('\n')
    this.partial = lines.pop() ?? ''
    if (this.partial.length > MAX_LINE_CHARS) this.partial = ''
    for (const raw of lines) this.line(raw.replace(/\r$/, ''), events)
    return events
  }

  /** The stream ended (the process exited): completes the last block. */
  end(): PowermetricsEvent[] {
    const events: PowermetricsEvent[] = []
    if (this.partial !== '') this.line(this.partial.replace(/\r$/, ''), events)
    this.partial = ''
    this.close(events)
    return events
  }

  private line(line: string, events: PowermetricsEvent[]): void {
    const clean = line.replaceAll('\u0000', '')
    if (clean.startsWith('*** Sampled system activity')) {
      this.close(events)
      this.block = [clean]
      return
    }
    if (!this.block) return
    if (this.block.length >= MAX_BLOCK_LINES) {
      this.blockTooLong = true
      return
    }
    this.block.push(clean.length > MAX_LINE_CHARS ? '' : clean)
  }

  private close(events: PowermetricsEvent[]): void {
    if (!this.block) return
    events.push(
      this.blockTooLong
        ? { kind: 'skipped', reason: 'too-long', detail: `a sample of more than ${MAX_BLOCK_LINES} lines` }
        : parsePowermetricsBlock(this.block),
    )
    this.block = null
    this.blockTooLong = false
  }
}

/** A whole powermetrics text (a saved log) → its samples and skipped blocks, in order. */
export function parsePowermetricsText(text: string): PowermetricsEvent[] {
  const stream = new PowermetricsStream()
  return [...stream.push(text), ...stream.end()]
}
