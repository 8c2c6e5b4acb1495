import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mergeAmdSmiIdentities, parseAmdSmiListJson, parseAmdSmiMetricJson, parseAmdSmiStaticJson } from './amd-smi.parse.ts'

const WALL_MS = Date.UTC(2026, 10, 30, 12)

// No capture of `amd-smi metric --json` could be found, so these samples are HAND-WRITTEN from
// AMD's documented output shape, not captured from a machine:
// - the CLI that prints them, amdsmi_cli/amdsmi_commands.py (metric_gpu: power_dict, energy,
//   mem_usage, usage, clock, temperature) and amdsmi_logger.py (a list of per-GPU objects;
//   `{"value": …, "unit": …}` leaves in JSON), github.com/ROCm/amdsmi @ 0ceca28f4139dced5e9b5739a3f393780d7add48;
// - the field meanings, https://rocm.docs.amd.com/projects/amdsmi/en/docs-7.1.0/doxygen/docBin/html/structamdsmi__power__info__t.html
//   (current_socket_power on MI300+, average_socket_power on Navi and MI200 and earlier);
// - newer releases wrap the list as {"gpu_data": [...]}: not found in AMD's pages, but every
//   third-party parser of recent amd-smi output we found reads that envelope (one notes it was
//   "confirmed against a real Strix Halo box"), so both shapes are accepted.
// The figures are plausible for the hardware named (an idle RX 7900 XTX, an MI300X under load).

/** ROCm 6.2-era `amd-smi metric --json`, one Navi 31 card, trimmed to the sections Wattprint reads plus a few it ignores. */
const METRIC_ROCM62 = JSON.stringify([
  {
    gpu: 0,
    usage: {
      gfx_activity: { value: 3, unit: '%' },
      umc_activity: { value: 1, unit: '%' },
      mm_activity: 'N/A',
      vcn_activity: [{ value: 0, unit: '%' }, 'N/A', 'N/A', 'N/A'],
    },
    power: {
      socket_power: { value: 68, unit: 'W' },
      gfx_voltage: { value: 686, unit: 'mV' },
      soc_voltage: 'N/A',
      mem_voltage: 'N/A',
      throttle_status: 'UNTHROTTLED',
      power_management: 'ENABLED',
    },
    clock: {
      gfx_0: {
        clk: { value: 31, unit: 'MHz' },
        min_clk: { value: 500, unit: 'MHz' },
        max_clk: { value: 2526, unit: 'MHz' },
        clk_locked: 'N/A',
        deep_sleep: 'ENABLED',
      },
      mem_0: { clk: { value: 1249, unit: 'MHz' }, min_clk: 'N/A', max_clk: 'N/A', clk_locked: 'N/A', deep_sleep: 'DISABLED' },
    },
    temperature: { edge: { value: 53, unit: 'C' }, hotspot: { value: 61, unit: 'C' }, mem: { value: 68, unit: 'C' } },
    pcie: { width: 16, speed: { value: 16, unit: 'GT/s' }, bandwidth: 'N/A' },
    fan: { speed: 0, max: 255, rpm: 0, usage: { value: 0, unit: '%' } },
    perf_level: 'AMDSMI_DEV_PERF_LEVEL_AUTO',
    xgmi_err: 'N/A',
    energy: { total_energy_consumption: { value: 1834562.941, unit: 'J' } },
    mem_usage: {
      total_vram: { value: 24560, unit: 'MB' },
      used_vram: { value: 1378, unit: 'MB' },
      free_vram: { value: 23182, unit: 'MB' },
      total_visible_vram: { value: 24560, unit: 'MB' },
      used_visible_vram: { value: 1378, unit: 'MB' },
      free_visible_vram: { value: 23182, unit: 'MB' },
      total_gtt: { value: 31968, unit: 'MB' },
      used_gtt: { value: 40, unit: 'MB' },
      free_gtt: { value: 31928, unit: 'MB' },
    },
    throttle: 'N/A',
  },
])

/** The newer `{"gpu_data": [...]}` envelope, two MI300X, the second with energy not available. */
const METRIC_ROCM7 = JSON.stringify({
  gpu_data: [
    {
      gpu: 0,
      usage: { gfx_activity: { value: 97, unit: '%' }, umc_activity: { value: 41, unit: '%' }, mm_activity: 'N/A' },
      power: {
        socket_power: { value: 611, unit: 'W' },
        gfx_voltage: 'N/A',
        soc_voltage: 'N/A',
        mem_voltage: 'N/A',
        throttle_status: 'N/A',
        power_management: 'ENABLED',
      },
      temperature: { edge: 'N/A', hotspot: { value: 71, unit: 'C' }, mem: { value: 58, unit: 'C' } },
      energy: { total_energy_consumption: { value: 98765432.1, unit: 'J' } },
      mem_usage: { total_vram: { value: 196592, unit: 'MB' }, used_vram: { value: 187364, unit: 'MB' } },
    },
    { gpu: 1, power: { socket_power: { value: 132, unit: 'W' } }, energy: 'N/A', usage: 'N/A', mem_usage: 'N/A' },
  ],
})

