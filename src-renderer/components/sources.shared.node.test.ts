import { describe, expect, it } from 'vitest'
import type { SourceStatus } from '../../src-main/contract/telemetry.ts'
import { mostTellingProblem, notForThisSystem } from './sources.shared.ts'

const s = (sourceId: string, state: SourceStatus['state'], code = 'source.x'): SourceStatus => ({
  sourceId,
  state,
  message: { code, params: {} },
  fix: null,
  raw: null,
  sinceMs: 0,
  restarts: 0,
  precision: null,
})

describe('the problem the banner explains', () => {
  it('a fixable cause (permission) before an absence, and the registry order among equals', () => {
    expect(mostTellingProblem([s('nvml', 'not-installed'), s('nvidia-smi', 'not-installed'), s('rapl', 'permission')])?.sourceId).toBe('rapl')
    expect(mostTellingProblem([s('nvml', 'driver-error'), s('nvidia-smi', 'driver-error')])?.sourceId).toBe('nvml')
    expect(mostTellingProblem([s('nvml', 'asleep'), s('drm-hwmon', 'no-device')])?.state).toBe('asleep')
    // A source the recorder runs that lost its GPU says more than absences.
    expect(mostTellingProblem([s('nvml', 'not-installed'), { ...s('nvidia-smi', 'no-device'), running: true }])?.sourceId).toBe('nvidia-smi')
    // Nothing installed, nothing found: no single source to blame.
    expect(mostTellingProblem([s('nvml', 'not-installed'), s('drm-hwmon', 'no-device')])).toBeNull()
  })

  it('never a source that cannot run here, nor one that reads', () => {
    const sources = [s('powermetrics', 'not-installed', 'source.not-on-platform'), s('rapl', 'ok')]
    expect(mostTellingProblem(sources)).toBeNull()
    expect(notForThisSystem(sources)).toEqual(['powermetrics'])
  })
})
