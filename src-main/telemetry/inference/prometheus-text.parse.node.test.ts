import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { REPO_ROOT } from '../../../test/helpers.ts'
import { parsePrometheusText, parseValue, type PrometheusSample } from './prometheus-text.parse.ts'

const shape = (file: string): string => readFileSync(join(REPO_ROOT, 'test', 'stand-ins', 'inference', 'shapes', file), 'utf8')

describe('recorded /metrics pages', () => {
  it('llama.cpp: unlabelled llamacpp:* samples, HELP/TYPE skipped', () => {
    const { samples, skipped } = parsePrometheusText(shape('llamacpp-metrics.txt'))
    expect(skipped).toEqual([])
    expect(samples).toHaveLength(11)
    expect(samples.find((s) => s.name === 'llamacpp:prompt_tokens_total')).toEqual({
      name: 'llamacpp:prompt_tokens_total',
      labels: {},
      value: 1337,
      timestampMs: null,
    })
    expect(samples.find((s) => s.name === 'llamacpp:tokens_predicted_total')?.value).toBe(4242)
  })

  it('vLLM: model_name and engine labels, float values, histogram buckets with le="+Inf"', () => {
    const { samples, skipped } = parsePrometheusText(shape('vllm-metrics.txt'))
    expect(skipped).toEqual([])
    const gen = samples.find((s) => s.name === 'vllm:generation_tokens_total')
    expect(gen).toEqual({
      name: 'vllm:generation_tokens_total',
      labels: { model_name: 'meta-llama/Llama-3.1-8B-Instruct', engine: '0' },
      value: 27453,
      timestampMs: null,
    })
    expect(samples.filter((s) => s.name === 'vllm:request_success_total').map((s) => s.labels.finished_reason)).toEqual(['stop', 'length', 'abort'])
    expect(samples.find((s) => s.labels.le === '+Inf')?.value).toBe(132)
    expect(samples.find((s) => s.name === 'vllm:prompt_tokens_created')?.value).toBe(1.7351422e9)
  })
})

