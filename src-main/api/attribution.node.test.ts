import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir, useFakeNvidiaSmi, waitFor } from '../../test/helpers.ts'
import { startStandInServer, type StandIn } from '../../test/stand-ins/inference/servers.ts'
import type { Report } from '../contract/footprint.ts'
import { createContext, type AppContext } from './context.ts'
import { dispatch } from './dispatch.ts'

// Which app used the energy, through the real recorder: the fake nvidia-smi reports two processes
// (pmon and the compute list), one of them Ollama's runner, and a power that rises while a
// stand-in server generates; the recorder splits each interval and the store keeps it by hour.

let ctx: AppContext | null = null
let restore: (() => void) | null = null
let server: StandIn | null = null
afterEach(async () => {
  await ctx?.close()
  await server?.close()
  restore?.()
  ctx = null
  server = null
  restore = null
})

function open(env: Record<string, string>, extra: Partial<Parameters<typeof createContext>[0]> = {}): AppContext {
  restore = useFakeNvidiaSmi(env)
  ctx = createContext({
    dbPath: join(tempDir(), 'attr.db'),
    host: 'headless',
    version: 'test',
    source: { kind: 'nvidia-smi' },
    locale: 'en-US',
    flushIntervalMs: 100,
    processIntervalMs: 200,
    sampleIntervalMs: 100,
    ...extra,
  })
  ctx.start()
  return ctx
}

describe('per-app attribution through the recorder', () => {
  it('splits energy between Ollama and a game by SM use, idle apart, and reports it per app', async () => {
    const load = join(tempDir(), 'load')
    writeFileSync(load, '1')
    const s = open({
      WATTPRINT_FAKE_SMI_LOAD_FILE: load,
      WATTPRINT_FAKE_SMI_IDLE_W: '30',
      WATTPRINT_FAKE_SMI_LOAD_W: '230',
      WATTPRINT_FAKE_SMI_PROCS: '0:4242:ollama_llama_server:75:8000:C;0:777:steam-game:25:2000:C+G',
    })
    await s.settings.update({ idleBaselineW: 30 })
    await waitFor(() => s.telemetryStatus().processes.length === 2, 'the processes', 10_000)
    expect(
      s
        .telemetryStatus()
        .processes.map((p) => [p.app, p.smPct])
        .sort(),
    ).toEqual([
      ['ollama', 75],
      ['other', 25],
    ])
    await new Promise((r) => setTimeout(r, 2500))
    const report = (await dispatch(s, 'summary:today', {})) as Report
    const byApp = Object.fromEntries(report.apps.map((a) => [a.app, a.energyJ]))
    const active = (byApp.ollama ?? 0) + (byApp.other ?? 0)
    // 200 W above 30 W idle, shared 75/25 by SM use; idle is its own line.
    expect((byApp.ollama ?? 0) / active).toBeCloseTo(0.75, 2)
    expect((byApp.idle ?? 0) / (active + (byApp.idle ?? 0))).toBeCloseTo(30 / 230, 1)
    expect(report.apps.find((a) => a.app === 'ollama')?.byMethod.map((m) => m.method)).toEqual(['sm-utilisation'])
    expect(report.idle[0]).toMatchObject({ source: 'setting', idleW: 30 })
    expect(report.aboveIdleEnergyJ).toBeGreaterThan(0)
  })

  it('leaves active energy unattributed when nvidia-smi lists no process', async () => {
    const load = join(tempDir(), 'load')
    writeFileSync(load, '1')
    const s = open({ WATTPRINT_FAKE_SMI_LOAD_FILE: load })
    await waitFor(() => s.telemetryStatus().latest.length > 0, 'a reading')
    await new Promise((r) => setTimeout(r, 1500))
    const report = (await dispatch(s, 'summary:today', {})) as Report
    expect(report.apps.map((a) => a.app)).toEqual(['unattributed'])
    expect(report.apps[0]?.byMethod[0]?.method).toBe('none')
  })
})

