import { describe, expect, it } from 'vitest'
import { appMenuModel, noticeText, trayMenu, trayTooltip, type Reader, type TrayView } from './desktop-text.ts'

const NOW = Date.parse('2026-11-18T11:00:00Z')
const en: Reader = { language: 'en', locale: 'en-GB', energyUnit: 'auto', massUnit: 'metric', currency: 'EUR', timeZone: 'UTC' }
const fr: Reader = { ...en, language: 'fr', locale: 'fr-FR' }
const view = (v: Partial<TrayView>): TrayView => ({ state: 'live', powerW: 245, devices: 2, pausedSinceMs: null, today: null, nowMs: NOW, ...v })

describe('the tray in words', () => {
  it('live, with today, in English and French, in the chosen units', () => {
    const today = { energyJ: 1.5 * 3.6e6, co2eKg: 0.084, cost: 0.3, samples: 5400 }
    expect(trayTooltip(en, view({ today }))).toBe('Wattprint: 245 W now (2 devices)\nToday: 1.50 kWh, 84.0 g CO2e, €0.30')
    expect(trayTooltip(fr, view({ today, devices: 1 }))).toBe('Wattprint : 245 W en ce moment (1 appareil)\nAujourd’hui : 1,50 kWh, 84,0 g CO2e, 0,30\u00a0€')
    expect(trayTooltip({ ...en, energyUnit: 'kWh', massUnit: 'imperial' }, view({ today: { ...today, cost: null } }))).toBe(
      'Wattprint: 245 W now (2 devices)\nToday: 1.50 kWh, 2.96 oz CO2e',
    )
  })

  it('starting, without a device, in the demo, paused, before anything is recorded', () => {
    expect(trayTooltip(en, view({ state: 'starting', powerW: null }))).toBe('Wattprint: looking for GPUs…\nToday: nothing recorded yet')
    expect(trayTooltip(en, view({ state: 'no-device', powerW: null })).split('\n')[0]).toBe('Wattprint: no GPU or CPU it can read; open it for the demo')
    expect(trayTooltip(en, view({ state: 'demo', powerW: 320 })).split('\n')[0]).toBe('Wattprint demo: 320 W now (not your numbers)')
    const paused = view({ state: 'paused', pausedSinceMs: NOW - 3_600_000 })
    expect(trayTooltip(en, paused).split('\n')[0]).toBe('Wattprint: recording paused since 10:00')
    expect(trayMenu(en, paused).flatMap((i) => (i.kind === 'item' ? [[i.label, i.action, i.enabled]] : []))).toEqual([
      ['Today: nothing recorded yet', null, false],
      ['Resume recording (paused since 10:00)', 'resume', true],
      ['Open Wattprint', 'open', true],
      ['Devices and sources…', 'devices', true],
      ['Show log files', 'reveal-logs', true],
      ['Quit Wattprint (stops recording)', 'quit', true],
    ])
    // Paused since yesterday: the date too.
    expect(trayTooltip(fr, view({ state: 'paused', pausedSinceMs: NOW - 30 * 3_600_000 })).split('\n')[0]).toBe(
      'Wattprint : enregistrement en pause depuis 17/11/2026 05:00',
    )
  })

  it('nothing to pause while nothing records; a tooltip never passes the 127 characters Windows shows', () => {
    const pause = trayMenu(en, view({ state: 'no-device' })).find((i) => i.kind === 'item' && i.action === 'pause')
    expect(pause).toMatchObject({ enabled: false })
    expect(trayTooltip({ ...en, currency: 'XDR' }, view({ today: { energyJ: 1e15, co2eKg: 1e9, cost: 1e12, samples: 1 } })).length).toBeLessThanOrEqual(127)
  })
})

describe('notifications in words', () => {
  it('a budget, in its unit', () => {
    const notice = { kind: 'budget', key: 'k', budget: { period: 'week', metric: 'co2e', limit: 2 }, used: 2.31, currency: 'EUR' } as const
    expect(noticeText(en, notice)).toEqual({
      title: 'Weekly CO2e budget reached',
      body: 'This week: 2.31 kg CO2e, your budget is 2.00 kg CO2e.',
      route: '/history',
    })
    const cost = { ...notice, budget: { period: 'month', metric: 'cost', limit: 10 }, used: 10.4 } as const
    expect(noticeText(fr, cost).body).toBe('Ce mois-ci : 10,40\u00a0€, votre budget est de 10,00\u00a0€.')
  })

  it('the weekly summary names the week Monday to Sunday', () => {
    const notice = {
      kind: 'weekly',
      key: 'w',
      sinceMs: Date.parse('2026-11-16T00:00:00Z'),
      untilMs: Date.parse('2026-11-23T00:00:00Z'),
      energyJ: 12.5 * 3.6e6,
      co2eKg: 0.7,
      cost: 2.5,
      currency: 'EUR',
    } as const
    expect(noticeText(en, notice).body).toBe('16 November to 22 November: 12.5 kWh, 700 g CO2e, €2.50.')
    expect(noticeText(fr, { ...notice, cost: null }).body).toBe('Du 16 novembre au 22 novembre : 12,5 kWh, 700 g CO2e.')
  })

  it('a GPU stuck drawing power opens Devices', () => {
    const text = noticeText(en, { kind: 'stuck', key: 's', deviceId: 'g', deviceName: 'NVIDIA GeForce RTX 4090', thresholdW: 60, powerW: 95.4, minutes: 10 })
    expect(text.title).toBe('NVIDIA GeForce RTX 4090 is drawing power and doing nothing')
    expect(text.body).toMatch(/^More than 60 W at 0 % use for 10 minutes \(now 95\.4 W\)/)
    expect(text.route).toBe('/devices')
  })
})

describe('the application menu', () => {
  it('on macOS the app menu holds About, Settings and Quit; elsewhere File and Help do', () => {
    const mac = appMenuModel(en, 'darwin')
    expect(mac[0]).toMatchObject({ kind: 'submenu', role: 'appMenu' })
    const linux = appMenuModel(en, 'linux')
    expect(linux.map((m) => (m.kind === 'submenu' ? m.label : ''))).toEqual(['File', 'Edit', 'View', 'Window', 'Help'])
    const help = linux[4]
    expect(help?.kind === 'submenu' && help.items.flatMap((i) => (i.kind === 'item' ? [i.label] : []))).toEqual([
      'Data sources and licences',
      'Show log files',
      'About Wattprint',
    ])
  })
})
