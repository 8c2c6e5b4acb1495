import { createHash } from 'node:crypto'
import { WattprintError } from '../../contract/errors.ts'
import { basename } from 'node:path'
import { sampleAt, type Device, type Sample } from '../../contract/telemetry.ts'
import type { ImportSummary } from '../../contract/history.ts'
import { detectFrozenPower, looksInterleaved } from '../../core/log-sanity.ts'
import { intervalEnergy } from '../../core/integration.ts'
import { planImport } from '../../core/overlap.ts'
import { epochMsFromLocalParts } from '../../core/time.ts'
import { isBlank, lineReader, streamNvidiaSmiLog, type SkipTally } from '../parsers/nvidia-smi-log.parse.ts'
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
  const zone = options.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
  // Readings go to their GPU as each line is parsed: neither the lines nor the parsed records are kept.
  const grouping = readingsByDevice({ text, file: options.file, zone, nowMs: options.nowMs })
  const parsed = streamNvidiaSmiLog(text, grouping.add)
  if (!parsed.ok) throw WattprintError.of('bad-input', { code: parsed.problem.code, params: { ...parsed.problem.params, file: options.file } })
  const skipped: Record<string, SkipTally> = { ...parsed.log.skipped } as Record<string, SkipTally>
  const skip = (reason: string, line: number, example: string): void => {
    const entry = skipped[reason]
    if (entry) entry.count++
    else skipped[reason] = { count: 1, firstLine: line, example }
  }
  // The parser's tallies first (as they were read first), then the importer's own, counted in.
  for (const [reason, tally] of Object.entries(grouping.skipped)) {
    const entry = skipped[reason]
    if (entry) entry.count += tally.count
    else skipped[reason] = tally
  }
  const byDevice = grouping.byDevice
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
  let firstMs: number | null = null
  let lastMs: number | null = null
  for (const { sample } of rows) {
    if (firstMs === null || sample.tMs < firstMs) firstMs = sample.tMs
    if (lastMs === null || sample.tMs > lastMs) lastMs = sample.tMs
  }
  return {
    file: options.file,
    zone,
    rows: parsed.log.records + Object.values(parsed.log.skipped).reduce((n, t) => n + (t?.count ?? 0), 0),
    imported: inserted,
    alreadyStored: duplicates + covered,
    skipped,
    devices,
    energyJ: devices.reduce((sum, d) => sum + d.energyJ, 0),
    gaps,
    // A loop above, not Math.min(...times): a year-long log has millions of readings.
    firstMs,
    lastMs,
    warnings,
  }
}

/**
 * The log's readings grouped by GPU, record by record as the parser reads them: by uuid, or by
 * name, index and the log's own first lines (never the file's name). Times that are not a date in
 * the zone, or in the future, are skipped (and tallied).
 */
function readingsByDevice(log: { text: string; file: string; zone: string; nowMs: number }): {
  add: (record: NvidiaRecord, line: number) => void
  byDevice: Map<string, { device: Device; samples: Sample[] }>
  skipped: Record<string, SkipTally>
} {
  const byDevice = new Map<string, { device: Device; samples: Sample[] }>()
  const skipped: Record<string, SkipTally> = {}
  const skip = (reason: string, line: number, example: string): void => {
    const entry = skipped[reason]
    if (entry) entry.count++
    else skipped[reason] = { count: 1, firstLine: line, example }
  }
  const fileName = sanitizeName(basename(log.file)) ?? 'log'
  const logIdentity = identityOf(log.text)
  // A GPU without a uuid column: its key is hashed once per (name, index), not once per line.
  const keyless = new Map<string, string>()
  const add = (record: NvidiaRecord, line: number): void => {
    const tMs = epochMsFromLocalParts(record.time, log.zone)
    if (tMs === null) {
      skip('bad-timestamp', line, `not a valid date in ${log.zone}`)
      return
    }
    if (tMs > log.nowMs + FUTURE_SLACK_MS) {
      skip('implausible-time', line, `timestamp ${new Date(tMs).toISOString()} is in the future`)
      return
    }
    let deviceId = record.uuid
    if (deviceId === null) {
      const key = `${record.name ?? ''}|${record.index ?? 0}`
      deviceId = keyless.get(key) ?? `log-${hash(`${logIdentity}|${key}`)}`
      keyless.set(key, deviceId)
    }
    let entry = byDevice.get(deviceId)
    if (!entry) {
      const { device } = toReadingAndDevice(withImportName(record, fileName), tMs, 'import')
      entry = { device: deviceOf({ ...device, deviceId }), samples: [] }
      byDevice.set(deviceId, entry)
    }
    // What toReadingAndDevice → sampleOf keep, without the reading in between (millions of lines).
    entry.samples.push(sampleAt(tMs, deviceId, record))
  }
  return { add, byDevice, skipped }
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
  // Line by line from the start: splitting a whole log (millions of lines) for its first eleven costs a second copy of it.
  const first: string[] = []
  const lines = lineReader(text)
  for (let line = lines.next(); line !== null && first.length < 1 + IDENTITY_LINES; line = lines.next()) if (!isBlank(line)) first.push(line)
  return hash(first.join('\n'))
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}
