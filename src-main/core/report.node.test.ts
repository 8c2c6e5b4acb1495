import { describe, expect, it } from 'vitest'
import type { IdleBaseline } from '../contract/telemetry.ts'
import { defaultSettings } from '../api/services/settings.service.ts'
import { bundledDataPack } from './data-pack.ts'
import { buildReport, type DeviceTotals } from './report.ts'

const device = (deviceId: string, energyJ: number, integratedS: number, domain: DeviceTotals['domain'] = 'gpu'): DeviceTotals => ({
  deviceId,
  name: deviceId,
  source: 'nvml',
  domain,
  method: 'counter',
  energyJ,
  counterEnergyJ: energyJ,
  integratedS,
  maxPowerW: null,
})
const learned = (deviceId: string, idleW: number): IdleBaseline => ({
  deviceId,
  idleW,
  source: 'learned',
  readings: 1000,
  percentile: 10,
  windowDays: 7,
  basis: 'at-rest',
  learnedMs: 0,
})
const totals = (devices: DeviceTotals[]) => ({ energyJ: devices.reduce((s, d) => s + d.energyJ, 0), samples: 10, gaps: 0, devices, energyKWhByLocalHour: null })

describe('a report’s energy above idle and per app', () => {
  it('subtracts each device’s own idle × its recorded time, never below zero, and counts devices without a baseline whole', () => {
    const r = buildReport(
      totals([device('a', 300 * 3600, 3600), device('b', 10 * 3600, 3600), device('cpu', 50 * 3600, 3600, 'cpu-package')]),
      0,
      1,
      defaultSettings('en-US'),
      false,
      bundledDataPack(),
      {
        idle: [learned('a', 20), learned('b', 20)],
        apps: [],
      },
    )
    expect(r.devices.map((d) => d.aboveIdleEnergyJ)).toEqual([280 * 3600, 0, null])
    expect(r.aboveIdleEnergyJ).toBe(280 * 3600 + 50 * 3600)
    expect(r.idle.map((b) => b.deviceId)).toEqual(['a', 'b'])
  })

  it('has no above-idle figure until some device has a baseline', () => {
    expect(buildReport(totals([device('a', 100, 10)]), 0, 1, defaultSettings('en-US'), false, bundledDataPack()).aboveIdleEnergyJ).toBeNull()
  })

  it('totals energy per app with how each share was split, largest first', () => {
    const r = buildReport(totals([device('a', 1000, 10)]), 0, 1, defaultSettings('en-US'), false, bundledDataPack(), {
      idle: [],
      apps: [
        { app: 'ollama', method: 'sm-utilisation', energyJ: 600 },
        { app: 'ollama', method: 'memory-share', energyJ: 100 },
        { app: 'idle', method: 'sm-utilisation', energyJ: 300 },
      ],
    })
    expect(r.apps).toEqual([
      {
        app: 'ollama',
        energyJ: 700,
        byMethod: [
          { method: 'sm-utilisation', energyJ: 600 },
          { method: 'memory-share', energyJ: 100 },
        ],
      },
      { app: 'idle', energyJ: 300, byMethod: [{ method: 'sm-utilisation', energyJ: 300 }] },
    ])
  })
})
