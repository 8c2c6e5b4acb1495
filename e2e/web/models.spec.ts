import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStandInServer, type StandIn } from '../../test/stand-ins/inference/servers.ts'
import { expect, expectAccessible, screenshot, test, type HostOptions } from './fixtures.ts'

// A PC running Ollama (a stand-in server on loopback) on its NVIDIA GPU (the fake nvidia-smi as a
// power meter: load power while the stand-in generates). nvidia-smi lists Ollama's runner using
// the GPU, so the energy goes to Ollama; the Models view measures the model.

const dir = mkdtempSync(join(tmpdir(), 'wattprint-models-'))
const loadFile = join(dir, 'load')
writeFileSync(loadFile, '0')
const MODEL = 'llama3.1:8b-instruct-q4_K_M'
let server: StandIn | null = null

test.describe('energy per app, and measuring a local model', () => {
  test.use({
    // eslint-disable-next-line no-empty-pattern -- Playwright's fixture signature: this option needs no other fixture.
    hostOptions: async ({}, use) => {
      server = await startStandInServer('ollama', {
        models: [{ name: MODEL, family: 'llama', parameterSize: '8.0B', quantization: 'Q4_K_M' }],
        promptTokensPerS: 1500,
        outputTokensPerS: 120,
        loadFile,
      })
      const options: HostOptions = {
        env: {
          WATTPRINT_FAKE_SMI_LOAD_FILE: loadFile,
          WATTPRINT_FAKE_SMI_IDLE_W: '28',
          WATTPRINT_FAKE_SMI_LOAD_W: '265',
          WATTPRINT_FAKE_SMI_PROCS: '0:4242:ollama_llama_server:92:5200:C;0:1777:firefox:3:300:G',
          WATTPRINT_INFERENCE_URLS: `ollama=${server.url}`,
        },
      }
      await use(options)
      await server.close()
    },
  })

  test('measures the model, sets it beside published figures, and shows the energy by app', async ({ page, host }) => {
    test.setTimeout(120_000)
    // Idle power set (a fresh host has not rested long enough to learn it): energy at rest is its own line.
    await host.invoke('settings:update', { idleBaselineW: 28 })
    await page.goto(host.url)
    // The dashboard says what uses the GPU now.
    await expect(page.getByTestId('apps-now')).toContainText('Ollama — ollama_llama_server', { timeout: 20_000 })
    await expect(page.getByTestId('apps-now')).toContainText('92 % SM')

    await page.getByTestId('nav-models').click()
    await expect(page.getByRole('heading', { name: 'Your models', level: 1 })).toBeVisible()
    await expect(page.getByTestId('local-servers')).toContainText(`loaded: ${MODEL}`, { timeout: 20_000 })
    await page.getByTestId('measure-url').fill(server?.url ?? '')
    await page.getByTestId('list-models').click()
    await page.getByTestId('measure-model').fill(MODEL)
    await page.getByTestId('measure-repeats').fill('1')
    await page.getByTestId('measure-submit').click()
    await expect(page.getByTestId('measure-progress')).toBeVisible()
    await expect(page.getByTestId('measurement')).toHaveCount(1, { timeout: 60_000 })
    await expect(page.getByTestId('measurement')).toContainText(MODEL)
    await expect(page.getByTestId('measurement')).toContainText('Q4_K_M')
    await expect(page.getByTestId('measurement-per1k')).toHaveText(/\d/)
    const comparison = page.getByTestId('published-comparison')
    await expect(comparison).toContainText('Gemini Apps, median text prompt')
    await expect(comparison.locator('[data-scope="whole-stack"]').first()).toContainText('much broader than yours')
    await expect(comparison.locator('[data-scope="accelerator"]').first()).toContainText('like yours')
    await page.waitForTimeout(500)
    await screenshot(page, 'view-models')
    await expectAccessible(page, 'models')

    // A refused server address names the problem, in words.
    await page.getByTestId('measure-url').fill('http://192.168.1.20:11434')
    await page.getByTestId('measure-submit').click()
    await expect(page.getByTestId('measure-error')).toContainText('is not on this machine')

    // The measurement's load went to Ollama, by GPU use; idle is its own line.
    await page.getByTestId('nav-dashboard').click()
    const apps = page.getByTestId('apps-today-list')
    await expect(apps.locator('[data-app="ollama"]')).toContainText('by GPU use', { timeout: 20_000 })
    await expect(apps.locator('[data-app="idle"]')).toBeVisible()
    await screenshot(page, 'dashboard-apps')
    await page.getByTestId('nav-history').click()
    await page.getByTestId('history-kind').selectOption('day')
    await expect(page.getByTestId('history-apps-list').locator('[data-app="ollama"]')).toBeVisible({ timeout: 15_000 })
    await screenshot(page, 'view-history-apps')
  })
})
