import { basename } from 'node:path'
import type { Device, Sample } from '../contract/telemetry.ts'
import { detectFrozenPower, looksInterleaved } from '../core/log-sanity.ts'
import { intervalEnergy } from '../core/integration.ts'
import { epochMsFromLocalParts } from '../core/time.ts'
import { parseNvidiaSmiLog, type SkipTally } from '../telemetry/parsers/nvidia-smi-log.parse.ts'
import type { NvidiaRecord } from '../telemetry/parsers/nvidia-smi-csv.parse.ts'
import { toSampleAndDevice } from '../telemetry/readers/nvidia-smi.reader.ts'
import type { IngestRow, SampleStore } from './sample-store.ts'

export interface ImportSummary {
  file: string
  zone: string
  rows: number
  imported: number
  /** Rows already in the database (the same log imported before). */
  alreadyStored: number
  skipped: Record<string, SkipTally>
  devices: { deviceId: string; name: string; rows: number; energyJ: number }[]
  energyJ: number
  gaps: number
  firstMs: number | null
  lastMs: number | null
  warnings: string[]
}

export class ImportError extends Error {
  override readonly name = 'ImportError'
}

/**
 * Imports an nvidia-smi CSV log: parses it, integrates each GPU's power with the same rule as
 * live recording, and stores it in one transaction (all or nothing).
 */
export function importNvidiaSmiLog(
  store: SampleStore,
  text: string,
  options: { file: string; zone?: string; maxGapS: number },
): ImportSummary {
  const parsed = parseNvidiaSmiLog(text)
  if (!parsed.ok) throw new ImportError(`${options.file}: ${parsed.message}`)
  const zone = options.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
  const skipped: Record<string, SkipTally> = { ...parsed.log.skipped } as Record<string, SkipTally>
  const byDevice = new Map<string, { device: Device; samples: Sample[] }>()
  const fileName = basename(options.file)

  for (const { line, record } of parsed.log.records) {
    const tMs = epochMsFromLocalParts(record.time, zone)
    if (tMs === null) {
      const entry = skipped['bad-timestamp'] ?? { count: 0, firstLine: line, example: 'not a valid date in the zone' }
      entry.count++
      skipped['bad-timestamp'] = entry
      continue
    }
    const { sample, device } = toSampleAndDevice(withImportName(record, fileName), tMs, `import:${fileName}`)
    // Without a UUID the log cannot be tied to a live GPU: it gets its own device per file and index.
    const deviceId = record.uuid ?? `import:${fileName}:${record.index ?? 0}`
    const entry = byDevice.get(deviceId) ?? { device: { ...device, deviceId }, samples: [] }
    entry.samples.push({ ...sample, deviceId })
    byDevice.set(deviceId, entry)
  }

  const rows: IngestRow[] = []
  const devices: ImportSummary['devices'] = []
  const warnings: string[] = []
  let gaps = 0
  for (const { device, samples } of byDevice.values()) {
    samples.sort((a, b) => a.tMs - b.tMs)
    let energyJ = 0
    let prev: Sample | null = null
    for (const sample of samples) {
      if (prev && sample.tMs === prev.tMs) {
        const entry = skipped['duplicate-time'] ?? { count: 0, firstLine: 0, example: `two readings of ${device.name} at the same instant` }
        entry.count++
        skipped['duplicate-time'] = entry
        continue
      }
      const outcome = prev ? intervalEnergy(prev, sample, options.maxGapS) : null
      const gap = outcome?.kind === 'gap'
      if (gap) gaps++
      const intervalEnergyJ = outcome?.kind === 'energy' ? outcome.energyJ : null
      if (intervalEnergyJ !== null) energyJ += intervalEnergyJ
      rows.push({ sample, device, energyJ: intervalEnergyJ, intervalS: intervalEnergyJ === null ? null : (outcome?.durationS ?? null), gap })
      prev = sample
    }
    devices.push({ deviceId: device.deviceId, name: device.name, rows: samples.length, energyJ })
    if (!parsed.log.map.fields.includes('uuid') && !parsed.log.map.fields.includes('index') && looksInterleaved(samples.map((s) => s.tMs))) {
      warnings.push(
        `${device.name}: readings come in bursts a few ms apart, as when several GPUs are logged without an index ` +
          'or uuid column; they cannot be told apart, so this energy is wrong. Log again with --query-gpu=timestamp,index,uuid,...',
      )
    }
    const frozen = detectFrozenPower(samples)
    if (frozen) {
      warnings.push(
        `${device.name}: power.draw never changed (${frozen.powerW} W for all ${frozen.readings} readings over ` +
          `${Math.round(frozen.durationS)} s) while temperature or utilisation did: the power sensor looks stuck, ` +
          'so the energy from this log is not trustworthy',
      )
    }
  }

  const { inserted, duplicates } = store.ingest(rows)
  const times = rows.map((r) => r.sample.tMs)
  const firstMs = times.reduce<number | null>((min, t) => (min === null || t < min ? t : min), null)
  const lastMs = times.reduce<number | null>((max, t) => (max === null || t > max ? t : max), null)
  return {
    file: options.file,
    zone,
    rows: parsed.log.records.length + Object.values(parsed.log.skipped).reduce((n, t) => n + (t?.count ?? 0), 0),
    imported: inserted,
    alreadyStored: duplicates,
    skipped,
    devices,
    energyJ: devices.reduce((sum, d) => sum + d.energyJ, 0),
    gaps,
    firstMs,
    lastMs,
    warnings,
  }
}

function withImportName(record: NvidiaRecord, fileName: string): NvidiaRecord {
  return { ...record, name: record.name ?? `GPU ${record.index ?? 0} from ${fileName}` }
}