describe('the idle baseline, learned from the device’s own readings at rest', () => {
  it('takes the 10th percentile of power at 0 % use over the last 7 days, and a setting overrides it', async () => {
    const load = join(tempDir(), 'load')
    writeFileSync(load, '0')
    const s = open({ WATTPRINT_FAKE_SMI_LOAD_FILE: load, WATTPRINT_FAKE_SMI_IDLE_W: '27.5' })
    await waitFor(() => (s.telemetryStatus().latest[0] ? true : false), 'a reading')
    await new Promise((r) => setTimeout(r, 8000))
    const learned = (await dispatch(s, 'idle:learn', {})) as { idle: { idleW: number; source: string; readings: number; basis: string }[] }
    expect(learned.idle[0]).toMatchObject({ idleW: 27.5, source: 'learned', basis: 'at-rest' })
    expect(learned.idle[0]?.readings).toBeGreaterThanOrEqual(60)
    await s.settings.update({ idleBaselineW: 40 })
    expect(s.telemetryStatus().idle[0]).toMatchObject({ idleW: 40, source: 'setting' })
  })
})

describe('local servers, watched passively', () => {
  it('counts llama.cpp’s tokens from /metrics and the energy above idle drawn while they grew', async () => {
    const load = join(tempDir(), 'load')
    server = await startStandInServer('llamacpp', {
      models: [{ name: 'qwen2.5-7b-instruct-q4_k_m.gguf' }],
      promptTokensPerS: 2000,
      outputTokensPerS: 100,
      loadFile: load,
    })
    process.env.WATTPRINT_INFERENCE_URLS = `llamacpp=${server.url}`
    try {
      const s = open({ WATTPRINT_FAKE_SMI_LOAD_FILE: load, WATTPRINT_FAKE_SMI_IDLE_W: '30', WATTPRINT_FAKE_SMI_LOAD_W: '230' })
      await s.settings.update({ idleBaselineW: 30 })
      await waitFor(() => s.inferenceWatch.servers().length === 1, 'the server seen', 10_000)
      await s.inferenceWatch.poll()
      const startedWallMs = Date.now()
      // Someone uses the server (not Wattprint): 300 tokens at 100/s = 3 s at 200 W above idle.
      const startedMs = performance.now()
      await fetch(`${server.url}/completion`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'Tell me about heat pumps', n_predict: 300 }),
      })
      // The load lasted at least the 3 s asked for and at most the request's wall time (longer when the machine is busy).
      const loadS = [3, (performance.now() - startedMs) / 1000] as const
      // The next poll comes after the readings of the load have arrived (the watcher polls every
      // 5 s; readings reach the recorder later than they were taken when the machine is busy).
      await new Promise((r) => setTimeout(r, 2000))
      await s.inferenceWatch.poll()
      type Local = { tally: { outputTokens: number; aboveIdleJ: number; whPer1kTokens: number }[] }
      const localTally = async () => (await dispatch(s, 'models:local', { sinceMs: 0, untilMs: Date.now() + 3_600_000 })) as Local
      // The window is attributed once readings cover its end (they arrive after the counters).
      let local = await localTally()
      for (let i = 0; i < 50 && local.tally.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100))
        local = await localTally()
      }
      expect(local.tally[0]?.outputTokens).toBe(300)
      // The window holds the whole generation: the tally's energy above idle is what the recorder
      // measured above idle over the whole test (a busy machine samples the load's edges coarsely,
      // so that figure, not the stand-in's 600 J, is the truth to hold the tally to).
      s.recorder.current.flush()
      const recorded = s.reports.report(startedWallMs - 60_000, Date.now() + 60_000).aboveIdleEnergyJ ?? 0
      expect(local.tally[0]?.aboveIdleJ).toBeGreaterThan(recorded * 0.9)
      expect(local.tally[0]?.aboveIdleJ).toBeLessThan(recorded * 1.1 + 1)
      // And that is the load: 200 W above idle for at least 3 s and at most the request's wall time.
      expect(recorded).toBeGreaterThan(200 * loadS[0] * 0.7)
      expect(recorded).toBeLessThan(200 * loadS[1] * 1.15)
    } finally {
      delete process.env.WATTPRINT_INFERENCE_URLS
    }
  })
})
