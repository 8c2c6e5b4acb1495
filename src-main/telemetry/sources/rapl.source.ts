import { message } from '../../contract/messages.ts'
import { RAPL_PERMISSION_FIX, raplDomains, raplReadings, readZone, scanRapl, type RaplPick } from '../parsers/rapl.parse.ts'
import type { DeviceInfo, Reading } from '../reading.ts'
import type { PollReader, PollStatus, SourceEnv, TelemetrySource } from '../source.ts'

const TOOL = 'RAPL (powercap)'

/**
 * CPU package and DRAM energy, Intel and AMD, through the kernel's powercap RAPL counters
 * (`class/powercap/intel-rapl:N/energy_uj`, µJ, wrapping at `max_energy_range_uj`). Packages and
 * DRAM are recorded; core/uncore are inside their package and psys is the whole platform, so
 * neither is added. Since the CVE-2020-8694 fix the counters are root-only: that is a state with
 * a fix, never a reason to run as root.
 */
export const raplSource: TelemetrySource = {
  id: 'rapl',
  covers: ['cpu-package', 'dram', 'platform'],
  platforms: ['linux'],
  async probe(env) {
    const scan = scanRapl(env.readFile, env.listDir)
    if (scan.state === 'no-zones')
      return {
        sourceId: 'rapl',
        state: 'no-device',
        devices: [],
        precision: null,
        message: message('source.no-device', { tool: TOOL }),
        fix: scan.fix,
        raw: null,
      }
    const domains = raplDomains(scan.zones)
    if (scan.state === 'permission') {
      const path = `${env.sysfsRoot.replace(/\/$/, '')}/${domains.record[0]?.zone.path ?? 'class/powercap'}/energy_uj`
      return {
        sourceId: 'rapl',
        state: 'permission',
        devices: domains.record.map((p) => p.device),
        precision: null,
        message: message('source.rapl-permission', { path }),
        fix: scan.fix,
        raw: null,
      }
    }
    const readable = domains.record.filter((p) => p.zone.energyCounterJ !== null)
    return {
      sourceId: 'rapl',
      state: 'ok',
      devices: [...readable.map((p) => p.device), ...domains.platform.map((p) => p.device)],
      precision: 'counter',
      message: message('source.found-devices', { tool: TOOL, count: readable.length }),
      fix: null,
      raw: domains.ignored.map((i) => i.why).join('; ') || null,
    }
  },
  open(env, devices) {
    return new RaplPoll(env, devices)
  },
}

class RaplPoll implements PollReader {
  readonly kind = 'poll'
  readonly sourceId = 'rapl'
  readonly precision = 'counter' as const
  private readonly env: SourceEnv
  /** The zones to read, found once: each poll re-reads only their counters (no walk of the tree). */
  private readonly picks: RaplPick[]

  constructor(env: SourceEnv, devices: readonly DeviceInfo[]) {
    this.env = env
    const wanted = new Set(devices.map((d) => d.deviceId))
    const scan = scanRapl(env.readFile, env.listDir)
    this.picks = raplDomains(scan.zones).record.filter((p) => wanted.has(p.device.deviceId))
  }

  async read(): Promise<{ readings: { reading: Reading; device: DeviceInfo }[]; status: PollStatus | null }> {
    const picks = this.picks.map((p) => ({ ...p, zone: readZone(this.env.readFile, p.zone.id, p.zone.path) }))
    // Permission revoked (or never granted to this zone): say so, with the fix; nothing is guessed.
    if (picks.length === 0 || picks.every((p) => p.zone.energyCounterJ === null)) {
      return {
        readings: [],
        status: {
          state: 'permission',
          message: message('source.rapl-permission', { path: `${this.env.sysfsRoot}/class/powercap` }),
          fix: RAPL_PERMISSION_FIX,
          raw: null,
        },
      }
    }
    return { readings: raplReadings(picks, this.env.clock.nowMs()), status: null }
  }

  close(): void {}
}
