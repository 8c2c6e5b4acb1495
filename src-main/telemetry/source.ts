import type { Message } from '../contract/messages.ts'
import type { Domain, EnergyMethod, SourceId, SourceState, SourceStatus } from '../contract/telemetry.ts'
import type { Clock } from '../core/clock.ts'
import type { DeviceInfo, DirLister, FileReader, Reading } from './reading.ts'
import type { ProcessReader } from './processes/process-reader.ts'
import type { SpawnFn } from './supervised-process.ts'

/**
 * Everything a source may touch, injected so that every source runs in tests on captured trees
 * and stand-in executables: the sysfs root (`/sys`, or a folder holding `class/drm/…`,
 * `class/powercap/…`), the tools' paths, the platform and a spawn function.
 */
export interface SourceEnv {
  platform: NodeJS.Platform
  sysfsRoot: string
  readFile: FileReader
  listDir: DirLister
  /** Reads a file under /proc (or WATTPRINT_PROC_ROOT): processes' command lines. */
  readProcFile: FileReader
  spawn?: SpawnFn
  executables: { nvidiaSmi: string; amdSmi: string; rocmSmi: string; powermetrics: string; macmon: string; sudo: string }
  /** NVML's library path; null: the system's (libnvidia-ml.so.1, nvml.dll). */
  nvmlLibrary: string | null
  /** How often NVML's energy counter is read, ms (0: every poll); power fills the polls between (CounterPacer). */
  nvmlCounterEveryMs: number
  /** Wattprint itself runs as root (it should not; powermetrics then needs no sudo). */
  runningAsRoot: boolean
  clock: Clock
}

/** What a probe found: devices and how precisely their energy is known, or why there are none. */
export type ProbeResult =
  | { sourceId: SourceId; state: 'ok'; devices: DeviceInfo[]; precision: EnergyMethod; message: Message; fix: null; raw: string | null }
  | {
      sourceId: SourceId
      state: Exclude<SourceState, 'ok' | 'starting' | 'stopped'>
      devices: DeviceInfo[]
      precision: null
      message: Message
      fix: Message | null
      raw: string | null
    }

export interface ReaderEvents {
  onReading(reading: Reading, device: DeviceInfo): void
  onStatus(status: SourceStatus): void
}

/** A poll source's state as it reads it (the poller adds who, since when and the precision). */
export type PollStatus = Omit<SourceStatus, 'sourceId' | 'sinceMs' | 'restarts' | 'precision'>

/** A source that pushes readings on its own clock (a long-lived tool: nvidia-smi, powermetrics, a replay). */
export interface StreamReader {
  kind: 'stream'
  readonly sourceId: string
  start(events: ReaderEvents): void
  stop(): Promise<void>
}

/** A source read when asked (sysfs files, NVML calls): the recorder owns the clock and polls it. */
export interface PollReader {
  kind: 'poll'
  readonly sourceId: string
  /** How precisely its devices' energy is known. */
  readonly precision: EnergyMethod
  /** The readings now; a failure comes back as a status, never a throw. */
  read(): Promise<{ readings: { reading: Reading; device: DeviceInfo }[]; status: PollStatus | null }>
  close(): void
}

export type SourceReader = StreamReader | PollReader

/** One entry of the registry: what it covers, how to find its devices, how to read them. */
export interface TelemetrySource {
  id: SourceId
  covers: readonly Domain[]
  /** Platforms it can run on at all (others are `not-installed` without probing). */
  platforms: readonly NodeJS.Platform[]
  /** Looks for devices without waking a sleeping GPU; never throws. */
  probe(env: SourceEnv): Promise<ProbeResult>
  /** A reader on the devices the selection kept. */
  open(env: SourceEnv, devices: readonly DeviceInfo[], options: { intervalMs: number }): SourceReader
  /** Which processes use its devices (NVML, nvidia-smi); absent where the source cannot tell. */
  processes?(env: SourceEnv, devices: readonly DeviceInfo[]): ProcessReader
}
