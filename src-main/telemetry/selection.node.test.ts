import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Domain, EnergyMethod, SourceId } from '../contract/telemetry.ts'
import type { DeviceInfo } from './reading.ts'
import { SOURCE_ORDER } from './registry.ts'
import { selectSources } from './selection.ts'
import type { ProbeResult } from './source.ts'

const device = (id: string, domain: Domain, method: EnergyMethod, pciAddress: string | null, vendor: DeviceInfo['vendor'] = null): DeviceInfo => ({
  deviceId: id,
  index: null,
  name: id,
  memTotalB: null,
  source: 'x',
  domain,
  method,
  pciAddress,
  vendor,
})
const ok = (sourceId: SourceId, devices: DeviceInfo[]): ProbeResult => ({
  sourceId,
  state: 'ok',
  devices,
  precision: 'sampled-power',
  message: { code: 'source.found', params: {} },
  fix: null,
  raw: null,
})

describe('selectSources', () => {
  it('reads each physical device once: by PCI address across sources, the energy counter first', () => {
    const { selected, dropped } = selectSources(
      [
        ok('drm-hwmon', [device('drm:0000:03:00.0', 'gpu', 'sampled-power', '0000:03:00.0', 'amd')]),
        ok('amd-smi', [device('amd:uuid', 'gpu', 'counter', '0000:03:00.0', 'amd')]),
      ],
      SOURCE_ORDER,
    )
    expect(selected).toMatchObject([{ sourceId: 'amd-smi', devices: [{ deviceId: 'amd:uuid' }] }])
    expect(dropped).toMatchObject([{ sourceId: 'drm-hwmon', reason: { code: 'source.read-by-other', params: { other: 'amd-smi' } } }])
  })

  it('with the same precision, the registry’s order decides (sysfs before a tool that costs a process per read)', () => {
    const { selected } = selectSources(
      [ok('rocm-smi', [device('amd:1', 'gpu', 'sampled-power', '0000:03:00.0')]), ok('drm-hwmon', [device('drm:1', 'gpu', 'sampled-power', '0000:03:00.0')])],
      SOURCE_ORDER,
    )
    expect(selected.map((s) => s.sourceId)).toEqual(['drm-hwmon'])
  })

  it('does not run nvidia-smi when NVML reads the NVIDIA GPUs, and names NVML as the reason', () => {
    const { selected, dropped } = selectSources([ok('nvml', [device('GPU-1', 'gpu', 'counter', '0000:01:00.0', 'nvidia')]), ok('nvidia-smi', [])], SOURCE_ORDER)
    expect(selected.map((s) => s.sourceId)).toEqual(['nvml'])
    expect(dropped).toMatchObject([{ sourceId: 'nvidia-smi', deviceId: '*', reason: { params: { other: 'nvml' } } }])
  })

  it('runs nvidia-smi when NVML is not there (and beside AMD sources)', () => {
    const { selected } = selectSources([ok('nvidia-smi', []), ok('drm-hwmon', [device('drm:1', 'gpu', 'sampled-power', '0000:03:00.0', 'amd')])], SOURCE_ORDER)
    expect(selected.map((s) => s.sourceId)).toEqual(['nvidia-smi', 'drm-hwmon'])
  })

  it('property: no device twice, never a platform figure, no CPU package beside a whole-SoC figure, a counter whenever one was offered', () => {
    const sources: SourceId[] = ['nvml', 'drm-hwmon', 'amd-smi', 'rocm-smi', 'rapl', 'macmon', 'powermetrics']
    const deviceArb = fc.record({
      slot: fc.integer({ min: 0, max: 4 }),
      domain: fc.constantFrom<Domain>('gpu', 'cpu-package', 'dram', 'soc', 'platform'),
      method: fc.constantFrom<EnergyMethod>('counter', 'sampled-power'),
    })
    fc.assert(
      fc.property(fc.array(fc.record({ source: fc.constantFrom(...sources), devices: fc.array(deviceArb, { maxLength: 4 }) }), { maxLength: 6 }), (spec) => {
        const results = spec.map((s, i) =>
          ok(
            s.source,
            s.devices.map((d, j) => device(`${s.source}-${i}-${j}`, d.domain, d.method, `0000:0${d.slot}:00.0`)),
          ),
        )
        const { selected } = selectSources(results, SOURCE_ORDER)
        const chosen = selected.flatMap((s) => s.devices)
        const slots = chosen.map((d) => d.pciAddress)
        expect(new Set(slots).size).toBe(slots.length)
        expect(chosen.some((d) => d.domain === 'platform')).toBe(false)
        if (chosen.some((d) => d.domain === 'soc')) expect(chosen.some((d) => d.domain === 'cpu-package')).toBe(false)
        const hasSoc = results.some((r) => r.devices.some((d) => d.domain === 'soc'))
        const offered = results.flatMap((r) => r.devices).filter((d) => d.domain !== 'platform' && !(hasSoc && d.domain === 'cpu-package'))
        for (const d of chosen) {
          const rivals = offered.filter((o) => o.pciAddress === d.pciAddress)
          if (rivals.some((r) => r.method === 'counter')) expect(d.method).toBe('counter')
        }
      }),
    )
  })
})
