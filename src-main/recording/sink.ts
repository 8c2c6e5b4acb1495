import { sampleAt, type Device, type EnergyMethod, type Sample } from '../contract/telemetry.ts'
import type { AttributionMethod } from '../core/attribution.ts'
import type { StoredReading } from '../core/overlap.ts'
import type { DeviceInfo, Reading } from '../telemetry/reading.ts'

/** A reading with the energy of the interval that ends at it, as the recorder worked it out. */
export interface IngestRow {
  sample: Sample
  device: Device
  /** Energy of the interval ending at this reading, J; null when it is not known (first reading, a gap). */
  energyJ: number | null
  intervalS: number | null
  /** The interval before this reading was longer than maxGapS (or the clock stepped): not bridged. */
  gap: boolean
  /** How the interval's energy is known; null when there is none. */
  method: EnergyMethod | null
  /** The interval's energy split between apps (idle and unattributed included); absent when the device has no process source. */
  apps?: { app: string; energyJ: number }[]
  /** How `apps` shared the active energy (sm-utilisation, memory-share, none). */
  attribution?: AttributionMethod
}

/** Where recorded intervals go (the store implements it); the recorder knows nothing else of storage. */
export interface Sink {
  /** Writes a batch in one transaction; throws (keeping nothing half-written) when it cannot. */
  ingest(rows: readonly IngestRow[]): { inserted: number; duplicates: number }
  /** Readings since `sinceMs`, oldest first (the dashboard's last minutes). */
  samplesSince(sinceMs: number): Sample[]
}

/** What an import needs of the history besides writing: what is already stored, so nothing is counted twice. */
export interface HistorySink extends Sink {
  /** Readings stored for a device in [fromMs, toMs], with the interval each closed. */
  storedReadings(deviceKey: string, fromMs: number, toMs: number): StoredReading[]
  /** Starts of the hours in [fromMs, toMs) that already hold energy for a device (hour rollups). */
  hoursWithEnergy(deviceKey: string, fromMs: number, toMs: number): Set<number>
  /** Raw readings before this instant were purged by retention; only rollups remain. */
  rawHorizonMs(): number
}

/** The stored and shown part of a reading (the counter itself is not kept: the interval's energy is). */
export function sampleOf(r: Reading): Sample {
  return sampleAt(r.wallMs, r.deviceId, r)
}

/** The stored description of a device. */
export function deviceOf(info: DeviceInfo): Device {
  return {
    deviceId: info.deviceId,
    index: info.index,
    name: info.name,
    memTotalB: info.memTotalB,
    source: info.source,
    domain: info.domain,
    method: info.method,
    partOf: info.partOf ?? null,
  }
}
