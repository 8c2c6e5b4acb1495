import bundledPromptSet from '../../../resources/prompts/measure-v1.json' with { type: 'json' }
import { WattprintError, badInput } from '../../contract/errors.ts'
import type { MessageCode } from '../../contract/messages.ts'
import type { MeasureModelRequest, ModelMeasurement } from '../../contract/models.ts'
import { MeasureModelRequestSchema } from '../../contract/models.ts'
import type { Device } from '../../contract/telemetry.ts'
import type { Clock } from '../../core/clock.ts'
import { asFactor } from '../../core/data-pack.ts'
import { rangeOf } from '../../core/footprint.ts'
import { measurementFactor, measurementIdFor } from '../../core/measurement.ts'
import { energyInWindow, summarise, windowCovered, type ResponseEnergy, type TimedInterval } from '../../core/model-measure.ts'
import type { Recorder } from '../../recording/recorder.ts'
import type { ModelMeasurementStore } from '../../store/model-measurements.ts'
import { InferenceError, inferenceClient, type InferenceClient } from '../../telemetry/inference/clients.ts'
import { checkServerUrl } from '../../telemetry/inference/loopback.ts'
import type { DataPackService } from './data-packs.service.ts'

/** The fixed prompt set (resources/prompts/measure-v1.json): documented there, versioned by its id. */
export interface PromptSet {
  id: string
  maxTokens: number
  seed: number
  prompts: string[]
}

/** The bundled prompt set (`resources/prompts/measure-v1.json`). */
export const PROMPT_SET: PromptSet = bundledPromptSet

/** A step of a measurement, for a progress bar. */
export interface MeasureProgress {
  step: 'warm-up' | 'idle' | 'prompt' | 'done'
  done: number
  total: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The devices whose energy a measurement counts: what the sources read and add (not parts of a SoC, not platform figures). */
function measuredDevices(devices: readonly Device[]): Device[] {
  return devices.filter((d) => !d.partOf && d.domain !== 'platform')
}

function failure(code: MessageCode, params: Record<string, string | number>, raw: string | null = null): WattprintError {
  return new WattprintError('failure', code, params, { raw })
}

/** An inference server's failure, in its own words. */
function serverFailure(error: unknown, url: string, model: string): WattprintError {
  if (!(error instanceof InferenceError)) return failure('measure.server-error', { url, status: '—' }, error instanceof Error ? error.message : String(error))
  if (error.kind === 'unreachable') return failure('measure.server-unreachable', { url }, error.detail)
  if (error.kind === 'timeout') return failure('measure.server-timeout', { url }, error.detail)
  if (error.kind === 'model-not-found') return badInput('measure.model-not-found', { model, url }, 'model')
  return failure('measure.server-error', { url, status: error.status ?? '—' }, error.detail)
}

/**
 * "Measure my model": runs the fixed prompt set against a local model and measures, with the
 * recording's own sources, the energy above idle of each response. Warm-up first (it loads the
 * model, not counted), then the idle power with the model loaded, then every prompt `repeats`
 * times; each response's window is timed on the monotonic clock and its energy summed from the
 * recorder's intervals, pro rata at the edges. Never sends anything but the prompts, and only to
 * loopback unless allowed.
 */
export class MeasureService {
  private readonly deps: {
    recorder: () => Recorder
    promptSet?: () => PromptSet
    dataPacks: DataPackService
    store: ModelMeasurementStore
    clock: Clock
    /** The recorder's sampling interval now, ms (recorded with the result). */
    sampleIntervalMs: () => number
    client?: (kind: ModelMeasurement['server'], url: URL) => InferenceClient
  }
  private running = false

  constructor(deps: MeasureService['deps']) {
    this.deps = deps
  }

  async measure(input: MeasureModelRequest, onProgress: (p: MeasureProgress) => void = () => undefined): Promise<ModelMeasurement> {
    const request = MeasureModelRequestSchema.parse(input)
    const checked = checkServerUrl(request.url, { allowRemote: request.allowRemote })
    if (!checked.ok) throw badInput(`measure.url-${checked.reason}`, { url: request.url }, 'url')
    if (this.running) throw failure('measure.busy', {})
    const recorder = this.deps.recorder()
    const devices = measuredDevices(recorder.status().devices)
    if (devices.length === 0) throw failure('measure.no-power-source', {})
    this.running = true
    const intervals: TimedInterval[] = []
    const off = recorder.onInterval((iv) => intervals.push(iv))
    try {
      return await this.run(request, checked.url, recorder, new Set(devices.map((d) => d.deviceId)), intervals, onProgress)
    } finally {
      off()
      this.running = false
    }
  }

