import type { ServerKindName, ServerSeen } from '../../contract/models.ts'
import type { Clock } from '../../core/clock.ts'
import { measuredInWindow, windowCovered, type TimedInterval } from '../../core/model-measure.ts'
import type { ModelMeasurementStore } from '../../store/model-measurements.ts'
import { inferenceClient, readTokenCounters, type TokenCounters } from '../../telemetry/inference/clients.ts'
import { checkServerUrl } from '../../telemetry/inference/loopback.ts'

/** Where local servers listen by default (Ollama, llama.cpp's llama-server, vLLM). */
export const DEFAULT_ENDPOINTS: readonly { server: ServerKindName; url: string }[] = [
  { server: 'ollama', url: 'http://127.0.0.1:11434' },
  { server: 'llamacpp', url: 'http://127.0.0.1:8080' },
  { server: 'vllm', url: 'http://127.0.0.1:8000' },
]

/**
 * `WATTPRINT_INFERENCE_URLS=ollama=http://127.0.0.1:11434,llamacpp=http://127.0.0.1:8081`: the
 * servers to watch instead of the defaults; empty: none. Only loopback addresses are kept.
 */
export function endpointsFromEnv(text: string | undefined): { server: ServerKindName; url: string }[] {
  if (text === undefined) return [...DEFAULT_ENDPOINTS]
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .flatMap((part) => {
      const [server, ...rest] = part.split('=')
      const url = rest.join('=')
      const kinds: readonly string[] = ['ollama', 'llamacpp', 'vllm', 'openai']
      return kinds.includes(server ?? '') && checkServerUrl(url, { allowRemote: false }).ok ? [{ server: server as ServerKindName, url }] : []
    })
}

/** Intervals kept for attributing token windows, ms. */
const KEEP_MS = 15 * 60_000
/** How long a token window waits for readings to cover it before it is attributed with what is there, ms. */
const SETTLE_WAIT_MS = 30_000

/** Tokens counted over a window whose energy is not yet all read. */
interface PendingWindow {
  server: 'llamacpp' | 'vllm'
  grown: { model: string; output: number; prompt: number }[]
  fromMono: number
  toMono: number
  atWallMs: number
}

/**
 * Watches local inference servers passively: never sends a prompt. A server is looked for every
 * minute (one GET with a short timeout); once found it is read every few seconds. llama.cpp and
 * vLLM expose token counters (`/metrics`): when they grow, the energy above idle of the measured
 * devices over that window goes to the model that produced them, by hour. Ollama and
 * OpenAI-compatible servers count nothing between requests: Wattprint shows what they have
 * loaded, and "measure my model" gives their energy per token.
 */
export class InferenceWatchService {
  private readonly deps: {
    endpoints: readonly { server: ServerKindName; url: string }[]
    store: ModelMeasurementStore
    clock: Clock
    idleW: (deviceId: string) => number | null
    /** Devices whose energy counts (not SoC parts, not platform figures). */
    measuredDevices: () => ReadonlySet<string>
    pollMs?: number
    discoverMs?: number
  }
  private readonly intervals: TimedInterval[] = []
  private readonly seen = new Map<string, ServerSeen>()
  private readonly counters = new Map<string, { atMono: number; byModel: Map<string, TokenCounters> }>()
  private readonly pending: PendingWindow[] = []
  private pollTimer: NodeJS.Timeout | null = null
  private discoverTimer: NodeJS.Timeout | null = null
  private busy = false

  constructor(deps: InferenceWatchService['deps']) {
    this.deps = deps
  }

  /** The recorder's intervals (fed by the composition root, live recording only). */
  addInterval(iv: TimedInterval): void {
    this.intervals.push(iv)
    const cutoff = iv.endMonoMs - KEEP_MS
    while ((this.intervals[0]?.endMonoMs ?? Infinity) < cutoff) this.intervals.shift()
    if (this.pending.length > 0) this.settle(iv.endMonoMs)
  }

  start(): void {
    if (this.pollTimer || this.deps.endpoints.length === 0) return
    void this.discover()
    this.discoverTimer = setInterval(() => void this.discover(), this.deps.discoverMs ?? 60_000)
    this.pollTimer = setInterval(() => void this.poll(), this.deps.pollMs ?? 5000)
    this.discoverTimer.unref()
    this.pollTimer.unref()
  }

