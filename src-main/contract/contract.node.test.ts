import { describe, expectTypeOf, it, expect } from 'vitest'
import type { WattprintApi } from './api.ts'
import type { Report } from './footprint.ts'
import type { Settings, SettingsPatch } from './settings.ts'
import type { Sample, TelemetryStatus } from './telemetry.ts'
import { invokeChannelNames, pushChannelNames } from './channels.ts'

// Pins the shape of the API the renderer sees; `npm run typecheck` fails when it drifts.
describe('the contract', () => {
  it('derives grouped methods from the channel names', () => {
    expectTypeOf<WattprintApi['settings']['update']>().parameter(0).toEqualTypeOf<SettingsPatch>()
    expectTypeOf<WattprintApi['settings']['update']>().returns.toEqualTypeOf<Promise<Settings>>()
    expectTypeOf<WattprintApi['summary']['today']>().returns.toEqualTypeOf<Promise<Report>>()
    expectTypeOf<WattprintApi['telemetry']['status']>().returns.toEqualTypeOf<Promise<TelemetryStatus>>()
    expectTypeOf<WattprintApi['telemetry']['recent']>().parameter(0).toEqualTypeOf<{ windowS: number }>()
    expectTypeOf<Parameters<WattprintApi['on']>[0]>().toEqualTypeOf<'telemetry:samples' | 'telemetry:status' | 'models:progress' | 'app:navigate'>()
    expectTypeOf<Sample['powerW']>().toEqualTypeOf<number | null>()
  })

  it('names every channel domain:verb', () => {
    for (const name of [...invokeChannelNames, ...pushChannelNames]) expect(name).toMatch(/^[a-z]+:[a-z]+$/)
  })
})
