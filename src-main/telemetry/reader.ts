import type { Device, Sample, SourceStatus } from '../contract/telemetry.ts'

/** What a reader tells the sampler. */
export interface ReaderEvents {
  /** A reading of one device, with its static description. */
  onSample(sample: Sample, device: Device): void
  onStatus(status: SourceStatus): void
}

/**
 * A telemetry source: thin I/O that turns a vendor tool or file into samples. Readers never
 * throw at the caller: failures arrive as a status with the tool's own message.
 */
export interface TelemetryReader {
  readonly sourceId: string
  start(events: ReaderEvents): void
  stop(): Promise<void>
}