describe('the exposition format, line by line', () => {
  it.each([
    ['plain', 'up 1', { name: 'up', labels: {}, value: 1, timestampMs: null }],
    [
      'timestamp',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000 },
    ],
    [
      'escapes',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      {
        name: 'msdos_file_access_time_seconds',
        labels: { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' },
        value: 1.458255915e9,
        timestampMs: null,
      },
    ],
    ['trailing comma and blanks', 'x{ a = "1" , b="2", } 3', { name: 'x', labels: { a: '1', b: '2' }, value: 3, timestampMs: null }],
    ['empty braces', 'x{} 3', { name: 'x', labels: {}, value: 3, timestampMs: null }],
    ['tabs', 'x\t\t4\t-5', { name: 'x', labels: {}, value: 4, timestampMs: -5 }],
    ['brace in a value', 'x{a="}{,="} 1', { name: 'x', labels: { a: '}{,=' }, value: 1, timestampMs: null }],
    ['unknown escape kept', 'x{a="\\t"} 1', { name: 'x', labels: { a: '\\t' }, value: 1, timestampMs: null }],
    ['exemplar', 'foo_bucket{le="0.5"} 3 # {trace_id="abc"} 0.4 1.6e9', { name: 'foo_bucket', labels: { le: '0.5' }, value: 3, timestampMs: null }],
    ['quoted UTF-8 name', '{"my.metric", "label.1"="v"} 2', { name: 'my.metric', labels: { 'label.1': 'v' }, value: 2, timestampMs: null }],
    ['__proto__ label', 'x{__proto__="y"} 1', { name: 'x', labels: Object.fromEntries([['__proto__', 'y']]), value: 1, timestampMs: null }],
  ] as const)('%s', (_label, line, expected) => {
    const { samples, skipped } = parsePrometheusText(line)
    expect(skipped).toEqual([])
    expect(samples).toEqual([expected])
  })

  it.each([
    ['NaN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['Inf', Infinity],
    ['-0', -0],
    ['.5', 0.5],
    ['1e-3', 0.001],
    ['+7', 7],
  ])('value %s', (token, value) => {
    expect(parseValue(token)).toBe(value)
    expect(parsePrometheusText(`m ${token}`).samples[0]?.value).toBe(value)
  })

  it.each([
    ['x', 'bad-value'],
    ['x abc', 'bad-value'],
    ['x 0x10', 'bad-value'],
    ['x 1 2 3', 'trailing-text'],
    ['x 1 1.5', 'bad-timestamp'],
    ['1x 2', 'bad-name'],
    ['x-y 2', 'bad-name'],
    ['x{a="1" 2', 'bad-labels'],
    ['x{a=1} 2', 'bad-labels'],
    ['x{a="1"b="2"} 2', 'bad-labels'],
    ['x{a="unterminated} 2', 'bad-labels'],
    ['x{a="1",a="2"} 2', 'duplicate-label'],
    ['x{"n"} 2', 'bad-labels'],
    ['{a="1"} 2', 'bad-name'],
    ['x{a="1"}2', 'bad-value'],
  ])('skips %j: %s', (line, reason) => {
    expect(parsePrometheusText(`ok 1\n${line}\nok 2`)).toEqual({
      samples: [
        { name: 'ok', labels: {}, value: 1, timestampMs: null },
        { name: 'ok', labels: {}, value: 2, timestampMs: null },
      ],
      skipped: [{ line: 2, reason }],
    })
  })

  it('ignores comments, blank lines and CRLF', () => {
    const text = '# HELP a Some help\r\n# TYPE a counter\r\n\r\n   \r\na_total 5\r\n# EOF\r\n'
    expect(parsePrometheusText(text)).toEqual({ samples: [{ name: 'a_total', labels: {}, value: 5, timestampMs: null }], skipped: [] })
  })
})

// Writes samples the way a Prometheus client library does.
function expose(sample: PrometheusSample): string {
  const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
  const labels = Object.entries(sample.labels).map(([k, v]) => `${k}="${escape(v)}"`)
  const value = Number.isNaN(sample.value)
    ? 'NaN'
    : sample.value === Infinity
      ? '+Inf'
      : sample.value === -Infinity
        ? '-Inf'
        : Object.is(sample.value, -0)
          ? '-0.0'
          : String(sample.value)
  return `${sample.name}${labels.length ? `{${labels.join(',')}}` : ''} ${value}${sample.timestampMs === null ? '' : ` ${sample.timestampMs}`}`
}

describe('properties', () => {
  const name = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/)
  const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/)
  const sample: fc.Arbitrary<PrometheusSample> = fc.record({
    name,
    labels: fc
      .uniqueArray(fc.tuple(labelName, fc.string({ unit: 'grapheme', maxLength: 12 })), { selector: ([k]) => k, maxLength: 4 })
      .map((e) => Object.fromEntries(e)),
    value: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity)),
    timestampMs: fc.option(fc.integer({ min: -1e12, max: 4e12 }), { nil: null }),
  })

  it('reads back what a client library writes, between comments and blank lines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(sample, fc.constantFrom('', '# HELP x help\n# TYPE x counter\n', '\n', '# a comment\n'))), (items) => {
        const text = items.map(([s, before]) => before + expose(s)).join('\n')
        const parsed = parsePrometheusText(text)
        expect(parsed.skipped).toEqual([])
        expect(parsed.samples).toEqual(items.map(([s]) => s))
      }),
    )
  })

  it('never throws, whatever the page holds, and every line is a sample, skipped, or blank/comment', () => {
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('x', '{', '}', '"', '\\', '=', ',', ' ', '1', '#', 'e', '+', 'I', 'n', 'f', '\t'), maxLength: 30 }),
      sample.map(expose),
    )
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const text = lines.join('\n')
        const parsed = parsePrometheusText(text)
        const content = text.split('\n').filter((l) => l.replace(/\r$/, '').trim() !== '' && !l.trim().startsWith('#')).length
        expect(parsed.samples.length + parsed.skipped.length).toBe(content)
      }),
      { numRuns: 1000 },
    )
  })
})
