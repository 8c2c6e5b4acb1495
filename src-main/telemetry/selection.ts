import { message, type Message } from '../contract/messages.ts'
import type { SourceId } from '../contract/telemetry.ts'
import type { DeviceInfo } from './reading.ts'
import type { ProbeResult } from './source.ts'

export interface Selected {
  sourceId: SourceId
  devices: DeviceInfo[]
}

export interface Dropped {
  sourceId: SourceId
  deviceId: string
  /** Why another source reads it instead. */
  reason: Message
}

/** Sources that find their devices only when they run, and the vendor they read. */
const LAZY_SOURCE_VENDOR: Partial<Record<SourceId, DeviceInfo['vendor']>> = { 'nvidia-smi': 'nvidia', replay: null, demo: null }

/** The same physical device seen by two sources: NVIDIA's UUID, else the PCI address, else the id. */
function matchKey(device: DeviceInfo): string {
  return device.pciAddress ? `pci:${device.pciAddress.toLowerCase()}` : device.deviceId
}

/**
 * Which source reads which device, when several see the same one: an energy counter beats sampled
 * power (NVML's total energy over nvidia-smi's power), then the registry's order. A whole-SoC
 * figure (Apple Silicon, an AMD APU) already holds the CPU cores, so RAPL's package is not added
 * beside it; a platform figure (RAPL psys) holds everything and is never summed with the rest.
 */
export function selectSources(results: readonly ProbeResult[], order: readonly SourceId[]): { selected: Selected[]; dropped: Dropped[] } {
  const rank = (id: SourceId): number => {
    const i = order.indexOf(id)
    return i < 0 ? order.length : i
  }
  const best = new Map<string, { sourceId: SourceId; device: DeviceInfo }>()
  const dropped: Dropped[] = []
  const ok = results.filter((r) => r.state === 'ok')
  // A platform figure (RAPL psys, macmon's system power) already holds every other part: shown, never added.
  for (const r of ok)
    for (const d of r.devices.filter((x) => x.domain === 'platform'))
      dropped.push({ sourceId: r.sourceId, deviceId: d.deviceId, reason: message('source.platform-not-added') })
  const candidates = ok.flatMap((r) => r.devices.filter((d) => d.domain !== 'platform').map((device) => ({ sourceId: r.sourceId, device })))
  const hasSoc = candidates.some((c) => c.device.domain === 'soc')
  for (const c of candidates) {
    // A whole-SoC figure (Apple Silicon's package, an AMD APU's PPT) holds the CPU cores: RAPL's package would count them twice.
    if (hasSoc && c.device.domain === 'cpu-package') {
      dropped.push({ sourceId: c.sourceId, deviceId: c.device.deviceId, reason: message('source.inside-soc') })
      continue
    }
    const key = matchKey(c.device)
    const current = best.get(key)
    const better =
      !current ||
      (c.device.method === 'counter' && current.device.method !== 'counter') ||
      (c.device.method === current.device.method && rank(c.sourceId) < rank(current.sourceId))
    if (!better) {
      dropped.push({ sourceId: c.sourceId, deviceId: c.device.deviceId, reason: message('source.read-by-other', { other: current.sourceId }) })
      continue
    }
    if (current) dropped.push({ sourceId: current.sourceId, deviceId: current.device.deviceId, reason: message('source.read-by-other', { other: c.sourceId }) })
    best.set(key, c)
  }
  const bySource = new Map<SourceId, DeviceInfo[]>()
  for (const { sourceId, device } of best.values()) bySource.set(sourceId, [...(bySource.get(sourceId) ?? []), device])
  // A source that finds its devices only when it runs (nvidia-smi) is opened unless a better source
  // of the same vendor already reads devices (NVML, which nvidia-smi itself is built on).
  const readerOfVendor = new Map([...best.values()].map((c) => [c.device.vendor ?? null, c.sourceId]))
  for (const r of results) {
    if (r.state !== 'ok' || r.devices.length > 0) continue
    const vendor = LAZY_SOURCE_VENDOR[r.sourceId]
    const other = vendor ? readerOfVendor.get(vendor) : undefined
    if (other) dropped.push({ sourceId: r.sourceId, deviceId: '*', reason: message('source.read-by-other', { other }) })
    else bySource.set(r.sourceId, [])
  }
  const selected = [...bySource.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([sourceId, devices]) => ({ sourceId, devices }))
  return { selected, dropped }
}
