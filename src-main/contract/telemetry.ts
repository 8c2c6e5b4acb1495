import { z } from 'zod'
import { MessageSchema } from './messages.ts'

/** One reading of one device. Unknown values are null, never 0. */
export const SampleSchema = z.object({
  /** Wall-clock time of the reading, ms since the Unix epoch (UTC). */
  tMs: z.number(),
  /** Stable device key: the GPU UUID when the source gives one. */
  deviceId: z.string(),
  powerW: z.number().nullable(),
  powerLimitW: z.number().nullable(),
  utilPct: z.number().nullable(),
  memUtilPct: z.number().nullable(),
  memUsedB: z.number().nullable(),
  tempC: z.number().nullable(),
  smClockMhz: z.number().nullable(),
  /** Performance state, 0 (P0, fastest) to 15 (P15). */
  pstate: z.number().int().nullable(),
})
export type Sample = z.infer<typeof SampleSchema>

/** What a device reports besides when and which: a reading, a parsed log line and a stored reading all carry these. */
export type Gauges = Pick<Sample, 'powerW' | 'powerLimitW' | 'utilPct' | 'memUtilPct' | 'memUsedB' | 'tempC' | 'smClockMhz' | 'pstate'>

/**
 * The sample of a device at `tMs` with the gauges of `from` (a reading, a log record, a stored
 * reading): the one field-by-field mapping, in one object literal (an import makes millions).
 */
export function sampleAt(tMs: number, deviceId: string, from: Gauges): Sample {
  return {
    tMs,
    deviceId,
    powerW: from.powerW,
    powerLimitW: from.powerLimitW,
    utilPct: from.utilPct,
    memUtilPct: from.memUtilPct,
    memUsedB: from.memUsedB,
    tempC: from.tempC,
    smClockMhz: from.smClockMhz,
    pstate: from.pstate,
  }
}

/** What part of the machine a device's power covers (they never overlap once sources are selected). */
export const DomainSchema = z.enum(['gpu', 'cpu-package', 'dram', 'soc', 'ane', 'platform'])
export type Domain = z.infer<typeof DomainSchema>

/**
 * How a device's energy is known: read from a hardware energy counter (NVML total energy, RAPL,
 * amdgpu/xe energy1_input), integrated from sampled power, or estimated.
 */
export const EnergyMethodSchema = z.enum(['counter', 'sampled-power', 'estimated'])
export type EnergyMethod = z.infer<typeof EnergyMethodSchema>

/** The telemetry sources Wattprint knows, in the registry's order of preference. */
export const SourceIdSchema = z.enum(['nvml', 'nvidia-smi', 'amd-smi', 'rocm-smi', 'drm-hwmon', 'rapl', 'macmon', 'powermetrics', 'replay', 'demo'])
export type SourceId = z.infer<typeof SourceIdSchema>

/** What does not change between samples of a device. */
export const DeviceSchema = z.object({
  deviceId: z.string(),
  index: z.number().int().nullable(),
  name: z.string(),
  memTotalB: z.number().nullable(),
  /** The source that reads it (`nvidia-smi`, `nvml`, `rapl`, `import`, …). */
  source: z.string(),
  domain: DomainSchema.default('gpu'),
  method: EnergyMethodSchema.default('sampled-power'),
  /** A device inside another's figure (Apple's CPU, GPU and ANE inside the SoC): shown live, never added nor stored. */
  partOf: z.string().nullable().optional(),
})
export type Device = z.infer<typeof DeviceSchema>

/**
 * A source's state. `asleep`: a laptop's discrete GPU is suspended and is not woken to be read
 * (no reading, not zero); `standby`: found, but another source reads the same devices better.
 */
export const SourceStateSchema = z.enum(['starting', 'ok', 'not-installed', 'no-device', 'driver-error', 'permission', 'asleep', 'standby', 'other', 'stopped'])
export type SourceState = z.infer<typeof SourceStateSchema>

/** Health of a telemetry source: what happened and how to fix it as sentences (codes), the tool's own words beside. */
export const SourceStatusSchema = z.object({
  sourceId: z.string(),
  state: SourceStateSchema,
  /** What we saw, as a sentence. */
  message: MessageSchema,
  /** How to fix it, when we know. */
  fix: MessageSchema.nullable(),
  /** What the tool printed, verbatim (not translated). */
  raw: z.string().nullable(),
  sinceMs: z.number(),
  restarts: z.number().int(),
  /** How precisely it knows energy: an energy counter, or sampled power; null when it reads nothing. */
  precision: EnergyMethodSchema.nullable().default(null),
  /** The recorder runs it (it was selected); false: known from the probe only. */
  running: z.boolean().optional(),
})
export type SourceStatus = z.infer<typeof SourceStatusSchema>

