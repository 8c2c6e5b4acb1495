import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ProbedSource } from '../src-main/contract/telemetry.ts'
import { FAKE_SMI_DIR, runCli, tempDir } from './helpers.ts'
import { buildNvmlStandIn } from './stand-ins/nvml/build.ts'
import { materializeSysfs } from './sysfs-trees.ts'

// `wattprint probe` as a person runs it: a real process, a /sys stand-in made of real captures,
// the fake nvidia-smi and the stand-in NVML library.

let nvml = ''
beforeAll(() => {
  nvml = buildNvmlStandIn()
})

async function probe(args: string[], env: Record<string, string> = {}): Promise<{ sources: ProbedSource[]; code: number; stderr: string }> {
  const result = await runCli(['probe', '--json', ...args], env)
  return { ...(JSON.parse(result.stdout || '{"sources":[]}') as { sources: ProbedSource[] }), code: result.code, stderr: result.stderr }
}
const bySource = (sources: ProbedSource[], id: string): ProbedSource | undefined => sources.find((s) => s.sourceId === id)

describe('wattprint probe', () => {
  it('reads an AMD GPU and the CPU package from DIR standing for /sys', async () => {
    const sys = materializeSysfs({ 'class/drm': 'amd/lact-sysfs__rx7900xtx', 'class/powercap': 'intel/codecarbon-rapl-laptop-psys' }, tempDir())
    const { sources, code } = await probe(['--sysfs-root', sys])
    expect(code).toBe(0)
    const drm = bySource(sources, 'drm-hwmon')
    expect(drm).toMatchObject({ state: 'ok', precision: 'sampled-power', selected: true })
    expect(drm?.devices[0]).toMatchObject({
      name: expect.stringMatching(/Radeon|7900|AMD/i),
      domain: 'gpu',
      powerW: 68,
      powerFrom: 'reading',
      pciAddress: '0000:03:00.0',
    })
    const rapl = bySource(sources, 'rapl')
    expect(rapl).toMatchObject({ state: 'ok', precision: 'counter', selected: true })
    // A captured tree does not move: the counter gives 0 W between two reads, from the counter, not a guess.
    expect(rapl?.devices.find((d) => d.domain === 'cpu-package')).toMatchObject({ powerW: 0, powerFrom: 'counter', notRecorded: null })
    expect(rapl?.devices.find((d) => d.domain === 'platform')?.notRecorded?.code).toBe('source.platform-not-added')
  })

  it('prefers NVML’s energy counter to nvidia-smi for the same GPUs, and says why nvidia-smi is not used', async () => {
    const { sources } = await probe(['--nvml-library', nvml, '--nvidia-smi', join(FAKE_SMI_DIR, 'nvidia-smi')], {
      WATTPRINT_NVML_DEVICES: '2',
      WATTPRINT_NVML_IDLE_W: '41.5',
      WATTPRINT_FAKE_SMI_SPEED: '10',
    })
    expect(bySource(sources, 'nvml')).toMatchObject({ state: 'ok', precision: 'counter', selected: true })
    expect(bySource(sources, 'nvml')?.devices.map((d) => d.powerW)).toEqual([41.5, 41.5])
    expect(bySource(sources, 'nvml')?.devices.every((d) => d.method === 'counter' && d.energyCounterJ !== null)).toBe(true)
    const smi = bySource(sources, 'nvidia-smi')
    expect(smi?.selected).toBe(false)
    expect(smi?.devices.length).toBeGreaterThan(0)
    expect(smi?.devices.every((d) => d.notRecorded?.code === 'source.read-by-other')).toBe(true)
  })

  it('keeps an nvidia-smi [N/A] power unknown (null), never 0', async () => {
    const trace = join(tempDir(), 'na.csv')
    writeFileSync(
      trace,
      [
        'timestamp, power.draw [W], utilization.gpu [%], utilization.memory [%], memory.used [MiB]',
        '2026/04/01 19:23:48.553, [N/A], 3 %, 1 %, 812 MiB',
        '2026/04/01 19:23:48.656, [N/A], 4 %, 1 %, 812 MiB',
        '2026/04/01 19:23:48.756, [N/A], 4 %, 1 %, 812 MiB',
      ].join('\n'),
    )
    const { sources } = await probe(['--nvidia-smi', join(FAKE_SMI_DIR, 'nvidia-smi')], { WATTPRINT_FAKE_SMI_TRACE: trace, WATTPRINT_FAKE_SMI_SPEED: '10' })
    const smi = bySource(sources, 'nvidia-smi')
    expect(smi?.state).toBe('ok')
    expect(smi?.devices[0]).toMatchObject({ powerW: null, powerFrom: null })
  })

  it('prints every source for a person, with the fix where one is known', async () => {
    const result = await runCli(['probe'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^nvml {10}not-installed/m)
    expect(result.stdout).toMatch(/fix: /)
    expect(result.stdout).toMatch(/not for linux: macmon, powermetrics/)
  })

  it('refuses a --sysfs-root that does not exist, naming it', async () => {
    const result = await runCli(['probe', '--sysfs-root', '/nonexistent/sys'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/\/nonexistent\/sys/)
  })
})
