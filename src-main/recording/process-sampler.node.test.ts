import { afterEach, describe, expect, it, vi } from 'vitest'
import type { GpuProcess, ProcessReader } from '../telemetry/processes/process-reader.ts'
import { ProcessSampler } from './process-sampler.ts'

const GPU = { deviceId: 'GPU-1', index: 0, source: 'nvidia-smi' }

/** A process source that counts its reads and reports one Ollama process. */
function countingReader(): ProcessReader & { reads: number } {
  const ollama: GpuProcess = { deviceId: GPU.deviceId, pid: 42, name: 'ollama', commandLine: 'ollama serve', type: 'compute', smPct: 90, memUsedB: 8e9 }
  const reader = {
    sourceId: 'nvidia-smi',
    reads: 0,
    read: async () => {
      reader.reads++
      return { processes: [ollama], error: null }
    },
    close: () => undefined,
  }
  return reader
}

afterEach(() => {
  vi.useRealTimers()
})

describe('ProcessSampler on an idle GPU', () => {
  it('reads once, then not again while the GPU stays idle, and the list it has stays current', async () => {
    vi.useFakeTimers()
    let nowMs = 0
    const reader = countingReader()
    let inUse = false
    const sampler = new ProcessSampler({
      readers: [reader],
      devices: () => [GPU],
      intervalMs: 10_000,
      monotonicNowMs: () => nowMs,
      inUseSinceLastAsked: () => inUse,
    })
    sampler.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(reader.reads).toBe(1)
    for (let i = 0; i < 6; i++) {
      nowMs += 10_000
      await vi.advanceTimersByTimeAsync(10_000)
    }
    // A minute idle: no read (nvidia-smi would have run twelve times), the list still stands (not dropped as stale).
    expect(reader.reads).toBe(1)
    expect(sampler.idleSkips).toBe(6)
    expect(sampler.processesFor(GPU.deviceId)).toEqual([{ app: 'ollama', smPct: 90, memUsedB: 8e9 }])
    // In use again: read at every interval.
    inUse = true
    nowMs += 10_000
    await vi.advanceTimersByTimeAsync(10_000)
    expect(reader.reads).toBe(2)
    sampler.stop()
  })

  it('reads at once when a GPU leaves idle (wake), not at the next interval', async () => {
    vi.useFakeTimers()
    const reader = countingReader()
    const sampler = new ProcessSampler({ readers: [reader], devices: () => [GPU], intervalMs: 10_000, inUseSinceLastAsked: () => false })
    sampler.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(reader.reads).toBe(1)
    // Not idle yet (no interval skipped): a wake is no reason to read again.
    sampler.wake()
    await vi.advanceTimersByTimeAsync(0)
    expect(reader.reads).toBe(1)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(sampler.idleSkips).toBe(1)
    sampler.wake()
    await vi.advanceTimersByTimeAsync(0)
    expect(reader.reads).toBe(2)
    // Once: the next wake waits for the next idle interval.
    sampler.wake()
    await vi.advanceTimersByTimeAsync(0)
    expect(reader.reads).toBe(2)
    sampler.stop()
    // Stopped: a late wake reads nothing.
    sampler.wake()
    await vi.advanceTimersByTimeAsync(0)
    expect(reader.reads).toBe(2)
  })

  it('without the idle question, reads every interval (as before)', async () => {
    vi.useFakeTimers()
    const reader = countingReader()
    const sampler = new ProcessSampler({ readers: [reader], devices: () => [GPU], intervalMs: 10_000 })
    sampler.start()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(reader.reads).toBe(4)
    sampler.stop()
  })
})