  stop(): void {
    if (this.pollTimer) clearInterval(this.pollTimer)
    if (this.discoverTimer) clearInterval(this.discoverTimer)
    this.pollTimer = null
    this.discoverTimer = null
  }

  servers(): ServerSeen[] {
    return [...this.seen.values()]
  }

  /** Looks for the servers not seen yet (one quick request each). */
  async discover(): Promise<void> {
    for (const e of this.deps.endpoints) {
      if (this.seen.has(e.url)) continue
      await this.look(e.server, e.url)
    }
  }

  /** Reads every server seen: what is loaded, and its counters. */
  async poll(): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      for (const s of [...this.seen.values()]) await this.look(s.server, s.url)
    } finally {
      this.busy = false
    }
  }

  private async look(server: ServerKindName, url: string): Promise<void> {
    const checked = checkServerUrl(url, { allowRemote: false })
    if (!checked.ok) return
    try {
      const loaded = await inferenceClient(server, checked.url, { timeoutMs: 2000 }).loadedModels()
      const countsTokens = server === 'llamacpp' || server === 'vllm'
      this.seen.set(url, { server, url, loaded, countsTokens, lastSeenMs: this.deps.clock.nowMs() })
      if (countsTokens) await this.count(server, url, checked.url)
    } catch {
      // Not there (or not that kind of server): forgotten until the next look.
      this.seen.delete(url)
      this.counters.delete(url)
    }
  }

  private async count(server: 'llamacpp' | 'vllm', key: string, url: URL): Promise<void> {
    const now = performance.now()
    const current = await readTokenCounters(server, url, { timeoutMs: 2000 })
    const byModel = new Map(current.map((c) => [c.model ?? '(unnamed)', c]))
    const before = this.counters.get(key)
    this.counters.set(key, { atMono: now, byModel })
    if (!before) return
    const grown = [...byModel.entries()].flatMap(([model, c]) => {
      const prev = before.byModel.get(model)
      // A counter that went down: the server restarted; count from here.
      if (!prev || c.outputTokensTotal < prev.outputTokensTotal || c.promptTokensTotal < prev.promptTokensTotal) return []
      const output = c.outputTokensTotal - prev.outputTokensTotal
      const prompt = c.promptTokensTotal - prev.promptTokensTotal
      return output > 0 || prompt > 0 ? [{ model, output, prompt }] : []
    })
    if (grown.length === 0) return
    // The readings of the window's last second or two arrive after the counters do: wait for them.
    this.pending.push({ server, grown, fromMono: before.atMono, toMono: now, atWallMs: this.deps.clock.nowMs() })
    this.settle(now)
  }

  /** Attributes every waiting window that readings now cover, or that has waited long enough. */
  private settle(nowMono: number): void {
    const devices = this.deps.measuredDevices()
    while (this.pending.length > 0) {
      const w = this.pending[0] as PendingWindow
      if (!windowCovered(this.intervals, w.toMono, devices) && nowMono - w.toMono < SETTLE_WAIT_MS) return
      this.pending.shift()
      this.attribute(w, devices)
    }
  }

  private attribute(w: PendingWindow, devices: ReadonlySet<string>): void {
    let energyJ = 0
    let aboveJ = 0
    for (const d of devices) {
      const m = measuredInWindow(this.intervals, w.fromMono, w.toMono, new Set([d]))
      energyJ += m.energyJ
      aboveJ += Math.max(0, m.energyJ - (this.deps.idleW(d) ?? 0) * m.coveredS)
    }
    // Several models generating in the same window share it by their output tokens.
    const totalOut = w.grown.reduce((s, g) => s + g.output, 0)
    for (const g of w.grown) {
      const share = totalOut > 0 ? g.output / totalOut : 1 / w.grown.length
      this.deps.store.addTally({
        server: w.server,
        model: g.model,
        bucketMs: w.atWallMs,
        promptTokens: g.prompt,
        outputTokens: g.output,
        energyJ: energyJ * share,
        aboveIdleJ: aboveJ * share,
      })
    }
  }
}
