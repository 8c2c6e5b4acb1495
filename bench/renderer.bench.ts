// Renderer benchmarks (issue 12): time to the dashboard's first chart in Chromium, the renderer's
// JS heap after 24 simulated hours of live updates, and the bytes of one live update over SSE.
// Builds nothing: run `npx electron-vite build` first (the headless host serves out/renderer).
//
//   node -e "import('./bench/renderer.bench.ts').then(m => m.benchRenderer({quick:false})).then(r => console.log(JSON.stringify(r, null, 1)))"
import { chromium, type Browser, type Page, type Route } from '@playwright/test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Sample, TelemetryStatus } from '../src-main/contract/telemetry.ts'
import { FAKE_SMI_DIR, REPO_ROOT, tempDir } from '../test/helpers.ts'
import { isolatedMachineEnv } from '../test/isolated-machine.ts'
import { startServeHost, type ServedHost } from '../test/serve-host.ts'
import { median, repeat, rowFrom, type BenchRow } from './harness.ts'

const FIRST_CHART_MARK = 'wattprint:first-chart'

type Host = ServedHost

/** `wattprint serve` on a fresh database with the fake nvidia-smi replaying the demo trace (as the e2e fixtures start it). */
async function startHost(env: Record<string, string> = {}): Promise<Host> {
  if (!existsSync(join(REPO_ROOT, 'out', 'renderer', 'index.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` first')
  const dir = tempDir('wattprint-bench-renderer-')
  return startServeHost(join(dir, 'wattprint.db'), {
    ...process.env,
    ...isolatedMachineEnv(),
    PATH: `${FAKE_SMI_DIR}:${process.env.PATH ?? ''}`,
    WATTPRINT_FAKE_SMI_STATE: join(dir, 'launches'),
    WATTPRINT_FLUSH_MS: '500',
    TZ: 'UTC',
    ...env,
  })
}

interface SseFrame {
  event: string
  data: string
  /** The frame as it travelled: `event: …\ndata: …\n\n`, UTF-8 bytes. */
  bytes: number
}

/** Reads the host's raw event stream (the renderer's /api/events) until `until` says enough, or the time runs out. */
async function readSse(host: Host, until: (frames: SseFrame[]) => boolean, timeoutMs: number): Promise<SseFrame[]> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  const frames: SseFrame[] = []
  try {
    const res = await fetch(`${host.base}/api/events`, { headers: { authorization: `Bearer ${host.token}` }, signal: abort.signal })
    if (!res.ok || !res.body) throw new Error(`/api/events answered ${res.status}`)
    const decoder = new TextDecoder()
    let text = ''
    for await (const chunk of res.body) {
      text += decoder.decode(chunk as Uint8Array, { stream: true })
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        const raw = text.slice(0, end + 2)
        text = text.slice(end + 2)
        const event = /^event: (.*)$/m.exec(raw)?.[1] ?? 'message'
        const data = /^data: (.*)$/m.exec(raw)?.[1] ?? ''
        frames.push({ event, data, bytes: Buffer.byteLength(raw) })
      }
      if (until(frames)) break
    }
  } catch (e) {
    if (!abort.signal.aborted) throw e
  } finally {
    clearTimeout(timer)
    abort.abort()
  }
  return frames
}

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']

/** Chromium as playwright.config.ts launches it. */
async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.WATTPRINT_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)
  return chromium.launch({ ...(executablePath ? { executablePath } : {}), args: [...LAUNCH_ARGS, '--js-flags=--expose-gc'] })
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'UTC' })
  return context.newPage()
}

// ---------------------------------------------------------------------------------------------
// Navigation to the first chart painted

interface FirstChart {
  ms: number
  /** Bytes of JavaScript (decoded) the page had loaded when the mark was set. */
  jsBytes: number
}