const LIST = JSON.stringify([{ gpu: 0, bdf: '0000:03:00.0', uuid: '7eff744c-0000-1000-80d0-9c4a1ef5b2a3', kfd_id: 45412, node_id: 1, partition_id: 0 }])
const STATIC = JSON.stringify({
  gpu_data: [
    {
      gpu: 0,
      asic: { market_name: 'Radeon RX 7900 XTX', vendor_id: '0x1002', device_id: '0x744c' },
      bus: { bdf: '0000:03:00.0', max_pcie_width: 16 },
      vram: { type: 'GDDR6', vendor: 'N/A', size: { value: 24560, unit: 'MB' } },
      limit: { max_power: { value: 327, unit: 'W' }, min_power: { value: 0, unit: 'W' }, socket_power: { value: 303, unit: 'W' } },
    },
  ],
})

describe('amd-smi metric --json (hand-written from the documented shape)', () => {
  it('ROCm 6.2 bare list: socket power, energy counter in J, activity, VRAM in MiB, edge temperature, gfx clock', () => {
    const r = parseAmdSmiMetricJson(METRIC_ROCM62, WALL_MS)
    if (!r.ok) throw new Error(r.detail)
    expect(r.gpus).toHaveLength(1)
    const [gpu] = r.gpus
    expect(gpu?.device).toMatchObject({
      deviceId: 'amd:gpu0',
      index: 0,
      name: 'AMD GPU 0',
      source: 'amd-smi',
      method: 'counter',
      memTotalB: 24560 * 1024 * 1024,
    })
    expect(gpu?.reading).toMatchObject({
      deviceId: 'amd:gpu0',
      wallMs: WALL_MS,
      powerW: 68,
      energyCounterJ: 1834562.941,
      counterRangeJ: null,
      utilPct: 3,
      memUtilPct: 1,
      memUsedB: 1378 * 1024 * 1024,
      tempC: 53,
      smClockMhz: 31,
      powerLimitW: null,
    })
    expect(gpu?.notes).toEqual([])
  })

  it('the {"gpu_data": [...]} envelope: edge N/A falls back to hotspot; "N/A" sections leave figures null, never 0', () => {
    const r = parseAmdSmiMetricJson(METRIC_ROCM7, WALL_MS)
    if (!r.ok) throw new Error(r.detail)
    expect(r.gpus.map((g) => g.reading.powerW)).toEqual([611, 132])
    expect(r.gpus[0]?.reading).toMatchObject({ tempC: 71, energyCounterJ: 98765432.1, utilPct: 97 })
    expect(r.gpus[1]?.reading).toMatchObject({ energyCounterJ: null, utilPct: null, memUsedB: null, tempC: null })
    expect(r.gpus[1]?.device.method).toBe('sampled-power')
  })

  it('with list and static identities: keyed by UUID, named by market name, PCI address, VRAM size and power limit', () => {
    const identities = mergeAmdSmiIdentities(parseAmdSmiListJson(LIST), parseAmdSmiStaticJson(STATIC))
    expect(identities).toEqual([
      {
        gpu: 0,
        bdf: '0000:03:00.0',
        uuid: '7eff744c-0000-1000-80d0-9c4a1ef5b2a3',
        name: 'AMD Radeon RX 7900 XTX',
        memTotalB: 24560 * 1024 * 1024,
        powerLimitW: 303,
      },
    ])
    const r = parseAmdSmiMetricJson(METRIC_ROCM62, WALL_MS, identities)
    expect(r.ok && r.gpus[0]?.device).toMatchObject({
      deviceId: 'amd:7eff744c-0000-1000-80d0-9c4a1ef5b2a3',
      name: 'AMD Radeon RX 7900 XTX',
      pciAddress: '0000:03:00.0',
    })
    expect(r.ok && r.gpus[0]?.reading.powerLimitW).toBe(303)
  })

  it('an identity without a UUID keys the device by its PCI address', () => {
    const r = parseAmdSmiMetricJson(METRIC_ROCM62, WALL_MS, parseAmdSmiStaticJson(STATIC))
    expect(r.ok && r.gpus[0]?.device.deviceId).toBe('amd:0000:03:00.0')
  })

  it('older string values ("68 W") and bare numbers are read in amd-smi units', () => {
    const r = parseAmdSmiMetricJson(
      JSON.stringify([{ gpu: 2, power: { socket_power: '68 W' }, mem_usage: { used_vram: 1024 }, energy: { total_energy_consumption: '12.5 kJ' } }]),
      WALL_MS,
    )
    expect(r.ok && r.gpus[0]?.reading).toMatchObject({ powerW: 68, memUsedB: 1024 * 1024 * 1024, energyCounterJ: 12500 })
  })
})

