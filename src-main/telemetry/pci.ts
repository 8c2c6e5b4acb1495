import type { SourceEnv } from './source.ts'

/** A PCI display device as sysfs shows it: whether runtime power management may put it to sleep, and whether it sleeps now. */
export interface PciDisplay {
  address: string
  vendor: 'nvidia' | 'amd' | 'intel' | 'other'
  /** `power/control` = auto: the kernel suspends it when idle (a laptop's discrete GPU). */
  runtimePm: boolean
  /** `power/runtime_status` = suspended: reading it would wake it. */
  asleep: boolean
}

const VENDORS: Readonly<Record<string, PciDisplay['vendor']>> = { '0x10de': 'nvidia', '0x1002': 'amd', '0x8086': 'intel' }

/**
 * The display controllers under `bus/pci/devices` (class 0x03xxxx), read from sysfs alone: finding
 * out whether a GPU sleeps must not wake it (a monitor that keeps a laptop's dGPU awake costs watts).
 */
export function pciDisplays(env: Pick<SourceEnv, 'readFile' | 'listDir'>): PciDisplay[] {
  return env
    .listDir('bus/pci/devices')
    .map((address) => {
      const base = `bus/pci/devices/${address}`
      const cls = env.readFile(`${base}/class`)?.trim() ?? ''
      if (!cls.startsWith('0x03')) return null
      return {
        address,
        vendor: VENDORS[env.readFile(`${base}/vendor`)?.trim() ?? ''] ?? 'other',
        runtimePm: env.readFile(`${base}/power/control`)?.trim() === 'auto',
        asleep: env.readFile(`${base}/power/runtime_status`)?.trim() === 'suspended',
      } satisfies PciDisplay
    })
    .filter((d): d is PciDisplay => d !== null)
}

/**
 * Which of these PCI addresses sleep now: one small sysfs file each, not the whole bus (what a
 * poll asks every second).
 */
export function sleepingAmong(env: Pick<SourceEnv, 'readFile'>, addresses: readonly string[]): Set<string> {
  return new Set(addresses.filter((a) => env.readFile(`bus/pci/devices/${a}/power/runtime_status`)?.trim() === 'suspended'))
}

/** On battery: a battery is present and no mains supply is online (Linux power_supply class). */
export function onBattery(env: Pick<SourceEnv, 'readFile' | 'listDir'>): boolean {
  const supplies = env.listDir('class/power_supply').map((name) => ({
    type: env.readFile(`class/power_supply/${name}/type`)?.trim(),
    online: env.readFile(`class/power_supply/${name}/online`)?.trim(),
  }))
  const hasBattery = supplies.some((s) => s.type === 'Battery')
  const mainsOnline = supplies.some((s) => s.type === 'Mains' && s.online === '1')
  return hasBattery && !mainsOnline
}