async function loadToFirstChart(browser: Browser, host: Host): Promise<FirstChart> {
  const page = await newPage(browser)
  try {
    await page.goto(host.url)
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_CHART_MARK, { timeout: 30_000 })
    return await page.evaluate((mark) => {
      const at = performance.getEntriesByName(mark)[0]?.startTime ?? -1
      const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
        (r) => new URL(r.name).pathname.endsWith('.js') && r.startTime <= at,
      )
      return { ms: at, jsBytes: scripts.reduce((sum, r) => sum + r.decodedBodySize, 0) }
    }, FIRST_CHART_MARK)
  } finally {
    await page.context().close()
  }
}

async function benchFirstChart(browser: Browser, quick: boolean): Promise<BenchRow[]> {
  // The e2e spec's setting: the fake nvidia-smi at 5× the trace's speed, the real clock.
  const host = await startHost({ WATTPRINT_FAKE_SMI_SPEED: '5' })
  try {
    await loadToFirstChart(browser, host) // warm-up (host's first static reads, Chromium's first launch), not counted
    const loads: FirstChart[] = []
    const ms = await repeat(quick ? 7 : 15, async () => {
      const load = await loadToFirstChart(browser, host)
      if (load.ms <= 0) throw new Error('no first-chart mark')
      loads.push(load)
      return load.ms
    })
    const kib = loads.map((l) => l.jsBytes / 1024)
    return [
      rowFrom(ms, {
        id: 'renderer.first-chart.ms',
        group: 'Renderer: navigation to first chart painted',
        label: `Chromium, fresh context per load (${ms.length} loads after one warm-up), performance mark ${FIRST_CHART_MARK}`,
        unit: 'ms',
        target: { op: '<=', value: 300 },
      }),
      rowFrom(kib, {
        id: 'renderer.first-chart.js-kib',
        group: 'Renderer: navigation to first chart painted',
        label: 'JavaScript loaded before the first chart (decoded bytes, resource timing)',
        unit: 'KiB',
        target: null,
      }),
    ]
  } finally {
    await host.stop()
  }
}

// ---------------------------------------------------------------------------------------------
// Live update payload

async function livePayload(gpus: number, quick: boolean): Promise<{ perGpuB: number[]; statusB: number[]; seconds: number }> {
  const host = await startHost({ WATTPRINT_FAKE_SMI_GPUS: String(gpus) })
  try {
    const updates = quick ? 10 : 30
    const start = performance.now()
    const frames = await readSse(host, (f) => f.filter((x) => x.event === 'telemetry:samples').length >= updates + 2, 120_000)
    const seconds = (performance.now() - start) / 1000
    // The first frames can hold a backlog from start-up: skip two.
    const samples = frames.filter((f) => f.event === 'telemetry:samples').slice(2)
    if (samples.length === 0) throw new Error(`no telemetry:samples over SSE in ${seconds.toFixed(0)} s (${gpus} GPUs)`)
    const perGpuB = samples.map((f) => f.bytes / Math.max(1, (JSON.parse(f.data) as { samples: Sample[] }).samples.length))
    const statusB = frames.filter((f) => f.event === 'telemetry:status').map((f) => f.bytes)
    return { perGpuB, statusB, seconds }
  } finally {
    await host.stop()
  }
}

async function benchPayload(quick: boolean): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  for (const gpus of [1, 4]) {
    const { perGpuB, statusB, seconds } = await livePayload(gpus, quick)
    rows.push(
      rowFrom(perGpuB, {
        id: `renderer.live-payload.${gpus}gpu`,
        group: 'Live update payload',
        label: `SSE telemetry:samples frame ÷ GPUs in it, real host, fake nvidia-smi with ${gpus} GPU${gpus > 1 ? 's' : ''}`,
        unit: 'B',
        target: { op: '<=', value: 1024 },
        note: `${perGpuB.length} updates in ${seconds.toFixed(1)} s; telemetry:status frames in the same time (not per reading): ${statusB.length}, median ${Math.round(median(statusB)) || 0} B`,
      }),
    )
  }
  return rows
}

