import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { counterIncrease, fleetDevices, machineOf, meanPowerEnergy, stepFor, type FleetSeries } from './fleet-energy.ts'

describe("a fleet's energy from Prometheus series", () => {
  it('a counter counts its increase, a restart (a value going down) counting from zero again', () => {
    expect(
      counterIncrease([
        [0, 100],
        [15, 160],
        [30, 220],
      ]),
    ).toEqual({ increase: 120, resets: 0 })
    // Reset between 30 and 45: 220 → 40 means 40 since the restart.
    expect(
      counterIncrease([
        [0, 100],
        [15, 160],
        [30, 220],
        [45, 40],
        [60, 90],
      ]),
    ).toEqual({ increase: 210, resets: 1 })
    expect(counterIncrease([[0, 5]])).toEqual({ increase: 0, resets: 0 })
  })

  it('never counts less than the sum of the rises, nor anything for a flat counter (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 50 }), (values) => {
        const series = values.map((v, i) => [i * 15, v] as const)
        const { increase } = counterIncrease(series)
        const rises = values.slice(1).reduce((sum, v, i) => sum + Math.max(0, v - (values[i] ?? 0)), 0)
        expect(increase).toBeGreaterThanOrEqual(rises - 1e-6)
        expect(counterIncrease(values.map((_, i) => [i, 42] as const)).increase).toBe(0)
      }),
    )
  })

  it('a power gauge: the mean of each step × the step; a missing step adds nothing', () => {
    expect(
      meanPowerEnergy(
        [
          [15, 100],
          [30, 200],
          [60, 300],
        ],
        15,
      ),
    ).toEqual({ energyJ: 15 * 600, coveredS: 45, maxPowerW: 300 })
  })

  it("names the machine by DCGM's Hostname, else the target's host", () => {
    expect(machineOf({ Hostname: 'dgx-a', instance: '10.0.0.5:9400' })).toBe('dgx-a')
    expect(machineOf({ instance: 'render-box:9835' })).toBe('render-box')
    expect(machineOf({ instance: '[fe80::1]:9400' })).toBe('fe80::1')
    expect(machineOf({})).toBe('unknown')
  })

  it("counts each GPU once, from its best series: Wattprint's, then DCGM's counter (mJ → J), then a power gauge", () => {
    const values = (per: number): FleetSeries['values'] => [0, 1, 2, 3].map((i) => [i * 10, i * per] as const)
    const series: FleetSeries[] = [
      {
        family: 'dcgm-power',
        labels: { Hostname: 'dgx', UUID: 'GPU-1' },
        values: [
          [10, 500],
          [20, 500],
          [30, 500],
        ],
      },
      { family: 'dcgm-energy', labels: { Hostname: 'dgx', UUID: 'GPU-1', modelName: 'H100' }, values: values(5_000_000) },
      { family: 'wattprint', labels: { instance: 'ws:9787', device: 'GPU-2', name: 'RTX 4090', source: 'nvml', method: 'counter' }, values: values(3000) },
      { family: 'nvidia-gpu-exporter', labels: { instance: 'ws:9835', uuid: 'GPU-2' }, values: [[10, 300]] },
      { family: 'nvidia-gpu-exporter', labels: { instance: 'box:9835', uuid: 'GPU-3' }, values: [] },
    ]
    const devices = fleetDevices(series, 10)
    expect(devices.map((d) => [d.machine, d.device, d.family, d.method, d.energyJ])).toEqual([
      ['dgx', 'GPU-1', 'dcgm-energy', 'counter-increase', 15_000],
      ['ws', 'GPU-2', 'wattprint', 'counter-increase', 9000],
    ])
    expect(devices[1]).toMatchObject({ name: 'RTX 4090', source: 'nvml', coveredS: 30, firstMs: 0, lastMs: 30_000 })
  })

  it("adds a device's series whose labels changed in the period (Wattprint's source after a driver update)", () => {
    const devices = fleetDevices(
      [
        {
          family: 'wattprint',
          labels: { instance: 'ws:9787', device: 'GPU-2', source: 'nvidia-smi', method: 'sampled-power' },
          values: [
            [0, 100],
            [10, 600],
          ],
        },
        {
          family: 'wattprint',
          labels: { instance: 'ws:9787', device: 'GPU-2', source: 'nvml', method: 'counter' },
          values: [
            [20, 700],
            [30, 1200],
          ],
        },
      ],
      10,
    )
    expect(devices).toHaveLength(1)
    expect(devices[0]).toMatchObject({ energyJ: 1000, source: 'nvml', firstMs: 0, lastMs: 30_000, points: 4 })
  })

  it('knows one GPU read by DCGM (device="nvidia0", UUID) and by nvidia_gpu_exporter (uuid lower-cased, no "gpu-") as one, under either machine name', () => {
    const series: FleetSeries[] = [
      {
        family: 'dcgm-energy',
        labels: { Hostname: 'dgx', device: 'nvidia0', UUID: 'GPU-1111AAAA', modelName: 'H100' },
        values: [
          [0, 0],
          [10, 9_000_000],
        ],
      },
      { family: 'nvidia-gpu-exporter', labels: { instance: '10.0.0.5:9835', uuid: '1111aaaa' }, values: [[10, 900]] },
      {
        family: 'wattprint',
        labels: { instance: 'dgx:9787', device: 'GPU-1111aaaa', source: 'nvml', method: 'counter' },
        values: [
          [0, 0],
          [10, 9000],
        ],
      },
    ]
    const devices = fleetDevices(series, 10)
    expect(devices.map((d) => [d.machine, d.device, d.family, d.energyJ])).toEqual([['dgx', 'GPU-1111aaaa', 'wattprint', 9000]])
  })

  it('two series of one device at the same time (one target scraped by two jobs) count once; one after the other, both', () => {
    const twice: FleetSeries[] = [
      {
        family: 'wattprint',
        labels: { instance: 'ws:9787', job: 'a', device: 'GPU-aaaa' },
        values: [
          [0, 0],
          [10, 1000],
        ],
      },
      {
        family: 'wattprint',
        labels: { instance: 'ws:9787', job: 'b', device: 'GPU-aaaa' },
        values: [
          [0, 0],
          [10, 1000],
        ],
      },
    ]
    expect(fleetDevices(twice, 10).map((d) => d.energyJ)).toEqual([1000])
  })

  it("puts each point's energy in the local hour it ends in (what a time-of-use tariff prices)", () => {
    const t0 = new Date(2026, 10, 18, 9, 59, 0).getTime() / 1000
    const [device] = fleetDevices(
      [
        {
          family: 'dcgm-power',
          labels: { Hostname: 'dgx', UUID: 'GPU-1' },
          values: [
            [t0, 100],
            [t0 + 60, 200],
            [t0 + 120, 300],
          ],
        },
      ],
      60,
    )
    expect(device?.byLocalHourJ[9]).toBe(6000)
    expect(device?.byLocalHourJ[10]).toBe(30_000)
  })

  it('picks a step that keeps a period under 10,000 points, never under 15 s', () => {
    expect(stepFor(0, 3_600_000)).toBe(15)
    expect(stepFor(0, 30 * 86_400_000)).toBe(260)
  })
})
