import type { Message } from '../contract/messages.ts'
import type { ProbedDevice, ProbedSource, SourceId } from '../contract/telemetry.ts'
import type { DeviceInfo, Reading } from './reading.ts'
import { probeAll } from './registry.ts'
import { selectSources } from './selection.ts'
import type { ProbeResult, SourceEnv, SourceReader, TelemetrySource } from './source.ts'

/** Two readings of each device, a moment apart: enough for a power from an energy counter. */
type Pair = { device: DeviceInfo; first: { reading: Reading; atMs: number }; last: { reading: Reading; atMs: number } | null }

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Reads a source's devices twice (a poll source) or until each device spoke twice (a stream), within a time limit. */
async function twoReadings(reader: SourceReader, options: { gapMs: number; timeoutMs: number }): Promise<Map<string, Pair>> {
  const pairs = new Map<string, Pair>()
  const take = (reading: Reading, device: DeviceInfo): void => {
    const now = performance.now()
    const pair = pairs.get(device.deviceId)
    if (!pair) pairs.set(device.deviceId, { device, first: { reading, atMs: now }, last: null })
    else pair.last = { reading, atMs: now }
  }
  if (reader.kind === 'poll') {
    for (const { reading, device } of (await reader.read()).readings) take(reading, device)
    await sleep(options.gapMs)
    for (const { reading, device } of (await reader.read()).readings) take(reading, device)
    reader.close()
    return pairs
  }
  reader.start({ onReading: take, onStatus: () => undefined })
  const started = performance.now()
  while (performance.now() - started < options.timeoutMs) {
    if (pairs.size > 0 && [...pairs.values()].every((p) => p.last !== null)) break
    await sleep(50)
  }
  await reader.stop()
  return pairs
}

function probedDevice(device: DeviceInfo, pair: Pair | undefined, notRecorded: Message | null): ProbedDevice {
  const latest = pair?.last?.reading ?? pair?.first.reading ?? null
  let powerW = latest?.powerW ?? null
  let powerFrom: ProbedDevice['powerFrom'] = powerW === null ? null : 'reading'
  const a = pair?.first
  const b = pair?.last
  if (powerW === null && a && b && a.reading.energyCounterJ !== null && b.reading.energyCounterJ !== null && b.atMs > a.atMs) {
    let delta = b.reading.energyCounterJ - a.reading.energyCounterJ
    if (delta < 0 && b.reading.counterRangeJ !== null) delta += b.reading.counterRangeJ
    if (delta >= 0) {
      powerW = delta / ((b.atMs - a.atMs) / 1000)
      powerFrom = 'counter'
    }
  }
  return {
    deviceId: device.deviceId,
    index: device.index,
    name: device.name,
    memTotalB: device.memTotalB,
    source: device.source,
    domain: device.domain,
    method: device.method,
    partOf: device.partOf ?? null,
    pciAddress: device.pciAddress ?? null,
    vendor: device.vendor ?? null,
    powerW,
    powerFrom,
    energyCounterJ: latest?.energyCounterJ ?? null,
    notRecorded,
  }
}

/**
 * Every source of the registry as found here, with its state, precision and devices, each device
 * with one reading (two reads `gapMs` apart, so a counter-only device gets a power too) and, when
 * it is found but not recorded, why. A sleeping GPU stays asleep: its source reads nothing.
 */
export async function probeReport(
  env: SourceEnv,
  sources: readonly TelemetrySource[],
  order: readonly SourceId[],
  options: { gapMs: number; timeoutMs: number },
): Promise<ProbedSource[]> {
  const results: ProbeResult[] = await probeAll(env, sources)
  const { selected, dropped } = selectSources(results, order)
  const selectedIds = new Set(selected.map((s) => s.sourceId))
  const byId = new Map(sources.map((s) => [s.id, s]))
  return Promise.all(
    results.map(async (result): Promise<ProbedSource> => {
      const source = byId.get(result.sourceId)
      const pairs =
        result.state === 'ok' && source
          ? // Both readings from the counter itself (not paced): the probe shows what each source measures.
            await twoReadings(source.open({ ...env, nvmlCounterEveryMs: 0 }, result.devices, { intervalMs: options.gapMs }), options)
          : new Map<string, Pair>()
      // A source that finds its devices as it runs (nvidia-smi) lists what it read.
      const devices = result.devices.length > 0 ? result.devices : [...pairs.values()].map((p) => p.device)
      const why = (deviceId: string): Message | null =>
        dropped.find((d) => d.sourceId === result.sourceId && (d.deviceId === deviceId || d.deviceId === '*'))?.reason ?? null
      return {
        sourceId: result.sourceId,
        state: result.state,
        precision: result.precision,
        message: result.message,
        fix: result.fix,
        raw: result.raw,
        selected: selectedIds.has(result.sourceId),
        devices: devices.map((d) => probedDevice(d, pairs.get(d.deviceId), why(d.deviceId))),
      }
    }),
  )
}