// ---------------------------------------------------------------------------------------------
// Renderer memory after 24 h of live updates

/** A `telemetry:samples` SSE frame, as the host writes it (see src-main/headless/event-clients.ts). */
function samplesFrame(samples: Sample[]): string {
  return `event: telemetry:samples\ndata: ${JSON.stringify({ samples, demo: false })}\n\n`
}

/**
 * One simulated hour of 1 Hz readings for the host's own devices, starting at `fromMs`: the real
 * samples' shape, power following a slow wave so every point differs.
 */
function simulatedHour(templates: Sample[], fromMs: number, hour: number): { body: string; lastTotalW: number } {
  const frames: string[] = []
  let lastTotalW = 0
  for (let s = 0; s < 3600; s++) {
    const t = hour * 3600 + s
    const tMs = fromMs + t * 1000
    const samples = templates.map((tpl, i) => {
      const base = tpl.powerW ?? 100
      const wave = 1 + 0.5 * Math.sin((t + i * 97) / 300) + 0.1 * Math.sin(t / 7)
      return { ...tpl, tMs, powerW: Math.round(base * wave * 100) / 100, utilPct: (t * 7 + i) % 101, tempC: 40 + ((t + i) % 40) }
    })
    frames.push(samplesFrame(samples))
    lastTotalW = samples.reduce((sum, x) => sum + x.powerW, 0)
  }
  return { body: frames.join(''), lastTotalW }
}

async function heapUsedMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('Performance.enable')
    // Twice: objects freed by the first collection's finalizers go in the second.
    await cdp.send('HeapProfiler.collectGarbage')
    await cdp.send('HeapProfiler.collectGarbage')
    const { metrics } = await cdp.send('Performance.getMetrics')
    const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value
    if (used === undefined) throw new Error('no JSHeapUsedSize metric')
    return used / 1024 ** 2
  } finally {
    await cdp.detach()
  }
}

interface MemoryRun {
  /** [simulated hour, MB] after a forced GC. */
  points: [number, number][]
  wallS: number
  updates: number
}

/**
 * Feeds the dashboard 24 simulated hours of 1 Hz readings through its real live path: the page's
 * own `/api/events` request (the one the HTTP bridge makes) is answered, one simulated hour per
 * connection, with the frames the host would have sent; the bridge parses them with its SSE parser
 * and hands them to the telemetry store and the chart, as in use. When the stream ends the bridge
 * reconnects (after its 1 s back-off): that next request says the hour was consumed, so the heap
 * is read then (after a forced GC) before the next hour is served.
 */
