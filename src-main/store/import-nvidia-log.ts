import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import type { Device, Sample } from '../contract/telemetry.ts'
import { detectFrozenPower, looksInterleaved } from '../core/log-sanity.ts'
import { intervalEnergy } from '../core/integration.ts'
import { planImport } from '../core/overlap.ts'
import { epochMsFromLocalParts } from '../core/time.ts'
import { parseNvidiaSmiLog, type SkipTally } from '../telemetry/parsers/nvidia-smi-log.parse.ts'
import { sanitizeName, type NvidiaRecord } from '../telemetry/parsers/nvidia-smi-csv.parse.ts'
import { toSampleAndDevice } from '../telemetry/readers/nvidia-smi.reader.ts'
import type { IngestRow, SampleStore } from './sample-store.ts'

export interface ImportSummary {
  file: string
  zone: string
  rows: number
  imported: number
  /** Readings the database already accounted for (the same log imported before, or recorded live). */
  alreadyStored: number
  skipped: Record<string, SkipTally>
  devices: { deviceId: string; name: string; rows: number; energyJ: number }[]
  /** Energy this import added, J (what was already stored is not counted again). */
  energyJ: number
  gaps: number
  firstMs: number | null
  lastMs: number | null
  warnings: string[]
}

export class ImportError extends Error {
  override readonly name = 'ImportError'
}

/** Readings dated more than this after now are refused: a log cannot come from the future. */
const FUTURE_SLACK_MS = 86_400_000
/** Data lines hashed to recognise a log without uuids (a renamed copy, or the same log grown longer). */
const IDENTITY_LINES = 10

/**
 * Imports an nvidia-smi CSV log: parses it, integrates each GPU's power with the same rule as
 * live recording, and stores it in one transaction (all or nothing).
 *
 * Nothing is counted twice: a GPU is known by its uuid, or — for a log without one — by its name,
 * index and a hash of the log's first lines (never the file's name, so a renamed copy is the same
 * GPU); readings inside intervals the database already integrated (live or from an earlier
 * import) are not stored again, and energy is integrated only between readings nothing stored
 * lies between.
 */
export function importNvidiaSmiLog(
  store: SampleStore,
  text: string,
  options: { file: string; zone?: string; maxGapS: number; nowMs: number },
): ImportSummary {
  const parsed = parseNvidiaSmiLog(text)
  if (!parsed.ok) throw new ImportError(`${options.file}: ${parsed.message}`)
  const zone = options.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
  const skipped: Record<string, SkipTally> = { ...parsed.log.skipped } as Record<string, SkipTally>
  const skip = (reason: string, line: number, example: string): void => {
    const entry = skipped[reason]
    if (entry) entry.count++
    else skipped[reason] = { count: 1, firstLine: line, example }
  }
  const byDevice = new Map<string, { device: Device; samples: Sample[] }>()
  const fileName = sanitizeName(basename(options.file)) ?? 'log'
  const logIdentity = identityOf(text)

  for (const { line, record } of parsed.log.records) {
    const tMs = epochMsFromLocalParts(record.time, zone)
    if (tMs === null) {
      skip('bad-timestamp', line, `not a valid date in ${zone}`)
      continue
    }
    if (tMs > options.nowMs + FUTURE_SLACK_MS) {
      skip('implausible-time', line, `timestamp ${new Date(tMs).toISOString()} is in the future`)
      continue
    }
    const { sample, device } = toSampleAndDevice(withImportName(record, fileName), tMs, 'import')
    const deviceId = record.uuid ?? `log-${hash(`${logIdentity}|${record.name ?? ''}|${record.index ?? 0}`)}`
    const entry = byDevice.get(deviceId) ?? { device: { ...device, deviceId }, samples: [] }
    entry.samples.push({ ...sample, deviceId })
    byDevice.set(deviceId, entry)
  }

  const rows: IngestRow[] = []
  const devices: ImportSummary['devices'] = []
  const warnings: string[] = []
  let gaps = 0
  let covered = 0
  for (const { device, samples } of byDevice.values()) {
    samples.sort((a, b) => a.tMs - b.tMs)
    const unique = samples.filter((s, i) => {
      const repeated = i > 0 && s.tMs === samples[i - 1]?.tMs
      if (repeated) skip('duplicate-time', 0, `two readings of ${device.name} at the same instant`)
      return !repeated
    })
    const first = unique[0]?.tMs ?? 0
    const last = unique.at(-1)?.tMs ?? 0
    const maxGapMs = options.maxGapS * 1000
    const stored = store.storedReadings(device.deviceId, first - maxGapMs, last + maxGapMs)
    // Before the raw horizon only hour rollups remain: an hour that holds energy counts as covered.
    const horizon = store.rawHorizonMs()
    const hours = first < horizon ? store.hoursWithEnergy(device.deviceId, first, horizon) : new Set<number>()
    const steps = planImport(unique.map((s) => s.tMs), stored, (tMs) => tMs < horizon && hours.has(Math.floor(tMs / 3_600_000) * 3_600_000))
    let energyJ = 0
    let prev: Sample | null = null
    for (let i = 0; i < unique.length; i++) {
      const sample = unique[i] as Sample
      const step = steps[i]
      if (!step?.keep) {
        covered++
        prev = null
        continue
      }
      const outcome = prev && step.bridge ? intervalEnergy(prev, sample, options.maxGapS) : null
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
    alreadyStored: duplicates + covered,
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

/** The log's header and first data lines: the same for a renamed copy and for the log grown longer. */
function identityOf(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  return hash(lines.slice(0, 1 + IDENTITY_LINES).join('\n'))
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}
