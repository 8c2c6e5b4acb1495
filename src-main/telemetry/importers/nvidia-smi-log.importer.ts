import { createHash } from 'node:crypto'
import { WattprintError } from '../../contract/errors.ts'
import { basename } from 'node:path'
import type { Device, Sample } from '../../contract/telemetry.ts'
import type { ImportSummary } from '../../contract/history.ts'
import { detectFrozenPower, looksInterleaved } from '../../core/log-sanity.ts'
import { intervalEnergy } from '../../core/integration.ts'
import { planImport } from '../../core/overlap.ts'
import { epochMsFromLocalParts } from '../../core/time.ts'
import { parseNvidiaSmiLog, type SkipTally } from '../parsers/nvidia-smi-log.parse.ts'
import { sanitizeName, type NvidiaRecord } from '../parsers/nvidia-smi-csv.parse.ts'
import { toReadingAndDevice } from '../readers/nvidia-smi.reader.ts'
import { deviceOf, type HistorySink, type IngestRow } from '../../recording/sink.ts'

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
export function importNvidiaSmiLog(store: HistorySink, text: string, options: { file: string; zone?: string; maxGapS: number; nowMs: number }): ImportSummary {
  const parsed = parseNvidiaSmiLog(text)
  if (!parsed.ok) throw WattprintError.of('bad-input', { code: parsed.problem.code, params: { ...parsed.problem.params, file: options.file } })
  const zone = options.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
  const skipped: Record<string, SkipTally> = { ...parsed.log.skipped } as Record<string, SkipTally>
  const skip = (reason: string, line: number, example: string): void => {
    const entry = skipped[reason]
    if (entry) entry.count++
    else skipped[reason] = { count: 1, firstLine: line, example }
  }
  const byDevice = readingsByDevice(parsed.log.records, { text, file: options.file, zone, nowMs: options.nowMs, skip })
  const loggedWithoutIds = !parsed.log.map.fields.includes('uuid') && !parsed.log.map.fields.includes('index')

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
    const added = newReadings(store, device, unique, options.maxGapS)
    for (const row of added.rows) rows.push(row)
    gaps += added.gaps
    covered += added.covered
    devices.push({ deviceId: device.deviceId, name: device.name, rows: samples.length, energyJ: added.energyJ })
    warnings.push(...warningsFor(device, samples, loggedWithoutIds))
  }

  const { inserted, duplicates } = store.ingest(rows)
  const times = rows.map((r) => r.sample.tMs)
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
    // A loop, not Math.min(...times): a year-long log has millions of readings.
    firstMs: times.reduce<number | null>((min, t) => (min === null || t < min ? t : min), null),
    lastMs: times.reduce<number | null>((max, t) => (max === null || t > max ? t : max), null),
    warnings,
  }
}

/**
 * The log's readings grouped by GPU: by uuid, or by name, index and the log's own first lines
 * (never the file's name). Times that are not a date in the zone, or in the future, are skipped.
 */
function readingsByDevice(
  records: readonly { line: number; record: NvidiaRecord }[],
  log: { text: string; file: string; zone: string; nowMs: number; skip: (reason: string, line: number, example: string) => void },
): Map<string, { device: Device; samples: Sample[] }> {
  const byDevice = new Map<string, { device: Device; samples: Sample[] }>()
  const fileName = sanitizeName(basename(log.file)) ?? 'log'
  const logIdentity = identityOf(log.text)
  for (const { line, record } of records) {
    const tMs = epochMsFromLocalParts(record.time, log.zone)
    if (tMs === null) {
      log.skip('bad-timestamp', line, `not a valid date in ${log.zone}`)
      continue
    }
    if (tMs > log.nowMs + FUTURE_SLACK_MS) {
      log.skip('implausible-time', line, `timestamp ${new Date(tMs).toISOString()} is in the future`)
      continue
    }
    const deviceId = record.uuid ?? `log-${hash(`${logIdentity}|${record.name ?? ''}|${record.index ?? 0}`)}`
    let entry = byDevice.get(deviceId)
    if (!entry) {
      const { device } = toReadingAndDevice(withImportName(record, fileName), tMs, 'import')
      entry = { device: deviceOf({ ...device, deviceId }), samples: [] }
      byDevice.set(deviceId, entry)
    }
    // The same fields toReadingAndDevice → sampleOf keep, without the objects in between (millions of lines).
    entry.samples.push({
      tMs,
      deviceId,
      powerW: record.powerW,
      powerLimitW: record.powerLimitW,
      utilPct: record.utilPct,
      memUtilPct: record.memUtilPct,
      memUsedB: record.memUsedB,
      tempC: record.tempC,
      smClockMhz: record.smClockMhz,
      pstate: record.pstate,
    })
  }
  return byDevice
}

/** One GPU's readings that the store does not account for yet, integrated only between neighbours. */
function newReadings(
  store: HistorySink,
  device: Device,
  unique: readonly Sample[],
  maxGapS: number,
): { rows: IngestRow[]; energyJ: number; gaps: number; covered: number } {
  const first = unique[0]?.tMs ?? 0
  const last = unique.at(-1)?.tMs ?? 0
  const stored = store.storedReadings(device.deviceId, first - maxGapS * 1000, last + maxGapS * 1000)
  // Before the raw horizon only hour rollups remain: an hour that holds energy counts as covered.
  const horizon = store.rawHorizonMs()
  const hours = first < horizon ? store.hoursWithEnergy(device.deviceId, first, horizon) : new Set<number>()
  const steps = planImport(
    unique.map((s) => s.tMs),
    stored,
    (tMs) => tMs < horizon && hours.has(Math.floor(tMs / 3_600_000) * 3_600_000),
  )
  const out = { rows: [] as IngestRow[], energyJ: 0, gaps: 0, covered: 0 }
  let prev: Sample | null = null
  for (let i = 0; i < unique.length; i++) {
    const sample = unique[i] as Sample
    const step = steps[i]
    if (!step?.keep) {
      out.covered++
      prev = null
      continue
    }
    const outcome = prev && step.bridge ? intervalEnergy(prev, sample, maxGapS) : null
    if (outcome?.kind === 'gap') out.gaps++
    const energyJ = outcome?.kind === 'energy' ? outcome.energyJ : null
    if (energyJ !== null) out.energyJ += energyJ
    out.rows.push({
      sample,
      device,
      energyJ,
      intervalS: energyJ === null ? null : (outcome?.durationS ?? null),
      gap: outcome?.kind === 'gap',
      method: energyJ === null ? null : 'sampled-power',
    })
    prev = sample
  }
  return out
}

/** What makes a log's energy untrustworthy, said plainly: GPUs that cannot be told apart, a stuck sensor. */
function warningsFor(device: Device, samples: readonly Sample[], loggedWithoutIds: boolean): string[] {
  const warnings: string[] = []
  if (loggedWithoutIds && looksInterleaved(samples.map((s) => s.tMs))) {
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
  return warnings
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