async function simulateDay(browser: Browser, gpus: number, hours: number): Promise<MemoryRun> {
  const host = await startHost({ WATTPRINT_FAKE_SMI_GPUS: String(gpus) })
  const page = await newPage(browser)
  try {
    // The host's devices (the store reloads on an unknown device, so the readings use these ids).
    let status = await host.invoke<TelemetryStatus>('telemetry:status')
    for (let i = 0; i < 100 && status.latest.length < gpus; i++) {
      await new Promise((r) => setTimeout(r, 200))
      status = await host.invoke<TelemetryStatus>('telemetry:status')
    }
    const templates = status.latest.filter((s) => status.devices.some((d) => d.deviceId === s.deviceId && d.domain === 'gpu'))
    if (templates.length !== gpus) throw new Error(`expected ${gpus} GPUs from the fake nvidia-smi, host shows ${templates.length}`)

    const connections: Route[] = []
    let connected: (() => void) | null = null
    await page.route('**/api/events', (route) => {
      connections.push(route)
      connected?.()
    })
    const nextConnection = async (): Promise<Route> => {
      const deadline = Date.now() + 120_000
      while (connections.length === 0) {
        if (Date.now() > deadline) throw new Error('the renderer did not reconnect to /api/events')
        await new Promise<void>((r) => {
          connected = r
          setTimeout(r, 1000)
        })
      }
      return connections.shift() as Route
    }

    await page.goto(host.url)
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_CHART_MARK, { timeout: 30_000 })
    await page
      .getByTestId('gpu-card')
      .nth(gpus - 1)
      .waitFor({ timeout: 30_000 })
    let route = await nextConnection()
    const points: [number, number][] = [[0, await heapUsedMb(page)]]
    const fromMs = Date.now()
    const started = performance.now()
    let lastTotalW = Number.NaN
    for (let hour = 0; hour < hours; hour++) {
      const simulated = simulatedHour(templates, fromMs, hour)
      lastTotalW = simulated.lastTotalW
      await route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body: simulated.body })
      route = await nextConnection()
      if ((hour + 1) % 2 === 0 || hour + 1 === hours) points.push([hour + 1, await heapUsedMb(page)])
    }
    const wallS = (performance.now() - started) / 1000
    // The readings did reach the store: the header's live total is the simulation's last second.
    const shownW = Number(/([\d,]+(?:\.\d+)?) W/.exec(await page.getByTestId('live-total').innerText())?.[1]?.replace(/,/g, '') ?? Number.NaN)
    if (!(Math.abs(shownW - lastTotalW) <= 0.51)) throw new Error(`the page shows ${shownW} W, the last simulated reading totals ${lastTotalW.toFixed(2)} W`)
    await route.abort()
    return { points, wallS, updates: hours * 3600 }
  } finally {
    await page.context().close()
    await host.stop()
  }
}

async function benchMemory(browser: Browser, quick: boolean): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  for (const gpus of [1, 4]) {
    const hours = quick ? 6 : 24
    const run = await simulateDay(browser, gpus, hours)
    const end = run.points[run.points.length - 1]?.[1] ?? Number.NaN
    const start = run.points[0]?.[1] ?? Number.NaN
    // Flat: the heap over the last quarter of the simulated day grows by less than 1 MB.
    const quarterAt = run.points.filter(([h]) => h <= (hours * 3) / 4).at(-1)?.[1] ?? Number.NaN
    const lastQuarterMb = end - quarterAt
    const flat = Math.abs(lastQuarterMb) < 1
    rows.push(
      rowFrom([end], {
        id: `renderer.memory.${hours}h.${gpus}gpu`,
        group: 'Renderer memory after 24 h of live updates',
        label: `JS heap used after ${hours} simulated h of 1 Hz updates, ${gpus} GPU${gpus > 1 ? 's' : ''} (${run.updates.toLocaleString('en-GB')} updates in ${run.wallS.toFixed(0)} s), after GC`,
        unit: 'MB',
        target: { op: '<=', value: 150 },
        note: `${flat ? 'flat' : 'NOT flat'}: start ${start.toFixed(1)} MB, last-quarter growth ${lastQuarterMb >= 0 ? '+' : ''}${lastQuarterMb.toFixed(2)} MB; by hour: ${run.points.map(([h, mb]) => `${h}h ${mb.toFixed(1)}`).join(', ')}`,
      }),
    )
  }
  return rows
}

/** The three groups' rows; `only` runs some of them (all by default). */
export async function benchRenderer(opts: { quick: boolean; only?: readonly ('first-chart' | 'memory' | 'payload')[] }): Promise<BenchRow[]> {
  const wanted = (part: 'first-chart' | 'memory' | 'payload'): boolean => !opts.only || opts.only.includes(part)
  const browser = await launchBrowser()
  try {
    const rows: BenchRow[] = []
    if (wanted('first-chart')) rows.push(...(await benchFirstChart(browser, opts.quick)))
    if (wanted('memory')) rows.push(...(await benchMemory(browser, opts.quick)))
    if (wanted('payload')) rows.push(...(await benchPayload(opts.quick)))
    return rows
  } finally {
    await browser.close()
  }
}