/** Whether readings reach the database, and what waits in memory when they cannot. */
export const StorageHealthSchema = z.object({
  ok: z.boolean(),
  message: MessageSchema,
  /** Readings held in memory, not yet written. */
  pendingReadings: z.number().int().min(0),
  /** Readings dropped because memory held too many while the database could not be written. */
  droppedReadings: z.number().int().min(0),
  /** What SQLite said when writing failed (verbatim), else null. */
  error: z.string().nullable(),
})
export type StorageHealth = z.infer<typeof StorageHealthSchema>

/** A device's idle power and how it is known: learned from its own readings at rest, or set in Settings. */
export const IdleBaselineSchema = z.object({
  deviceId: z.string(),
  idleW: z.number(),
  source: z.enum(['learned', 'setting']),
  /** Readings it was learned from (0 for a setting). */
  readings: z.number().int(),
  /** The low percentile of power at rest taken, %. */
  percentile: z.number(),
  windowDays: z.number(),
  /** `at-rest`: readings at ≤ 1 % GPU use; `all-readings`: a device without a use figure (a CPU package). */
  basis: z.enum(['at-rest', 'all-readings', 'setting']),
  learnedMs: z.number(),
})
export type IdleBaseline = z.infer<typeof IdleBaselineSchema>

/** What Wattprint itself costs: its CPU time, and (where the CPU package is measured) the share of that power it stands for. */
export const SelfCostSchema = z.object({
  sinceMs: z.number(),
  cpuSeconds: z.number(),
  /** Over the last few seconds, % of one core; null until measured. */
  cpuPercentOfOneCore: z.number().nullable(),
  /** Its share of the measured CPU package power, W; null without a CPU power source. */
  powerW: z.number().nullable(),
  energyJ: z.number().nullable(),
  /** Whether a CPU power source is read (its share can be worked out), so a null power means "not yet". */
  cpuPowerMeasured: z.boolean(),
  method: z.literal('estimated'),
})
export type SelfCost = z.infer<typeof SelfCostSchema>

/** A process using a GPU now, and the app it belongs to. */
export const GpuProcessSchema = z.object({
  deviceId: z.string(),
  pid: z.number().int(),
  name: z.string(),
  app: z.string(),
  type: z.enum(['compute', 'graphics', 'compute+graphics']).nullable(),
  smPct: z.number().nullable(),
  memUsedB: z.number().nullable(),
})
export type GpuProcessStatus = z.infer<typeof GpuProcessSchema>

export const TelemetryStatusSchema = z.object({
  /** Every source of the registry, with its state (opened ones live, the others as probed). */
  sources: z.array(SourceStatusSchema),
  /** True while the demo replay runs: its numbers are not the user's. */
  demo: z.boolean(),
  devices: z.array(DeviceSchema),
  /** Latest sample per device (first paint without waiting a tick). */
  latest: z.array(SampleSchema),
  storage: StorageHealthSchema,
  self: SelfCostSchema,
  /** Processes on the GPUs at the last read (every 10 s), with their app. */
  processes: z.array(GpuProcessSchema),
  /** Each device's idle power in use, and how it is known. */
  idle: z.array(IdleBaselineSchema),
  /** Recording paused by the user, since when (the paused time is a gap in the history); null while recording. */
  paused: z.object({ sinceMs: z.number() }).nullable(),
})
export type TelemetryStatus = z.infer<typeof TelemetryStatusSchema>

/** A device as `wattprint probe` shows it: what it is, how it is matched, and one reading. */
export const ProbedDeviceSchema = DeviceSchema.extend({
  pciAddress: z.string().nullable(),
  vendor: z.string().nullable(),
  /** Power now, W: as the source gave it, or from two counter reads a moment apart; null when neither. */
  powerW: z.number().nullable(),
  powerFrom: z.enum(['reading', 'counter']).nullable(),
  /** The energy counter as read, J (null: the device has none, or it could not be read). */
  energyCounterJ: z.number().nullable(),
  /** When it is not recorded although found: why (another source reads it, it is inside the SoC figure…). */
  notRecorded: MessageSchema.nullable(),
})
export type ProbedDevice = z.infer<typeof ProbedDeviceSchema>

/** One source as `wattprint probe` found it. */
export const ProbedSourceSchema = z.object({
  sourceId: z.string(),
  state: SourceStateSchema,
  precision: EnergyMethodSchema.nullable(),
  message: MessageSchema,
  fix: MessageSchema.nullable(),
  raw: z.string().nullable(),
  /** Whether the app would record from it. */
  selected: z.boolean(),
  devices: z.array(ProbedDeviceSchema),
})
export type ProbedSource = z.infer<typeof ProbedSourceSchema>
