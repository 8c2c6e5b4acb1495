import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { materializeSysfs } from '../../test/sysfs-trees.ts'
import { expect, expectAccessible, screenshot, test } from './fixtures.ts'

// A PC with an NVIDIA card (the fake nvidia-smi on PATH), an AMD card and an Intel CPU (real sysfs
// captures standing for /sys). The CPU package's energy counter is moved on by the test, as the
// CPU would, so its power comes from the counter.

const sys = materializeSysfs(
  { 'class/drm': 'amd/lact-sysfs__rx7900xtx', 'class/powercap': 'intel/codecarbon-rapl-laptop-psys' },
  mkdtempSync(join(tmpdir(), 'wattprint-sys-')),
)
const packageCounter = join(sys, 'class', 'powercap', 'intel-rapl:0', 'energy_uj')

/** The CPU package draws `watts` while the test runs: its µJ counter advances every 100 ms. */
function cpuDraws(watts: number): () => void {
  let uj = 5_000_000_000
  const timer = setInterval(() => {
    uj += watts * 100_000
    writeFileSync(packageCounter, `${uj}\n`)
  }, 100)
  return () => clearInterval(timer)
}

test.describe('the Devices view', () => {
  test.use({ hostOptions: { env: { WATTPRINT_SYSFS_ROOT: sys, WATTPRINT_FAKE_SMI_GPUS: '1' } } })

  test('lists every source with its state and precision, shows CPU and GPUs side by side, and calibrates the whole PC', async ({ page, host }) => {
    const stop = cpuDraws(35)
    try {
      await page.goto(host.url)
      await page.getByTestId('nav-devices').click()
      await expect(page.getByRole('heading', { name: 'Devices and sources', level: 1 })).toBeVisible()
      const row = (id: string) => page.getByTestId(`source-${id}`)
      await expect(row('nvidia-smi')).toHaveAttribute('data-state', 'ok')
      await expect(row('drm-hwmon')).toHaveAttribute('data-state', 'ok')
      await expect(row('rapl')).toHaveAttribute('data-state', 'ok')
      await expect(row('rapl')).toContainText('energy counter')
      await expect(row('nvidia-smi')).toContainText('sampled power')
      await expect(row('nvml')).toHaveAttribute('data-state', 'not-installed')
      await expect(row('nvml')).toContainText('libnvidia-ml.so.1')
      await expect(page.getByText('Not for this system: macmon, powermetrics')).toBeVisible()

      // One card per device: NVIDIA and AMD GPUs, the CPU package and its memory, each with a live figure.
      const cards = page.getByTestId('gpu-card')
      await expect(cards.filter({ has: page.locator('[data-testid="device-domain"]', { hasText: 'GPU' }) })).toHaveCount(2)
      const cpu = page.locator('[data-testid="gpu-card"][data-domain="cpu-package"]')
      await expect(cpu).toContainText('rapl · energy counter')
      // 35 W from the counter's difference (the recorder's interval mean).
      await expect(cpu.getByTestId('gpu-watts')).toHaveText(/^3[45](\.\d)? W$/, { timeout: 15_000 })
      const amd = cards.filter({ hasText: 'drm-hwmon' })
      await expect(amd.getByTestId('gpu-watts')).toHaveText('68.0 W')

      // Calibrate the rest of the PC from a wall meter: wall × 0.9 − measured now.
      await expect(page.getByTestId('whole-pc-rest')).toContainText('not set')
      await page.getByTestId('calibrate-wall').fill('40')
      await page.getByTestId('calibrate-submit').click()
      await expect(page.getByTestId('calibrate-error')).toContainText('less than the')
      await page.getByTestId('calibrate-wall').fill('900')
      await page.getByTestId('calibrate-submit').click()
      await expect(page.getByTestId('calibrate-result')).toContainText(/Rest of the PC: \d+(\.\d)? W\./)
      await expect(page.getByTestId('whole-pc-rest')).toContainText('from your wall meter (900 W')
      await expect(page.getByTestId('whole-pc-wall')).toHaveText(/\d+ W/)
      const settings = await host.invoke<{ restOfSystemW: number; restOfSystemFrom: { kind: string; measuredW: number } }>('settings:get')
      expect(settings.restOfSystemFrom.kind).toBe('wall-meter')
      expect(settings.restOfSystemW).toBeCloseTo(900 * 0.9 - settings.restOfSystemFrom.measuredW, 0)
      await expect(page.getByTestId('self-cost')).toContainText('s of CPU since it started')
      await page.waitForTimeout(1500)
      await screenshot(page, 'view-devices')
      await expectAccessible(page, 'devices')

      // The dashboard shows the CPU beside the GPUs, and today's whole-PC figure with its estimated parts.
      await page.getByTestId('nav-dashboard').click()
      await expect(page.locator('[data-testid="gpu-card"][data-domain="cpu-package"]')).toBeVisible()
      await expect(page.getByTestId('today-whole-pc')).toContainText('whole PC at the wall', { timeout: 15_000 })
      await page.getByTestId('today-whole-pc').click()
      const dialog = page.getByTestId('factor-dialog')
      await expect(dialog).toContainText('Rest of the PC (estimated)')
      await expect(dialog).toContainText('Power supply efficiency at 50% load (80 PLUS')
      await expect(dialog.getByTestId('factor-parts')).toContainText('energy counter')
      await dialog.getByTestId('factor-close').click()
      await screenshot(page, 'dashboard-cpu-and-gpus')
    } finally {
      stop()
    }
  })
})

test.describe('RAPL without permission', () => {
  const locked = materializeSysfs({ 'class/powercap': 'intel/codecarbon-rapl-laptop-psys' }, mkdtempSync(join(tmpdir(), 'wattprint-sys-')))
  const counters = ['intel-rapl:0/energy_uj', 'intel-rapl:0/intel-rapl:0:2/energy_uj', 'intel-rapl:1/energy_uj'].map((p) =>
    join(locked, 'class', 'powercap', ...p.split('/')),
  )
  const kept = counters.map((c) => ({ path: c, text: '1000000\n' }))
  test.use({ hostOptions: { env: { WATTPRINT_SYSFS_ROOT: locked, WATTPRINT_NVIDIA_SMI: '/nonexistent/nvidia-smi' } } })

  test.beforeAll(() => {
    // As after the CVE-2020-8694 fix, to a user outside the group: the zones are there, the counters cannot be read.
    for (const c of counters) rmSync(c, { force: true })
  })

  test('says the counters are root-only, shows the safe fix, and reads them once access is granted', async ({ page, host }) => {
    await page.goto(host.url)
    await expect(page.getByTestId('status-banner')).toContainText('no permission to read the power sensors')
    await expect(page.getByTestId('status-banner')).toContainText('udev')
    await page.getByTestId('status-devices-link').click()
    const rapl = page.getByTestId('source-rapl')
    await expect(rapl).toHaveAttribute('data-state', 'permission')
    await expect(rapl).toContainText('CVE-2020-8694')
    await expect(rapl.getByTestId('source-fix')).toContainText('usermod -aG powercap $USER')
    await expect(rapl.getByTestId('source-fix')).toContainText('Do not run Wattprint as root')
    await screenshot(page, 'view-devices-rapl-permission')

    // The user applied the fix: the counters are readable. "Look again" finds them without a restart.
    for (const k of kept) writeFileSync(k.path, k.text)
    await page.getByTestId('probe-again').click()
    await expect(rapl).toHaveAttribute('data-state', 'ok', { timeout: 15_000 })
    await expect(page.locator('[data-testid="gpu-card"][data-domain="cpu-package"]')).toBeVisible()
  })
})
