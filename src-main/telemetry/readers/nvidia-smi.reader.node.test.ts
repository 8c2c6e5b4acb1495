import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { SourceStatus } from '../../contract/telemetry.ts'
import type { DeviceInfo, Reading } from '../reading.ts'
import { tempDir, useFakeNvidiaSmi, waitFor } from '../../../test/helpers.ts'
import { nvidiaSmiArgs, NvidiaSmiReader } from './nvidia-smi.reader.ts'
import { formatText } from '../../contract/messages.ts'

interface Run {
  reader: NvidiaSmiReader
  samples: Reading[]
  devices: Map<string, DeviceInfo>
  statuses: SourceStatus[]
}

let restoreEnv: (() => void) | null = null
let current: NvidiaSmiReader | null = null

afterEach(async () => {
  await current?.stop()
  current = null
  restoreEnv?.()
  restoreEnv = null
})

function run(env: Record<string, string>, options: Partial<ConstructorParameters<typeof NvidiaSmiReader>[0]> = {}): Run {
  restoreEnv = useFakeNvidiaSmi({ WATTPRINT_FAKE_SMI_SPEED: '10', ...env })
  const reader = new NvidiaSmiReader({ intervalMs: 100, backoffInitialMs: 100, backoffMaxMs: 400, ...options })
  current = reader
  const result: Run = { reader, samples: [], devices: new Map(), statuses: [] }
  reader.start({
    onReading: (reading, device) => {
      result.samples.push(reading)
      result.devices.set(device.deviceId, device)
    },
    onStatus: (status) => result.statuses.push(status),
  })
  return result
}

const lastState = (r: Run): string | undefined => r.statuses.at(-1)?.state

describe('NvidiaSmiReader against a fake nvidia-smi replaying a real trace', () => {
  it('asks for the fields it needs, once, as a long-lived stream', () => {
    const args = nvidiaSmiArgs(1000)
    expect(args[0]).toBe(
      '--query-gpu=timestamp,index,uuid,name,power.draw,power.limit,utilization.gpu,utilization.memory,memory.used,memory.total,temperature.gpu,clocks.sm,pstate',
    )
    expect(args.slice(1)).toEqual(['--format=csv,noheader,nounits', '-lms', '1000'])
  })

  it('reads several GPUs from one process, keyed by UUID, with missing values as null', async () => {
    const r = run({ WATTPRINT_FAKE_SMI_GPUS: '2' })
    await waitFor(() => r.samples.length >= 20, '20 samples')
    expect(lastState(r)).toBe('ok')
    expect([...r.devices.keys()].sort()).toEqual(['GPU-fa4e0000-0000-4000-8000-000000000000', 'GPU-fa4e0001-0000-4000-8000-000000000000'])
    const first = r.samples[0]
    // The Qwen3-ASR trace starts idle at 22.19 W and has no temperature column.
    expect(first?.powerW).toBeCloseTo(22.19, 2)
    expect(first?.tempC).toBeNull()
    expect(r.reader.skippedLines).toBe(0)
    expect(Math.abs((first?.wallMs ?? 0) - Date.now())).toBeLessThan(5000)
  })

  it('restarts nvidia-smi with back-off when it exits mid-stream, and says what it printed', async () => {
    const state = join(tempDir(), 'launches')
    const r = run({ WATTPRINT_FAKE_SMI_MODE: 'exit-after=5', WATTPRINT_FAKE_SMI_FAIL_LAUNCHES: '1', WATTPRINT_FAKE_SMI_STATE: state })
    await waitFor(() => r.statuses.some((s) => s.state === 'other'), 'the exit to be reported')
    const failure = r.statuses.find((s) => s.state === 'other')
    expect(failure && formatText('en', failure.message)).toMatch(/nvidia-smi exited with code 15/)
    // nvidia-smi's own words travel verbatim beside the sentence.
    expect(failure?.raw).toMatch(/Unable to determine the device handle/)
    await waitFor(() => lastState(r) === 'ok' && r.samples.length > 10, 'recovery after the restart')
    expect(r.statuses.at(-1)?.restarts).toBeGreaterThanOrEqual(1)
  })

  it('says nothing of the exit that stop() asks for (nvidia-smi exits 0 on SIGTERM)', async () => {
    const r = run({})
    await waitFor(() => lastState(r) === 'ok', 'readings')
    const before = r.statuses.length
    await r.reader.stop()
    // Seen on an H200: "nvidia-smi exited with code 0. Retrying in 1 s." printed while recording ended.
    expect(r.statuses.slice(before).map((s) => s.state)).toEqual(['stopped'])
  })

  it('kills and restarts an nvidia-smi that stops talking', async () => {
    const state = join(tempDir(), 'launches')
    const r = run({ WATTPRINT_FAKE_SMI_MODE: 'hang-after=3', WATTPRINT_FAKE_SMI_FAIL_LAUNCHES: '1', WATTPRINT_FAKE_SMI_STATE: state }, { hangTimeoutMs: 600 })
    await waitFor(() => r.statuses.some((s) => /stopped answering/.test(formatText('en', s.message))), 'the hang to be noticed')
    await waitFor(() => lastState(r) === 'ok' && r.samples.length > 8, 'readings after the restart')
  })

  it('skips garbage lines and keeps reading', async () => {
    const r = run({ WATTPRINT_FAKE_SMI_MODE: 'garbage-every=4' })
    await waitFor(() => r.samples.length >= 16, '16 samples')
    expect(r.reader.skippedLines).toBeGreaterThanOrEqual(3)
    expect(r.samples.every((s) => s.powerW !== null && s.powerW > 0)).toBe(true)
  })

  it.each([
    ['no-device', 'no-device', /No devices were found/],
    ['driver-error', 'driver-error', /couldn't communicate with the NVIDIA driver/],
    ['not-permitted', 'permission', /Insufficient Permissions/],
  ])("reports %s as %s with nvidia-smi's own words and a fix", async (mode, state, words) => {
    const r = run({ WATTPRINT_FAKE_SMI_MODE: mode })
    await waitFor(() => lastState(r) === state, state)
    const status = r.statuses.at(-1)
    expect(status?.raw).toMatch(words)
    expect(status?.fix?.code).toMatch(/^fix\./)
    expect(r.samples).toHaveLength(0)
  })

  it('says nvidia-smi is not installed when it is not on PATH', async () => {
    const r = run({}, { command: 'nvidia-smi-that-does-not-exist' })
    await waitFor(() => lastState(r) === 'not-installed', 'not-installed')
    expect(formatText('en', r.statuses.at(-1)?.fix ?? { code: '', params: {} })).toMatch(/driver/)
  })
})
