import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parsePrometheusText } from '../telemetry/inference/prometheus-text.parse.ts'
import { expositionText } from './prometheus-exposition.ts'

describe('the Prometheus text exposition', () => {
  it('writes HELP and TYPE once per family, escapes label values, and leaves out empty families', () => {
    const text = expositionText([
      {
        name: 'wattprint_gpu_power_watts',
        type: 'gauge',
        help: 'Power,\nW \\ now',
        samples: [{ labels: { device: 'GPU-1', name: 'A "quoted"\\name\nline' }, value: 245.5 }],
      },
      { name: 'wattprint_cost_total', type: 'counter', help: 'Cost', samples: [] },
      { name: 'wattprint_energy_joules_total', type: 'counter', help: 'Energy', samples: [{ labels: {}, value: Number.NaN }] },
    ])
    expect(text).toBe(
      [
        '# HELP wattprint_gpu_power_watts Power,\\nW \\\\ now',
        '# TYPE wattprint_gpu_power_watts gauge',
        'wattprint_gpu_power_watts{device="GPU-1",name="A \\"quoted\\"\\\\name\\nline"} 245.5',
        '# HELP wattprint_energy_joules_total Energy',
        '# TYPE wattprint_energy_joules_total counter',
        'wattprint_energy_joules_total NaN',
        '',
      ].join('\n'),
    )
  })

  it('reads back as written, whatever the label values and numbers (property, through our own parser)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ device: fc.string({ maxLength: 20 }), name: fc.string({ maxLength: 30 }) }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.double({ noNaN: true }), { minLength: 5, maxLength: 5 }),
        (labels, values) => {
          const samples = labels.map((l, i) => ({ labels: l, value: values[i] ?? 0 }))
          const parsed = parsePrometheusText(expositionText([{ name: 'm_total', type: 'counter', help: 'h', samples }]))
          expect(parsed.skipped).toEqual([])
          expect(parsed.samples.map((s) => ({ labels: s.labels, value: s.value }))).toEqual(
            samples.map((s) => ({ labels: s.labels, value: Object.is(s.value, -0) ? 0 : s.value })),
          )
        },
      ),
      { numRuns: 300 },
    )
  })
})
