import type { DeviceInfo } from '../reading.ts'

/** A process using a GPU, as a source sees it; what the source does not give is null. */
export interface GpuProcess {
  deviceId: string
  pid: number
  /** Executable name (nvidia-smi truncates it to 15 characters; NVML gives the path). */
  name: string
  /** Its command line (Linux /proc), for telling `python main.py` (ComfyUI) from `python train.py`. */
  commandLine: string | null
  type: 'compute' | 'graphics' | 'compute+graphics' | null
  /** Share of the GPU's SM time over the source's last sample, %. */
  smPct: number | null
  /** GPU memory it holds, B. */
  memUsedB: number | null
}

/** Reads which processes use a source's devices, when asked (rarely: every few seconds). */
export interface ProcessReader {
  readonly sourceId: string
  /** The processes now; `devices` are the devices the recorder knows (a source that names GPUs by index maps them). Never throws. */
  read(devices: readonly Pick<DeviceInfo, 'deviceId' | 'index'>[]): Promise<{ processes: GpuProcess[]; error: string | null }>
  close(): void
}