describe('bad input: a refusal with a reason, or a note; never a throw', () => {
  it.each([
    ['', 'not-json'],
    ['amd-smi: command not found', 'not-json'],
    ['{"gpu": 0}', 'not-an-object'],
    ['"N/A"', 'not-an-object'],
    ['[]', 'no-gpus'],
    ['[{"gpu": "zero"}]', 'no-gpus'],
    ['{"gpu_data": [{"gpu": -1}]}', 'no-gpus'],
  ])('%j → %s', (text, reason) => {
    expect(parseAmdSmiMetricJson(text, WALL_MS)).toMatchObject({ ok: false, reason })
  })

  it('unknown units, impossible values and wrong types: null with a bad-value note', () => {
    const r = parseAmdSmiMetricJson(
      JSON.stringify([
        {
          gpu: 0,
          power: { socket_power: { value: 68, unit: 'hp' } },
          usage: { gfx_activity: { value: 140, unit: '%' } },
          temperature: { edge: { value: 'hot', unit: 'C' } },
          energy: { total_energy_consumption: { value: -3, unit: 'J' } },
        },
      ]),
      WALL_MS,
    )
    expect(r.ok && r.gpus[0]?.reading).toMatchObject({ powerW: null, utilPct: null, tempC: null, energyCounterJ: null })
    expect(r.ok && r.gpus[0]?.notes.map((n) => n.note)).toEqual(['bad-value', 'bad-value', 'bad-value', 'bad-value'])
  })

  it('list and static parsers leave out what they cannot read', () => {
    expect(parseAmdSmiListJson('not json')).toEqual([])
    expect(parseAmdSmiListJson('[{"gpu": 0, "bdf": "garbage", "uuid": "\\u001b[31m"}]')).toEqual([
      { gpu: 0, bdf: null, uuid: null, name: null, memTotalB: null, powerLimitW: null },
    ])
    expect(parseAmdSmiStaticJson('{"gpu_data": [{"gpu": 1, "asic": {"market_name": "N/A"}}]}')[0]?.name).toBeNull()
  })

  it('property: random JSON and random metric objects, no throw, every figure plausible or null', () => {
    const leaf = fc.oneof(
      fc.constant('N/A'),
      fc.string(),
      fc.double(),
      fc.record({ value: fc.oneof(fc.double(), fc.string(), fc.constant('N/A')), unit: fc.constantFrom('W', 'J', '%', 'C', 'MB', 'MHz', 'mW', 'x', '') }),
    )
    const entry = fc.record({
      gpu: fc.oneof(fc.integer({ min: -2, max: 300 }), fc.string()),
      power: fc.record({ socket_power: leaf }),
      energy: fc.record({ total_energy_consumption: leaf }),
      usage: fc.record({ gfx_activity: leaf, umc_activity: leaf }),
      mem_usage: fc.record({ used_vram: leaf, total_vram: leaf }),
      temperature: fc.record({ edge: leaf, hotspot: leaf }),
    })
    const text = fc.oneof(
      fc.json(),
      fc.string(),
      fc.array(entry, { maxLength: 3 }).map((e) => JSON.stringify(e)),
      fc.array(entry, { maxLength: 3 }).map((e) => JSON.stringify({ gpu_data: e })),
    )
    fc.assert(
      fc.property(text, (t) => {
        const r = parseAmdSmiMetricJson(t, WALL_MS)
        if (!r.ok) return
        for (const { reading, device } of r.gpus) {
          expect(reading.powerW === null || (reading.powerW >= 0 && reading.powerW <= 3000)).toBe(true)
          expect(reading.energyCounterJ === null || (reading.energyCounterJ > 0 && Number.isFinite(reading.energyCounterJ))).toBe(true)
          expect(reading.utilPct === null || (reading.utilPct >= 0 && reading.utilPct <= 100)).toBe(true)
          expect(reading.tempC === null || (reading.tempC >= -40 && reading.tempC <= 150)).toBe(true)
          expect(reading.memUsedB === null || reading.memUsedB >= 0).toBe(true)
          expect(device.index).toBeGreaterThanOrEqual(0)
        }
      }),
      { numRuns: 300 },
    )
  })
})
