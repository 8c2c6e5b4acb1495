import { message } from '../../contract/messages.ts'
import { readDrmCard, scanDrmHwmon, type DrmAsleep, type DrmGpu } from '../parsers/drm-hwmon.parse.ts'
import type { DeviceInfo, Reading } from '../reading.ts'
import type { PollReader, PollStatus, SourceEnv, TelemetrySource } from '../source.ts'

const TOOL = 'amdgpu/xe hwmon'

/**
 * AMD and Intel GPUs (and AMD APUs) through the kernel's hwmon files under
 * `class/drm/cardN/device/hwmon`: energy counters where the driver has them (xe), else
 * power1_average / power1_input. A card in PCI runtime suspend is reported asleep and not read.
 */
export const drmHwmonSource: TelemetrySource = {
  id: 'drm-hwmon',
  covers: ['gpu', 'soc'],
  platforms: ['linux'],
  async probe(env) {
    const scan = scanDrmHwmon(env.readFile, env.listDir, env.clock.nowMs())
    const read = scan.gpus.filter((g) => g.device.vendor !== 'nvidia')
    const asleep = scan.asleep.filter((a) => a.device.vendor !== 'nvidia').map((a) => a.device)
    const devices = [...read.map((g) => g.device), ...asleep]
    const unreadable = read.filter((g) => g.reading.powerW === null && g.reading.energyCounterJ === null)
    if (devices.length === 0) {
      const amdWithoutHwmon = scan.skipped.some((s) => s.reason === 'no-hwmon')
      return {
        sourceId: 'drm-hwmon',
        state: 'no-device',
        devices: [],
        precision: null,
        message: message('source.no-device', { tool: TOOL }),
        fix: amdWithoutHwmon ? message('fix.amdgpu-driver') : null,
        raw: scan.skipped.map((s) => `${s.card}: ${s.detail}`).join('; ') || null,
      }
    }
    if (read.length === 0)
      return { sourceId: 'drm-hwmon', state: 'asleep', devices, precision: null, message: message('source.asleep', { tool: TOOL }), fix: null, raw: null }
    const precision = read.every((g) => g.device.method === 'counter') ? 'counter' : 'sampled-power'
    const notes = read.flatMap((g) => g.notes.map((n) => `${g.device.name}: ${n.detail}`))
    return {
      sourceId: 'drm-hwmon',
      state: 'ok',
      devices,
      precision,
      message:
        unreadable.length > 0
          ? message('source.no-power-reading', { tool: TOOL, name: unreadable.map((g) => g.device.name).join(', ') })
          : message('source.found-devices', { tool: TOOL, count: devices.length }),
      fix: null,
      raw: notes.join('; ') || null,
    }
  },
  open(env, devices) {
    return new DrmHwmonPoll(env, devices)
  },
}

class DrmHwmonPoll implements PollReader {
  readonly kind = 'poll'
  readonly sourceId = 'drm-hwmon'
  readonly precision
  private readonly env: SourceEnv
  /** The cards to read, found once: a poll reads only them (a card that sleeps, wakes or leaves shows as it is). */
  private readonly cards: string[]
  /** The energy counter each device was last read from (xe: card or pkg): a change is a reset, not energy. */
  private readonly energyLabels = new Map<string, string | null>()

  constructor(env: SourceEnv, devices: readonly DeviceInfo[]) {
    this.env = env
    const wanted = new Set(devices.map((d) => d.deviceId))
    const scan = scanDrmHwmon(env.readFile, env.listDir, env.clock.nowMs())
    this.cards = [...scan.gpus.map((g) => ({ card: g.card, id: g.device.deviceId })), ...scan.asleep.map((a) => ({ card: a.card, id: a.device.deviceId }))]
      .filter((c) => wanted.has(c.id))
      .map((c) => c.card)
    this.precision = devices.length > 0 && devices.every((d) => d.method === 'counter') ? ('counter' as const) : ('sampled-power' as const)
  }

  async read(): Promise<{ readings: { reading: Reading; device: DeviceInfo }[]; status: PollStatus | null }> {
    const wallMs = this.env.clock.nowMs()
    const gpus: DrmGpu[] = []
    const asleep: DrmAsleep[] = []
    for (const card of this.cards) {
      const result = readDrmCard(this.env.readFile, this.env.listDir, card, wallMs)
      if (result.kind === 'gpu') gpus.push(result.gpu)
      else if (result.kind === 'asleep') asleep.push(result.asleep)
    }
    const readings = gpus.map((g) => ({ reading: this.withCounterContinuity(g), device: g.device }))
    if (readings.length === 0 && asleep.length > 0)
      return { readings, status: { state: 'asleep', message: message('source.asleep', { tool: TOOL }), fix: null, raw: null } }
    if (readings.length === 0) return { readings, status: { state: 'no-device', message: message('source.no-device', { tool: TOOL }), fix: null, raw: null } }
    return {
      readings,
      status: asleep.length > 0 ? { state: 'ok', message: message('source.some-asleep', { tool: TOOL, asleep: asleep.length }), fix: null, raw: null } : null,
    }
  }

  close(): void {
    this.energyLabels.clear()
  }

  private withCounterContinuity(gpu: DrmGpu): Reading {
    const id = gpu.device.deviceId
    const before = this.energyLabels.get(id)
    this.energyLabels.set(id, gpu.energyLabel)
    // Another counter than last time (xe falls back from card to pkg): this interval comes from power.
    if (before !== undefined && before !== gpu.energyLabel) return { ...gpu.reading, energyCounterJ: null }
    return gpu.reading
  }
}