  private async run(
    request: ReturnType<typeof MeasureModelRequestSchema.parse>,
    url: URL,
    recorder: Recorder,
    deviceIds: ReadonlySet<string>,
    intervals: TimedInterval[],
    onProgress: (p: MeasureProgress) => void,
  ): Promise<ModelMeasurement> {
    const set = this.deps.promptSet?.() ?? PROMPT_SET
    const client = (this.deps.client ?? ((kind, u) => inferenceClient(kind, u)))(request.server, url)
    const total = 2 + set.prompts.length * request.repeats
    const call = async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        return await work()
      } catch (error) {
        throw serverFailure(error, request.url, request.model)
      }
    }
    const models = await call(() => client.listModels())
    // Ollama takes `llama3.2` for `llama3.2:latest`; so does Wattprint.
    const model = models.find((m) => m.name === request.model) ?? models.find((m) => m.name === `${request.model}:latest`)
    if (!model) throw badInput('measure.model-not-found', { model: request.model, url: request.url }, 'model')
    const info = await call(() => client.modelInfo(model.name))
    const generate = (prompt: string): Promise<Awaited<ReturnType<InferenceClient['generate']>>> =>
      call(() => client.generate(model.name, prompt, { maxTokens: set.maxTokens, seed: set.seed }))

    onProgress({ step: 'warm-up', done: 0, total })
    await generate(set.prompts[0] ?? '')
    // Readings must keep up with the window, or its energy would be short.
    const settle = async (toMs: number): Promise<void> => {
      const limitMs = performance.now() + 3 * this.deps.sampleIntervalMs() + 5000
      while (!windowCovered(intervals, toMs, deviceIds)) {
        if (performance.now() > limitMs) throw failure('measure.readings-stopped', {})
        await sleep(50)
      }
    }

    onProgress({ step: 'idle', done: 1, total })
    // A GPU takes a moment to come down from a load (and its last reading still holds it): let it settle first.
    await sleep(Math.max(1000, 3 * this.deps.sampleIntervalMs()))
    const idleFrom = performance.now()
    await sleep(request.idleS * 1000)
    const idleTo = performance.now()
    await settle(idleTo)
    const idleW = energyInWindow(intervals, idleFrom, idleTo, deviceIds) / ((idleTo - idleFrom) / 1000)

    const responses: (ResponseEnergy & { prompt: string; repeat: number })[] = []
    let done = 2
    for (let repeat = 1; repeat <= request.repeats; repeat++) {
      for (const prompt of set.prompts) {
        onProgress({ step: 'prompt', done, total })
        const fromMs = performance.now()
        const result = await generate(prompt)
        const toMs = performance.now()
        await settle(toMs)
        responses.push({
          prompt,
          repeat,
          promptTokens: result.promptTokens,
          outputTokens: result.outputTokens,
          durationS: (toMs - fromMs) / 1000,
          promptMs: result.promptMs,
          generationMs: result.generationMs,
          energyJ: energyInWindow(intervals, fromMs, toMs, deviceIds),
        })
        done++
      }
    }
    onProgress({ step: 'done', done: total, total })

    const status = recorder.status()
    const measured = measuredDevices(status.devices).filter((d) => deviceIds.has(d.deviceId))
    const factors = [
      ...new Map(
        measured.map((d) => [measurementIdFor(d, d.method), asFactor(measurementFactor(this.deps.dataPacks.pack(), measurementIdFor(d, d.method)))]),
      ).values(),
    ]
    // The widest measurement range of the devices measured: no figure looks more precise than its least precise part.
    const widest = factors.reduce((a, b) => (rangeOf(b)[1] - rangeOf(b)[0] > rangeOf(a)[1] - rangeOf(a)[0] ? b : a))
    const summary = summarise(responses, idleW, widest)
    const methods = new Set(measured.map((d) => d.method))
    const notes = [
      `Prompt set ${set.id}: ${set.prompts.length} prompts × ${request.repeats}, at most ${set.maxTokens} output tokens each, temperature 0, seed ${set.seed}; a warm-up response first (not counted).`,
      `Idle measured for ${request.idleS} s with the model loaded, just before the prompts: ${idleW.toFixed(1)} W.`,
      summary.split
        ? 'Prompt processing and generation split by the server’s own timings, power taken as even over each response.'
        : 'This server gives no prompt and generation timings: no split.',
    ]
    const result: ModelMeasurement = {
      id: null,
      atMs: this.deps.clock.nowMs(),
      server: request.server,
      url: request.url,
      model: model.name,
      family: info?.family ?? null,
      parameterSize: info?.parameterSize ?? null,
      quantization: info?.quantization ?? null,
      devices: measured.map((d) => ({ deviceId: d.deviceId, name: d.name, domain: d.domain })),
      promptSet: set.id,
      repeats: request.repeats,
      responses: summary.responses,
      promptTokens: summary.promptTokens,
      outputTokens: summary.outputTokens,
      energyJ: summary.energyJ,
      energyAboveIdleJ: summary.energyAboveIdleJ,
      idleW,
      whPer1kTokens: summary.whPer1kTokens,
      whPerResponse: summary.whPerResponse,
      tokensPerS: summary.tokensPerS,
      split: summary.split,
      method: methods.size === 1 ? ([...methods][0] ?? 'sampled-power') : 'mixed',
      measurement: factors,
      sampleIntervalMs: this.deps.sampleIntervalMs(),
      perResponse: responses.map((r, i) => ({
        prompt: r.prompt,
        repeat: r.repeat,
        promptTokens: r.promptTokens,
        outputTokens: r.outputTokens,
        durationS: r.durationS,
        promptMs: r.promptMs,
        generationMs: r.generationMs,
        energyJ: r.energyJ,
        energyAboveIdleJ: summary.perResponseAboveIdleJ[i] ?? 0,
      })),
      notes,
    }
    return this.deps.store.add(result)
  }
}
