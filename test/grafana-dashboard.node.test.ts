import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { METRICS, METRIC_NAMES, type MetricName } from '../src-main/contract/metrics.ts'
import { defined, REPO_ROOT, tempDir } from './helpers.ts'

// The Grafana dashboard shipped in resources/grafana, checked against the metrics contract: every
// query names only metrics and labels Wattprint exposes, counters go through increase()/rate(),
// and (where promtool is installed) every query parses and computes the expected figures.
const DASHBOARD_PATH = join(REPO_ROOT, 'resources', 'grafana', 'wattprint-dashboard.json')
const PROMTOOL = '/usr/bin/promtool'
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' }
/** Labels Prometheus itself adds to every scraped series. */
const TARGET_LABELS = ['instance', 'job']
const COUNTER_FUNCTIONS = ['increase', 'rate', 'irate', 'resets']
const J_PER_KWH = '3.6e6'

interface Target {
  refId: string
  expr: string
  legendFormat?: string
  datasource?: unknown
  instant?: boolean
}
interface Panel {
  id: number
  type: string
  title: string
  description?: string
  datasource?: unknown
  interval?: string
  gridPos: { x: number; y: number; w: number; h: number }
  targets: Target[]
  fieldConfig: { defaults: { unit?: string } }
}
interface Variable {
  type: string
  name: string
  query: string
  datasource?: unknown
  multi?: boolean
  includeAll?: boolean
}
interface Dashboard {
  schemaVersion: number
  uid: string
  title: string
  panels: Panel[]
  templating: { list: Variable[] }
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard
const targets = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel, target })))

function isMetric(name: string): name is MetricName {
  return (METRIC_NAMES as string[]).includes(name)
}

function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/wattprint_[a-z0-9_]+/g)].map((m) => m[0])
}

/** Each selector of a Wattprint metric: its name, its matchers' label names and values, and what follows it. */
function selectorsIn(expr: string): { name: string; matchers: { label: string; op: string; value: string }[]; before: string; after: string }[] {
  return [...expr.matchAll(/(wattprint_[a-z0-9_]+)\s*(?:\{([^}]*)\})?/g)].map((m) => {
    const index = m.index
    const matchers = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({
      label: x[1] ?? '',
      op: x[2] ?? '',
      value: x[3] ?? '',
    }))
    return { name: m[1] ?? '', matchers, before: expr.slice(0, index), after: expr.slice(index + m[0].length) }
  })
}

/** Labels named in `by (…)`, `without (…)`, `on (…)` and `ignoring (…)` clauses. */
function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) =>
    (m[1] ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  )
}

function labelsOf(name: string): string[] {
  return isMetric(name) ? [...METRICS[name].labels, ...TARGET_LABELS] : []
}

/**
 * What is wrong with one query against the contract (empty when nothing is): unknown metric names,
 * labels a metric does not have (in matchers, groupings and the legend), a counter used bare (not
 * the range argument of increase/rate/irate/resets), a selector not filtered by the dashboard's
 * instance (and device, where the metric has one) variables.
 */
function queryProblems(expr: string, legendFormat = ''): string[] {
  const problems: string[] = []
  const names = metricsIn(expr)
  if (names.length === 0) problems.push(`no Wattprint metric in ${expr}`)
  for (const name of names) if (!isMetric(name)) problems.push(`unknown metric ${name}`)
  for (const s of selectorsIn(expr)) {
    if (!isMetric(s.name)) continue
    const known = labelsOf(s.name)
    for (const m of s.matchers) if (!known.includes(m.label)) problems.push(`${s.name} has no label ${m.label}`)
    if (!s.matchers.some((m) => m.label === 'instance' && m.op === '=~' && m.value === '$instance'))
      problems.push(`${s.name} not filtered by instance=~"$instance"`)
    if (known.includes('device') && !s.matchers.some((m) => m.label === 'device' && m.op === '=~' && m.value === '$device'))
      problems.push(`${s.name} not filtered by device=~"$device"`)
    if (METRICS[s.name].type === 'counter') {
      const inFunction = new RegExp(`\\b(?:${COUNTER_FUNCTIONS.join('|')})\\(\\s*$`).test(s.before)
      const withRange = /^\s*\[[^\]]+\]/.test(s.after)
      if (!inFunction || !withRange) problems.push(`counter ${s.name} used outside ${COUNTER_FUNCTIONS.map((f) => `${f}(…[range])`).join(', ')}`)
    }
  }
  const grouping = groupingLabels(expr)
  for (const label of grouping)
    for (const name of names) if (isMetric(name) && !labelsOf(name).includes(label)) problems.push(`${name} has no label ${label} to group by`)
  // A legend can only name labels the result keeps: the grouping's when the query aggregates.
  const resultLabels = grouping.length > 0 ? grouping : names.flatMap(labelsOf)
  for (const m of legendFormat.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)) {
    const label = m[1] ?? ''
    if (!resultLabels.includes(label)) problems.push(`legend names ${label}, which the result of ${expr} does not have`)
  }
  return problems
}

/** The query as Prometheus would receive it: Grafana's variables replaced by plausible values. */
function interpolate(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '4m')
    .replaceAll('$__range', '1d')
    .replaceAll('$__interval', '1m')
    .replaceAll('$instance', '.*')
    .replaceAll('$device', '.*')
}

function panelTitled(title: string): Panel {
  return defined(
    dashboard.panels.find((p) => p.title === title),
    `panel ${title}`,
  )
}

function runPromtool(args: string[]): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { encoding: 'utf8' })
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

describe('the query checker itself', () => {
  it('accepts a well-formed query', () => {
    expect(
      queryProblems('sum by (instance, device) (increase(wattprint_energy_joules_total{instance=~"$instance", device=~"$device"}[1d]))', '{{device}}'),
    ).toEqual([])
  })

  it('flags a misspelt metric, an unknown label, a bare counter, a missing filter and a legend label the result lacks', () => {
    expect(queryProblems('wattprint_gpu_power_wats{instance=~"$instance", device=~"$device"}')).toContain('unknown metric wattprint_gpu_power_wats')
    expect(queryProblems('wattprint_gpu_power_watts{instance=~"$instance", device=~"$device", app="x"}')).toContain(
      'wattprint_gpu_power_watts has no label app',
    )
    expect(queryProblems('sum by (app) (wattprint_gpu_power_watts{instance=~"$instance", device=~"$device"})')).toContain(
      'wattprint_gpu_power_watts has no label app to group by',
    )
    expect(queryProblems('wattprint_cost_total{instance=~"$instance"} / 2').join()).toMatch(/counter wattprint_cost_total used outside/)
    expect(queryProblems('delta(wattprint_cost_total{instance=~"$instance"}[1d])').join()).toMatch(/counter wattprint_cost_total used outside/)
    expect(queryProblems('wattprint_gpu_power_watts{device=~"$device"}')).toContain('wattprint_gpu_power_watts not filtered by instance=~"$instance"')
    expect(queryProblems('wattprint_gpu_power_watts{instance=~"$instance"}')).toContain('wattprint_gpu_power_watts not filtered by device=~"$device"')
    expect(queryProblems('sum by (instance) (wattprint_gpu_power_watts{instance=~"$instance", device=~"$device"})', '{{name}}').join()).toMatch(
      /legend names name/,
    )
  })
})

describe('the Grafana dashboard (resources/grafana/wattprint-dashboard.json)', () => {
  it('is a Grafana 10/11 dashboard with a stable uid and panels', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36)
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/)
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8)
    expect(targets.length).toBeGreaterThan(0)
  })

  it('has unique panel ids and panels that fit the 24-column grid without overlapping', () => {
    const ids = dashboard.panels.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const { gridPos: g, title } of dashboard.panels) {
      expect(g.x >= 0 && g.y >= 0 && g.w > 0 && g.h > 0 && g.x + g.w <= 24, `${title} gridPos ${JSON.stringify(g)}`).toBe(true)
    }
    const overlaps: string[] = []
    dashboard.panels.forEach((a, i) => {
      for (const b of dashboard.panels.slice(i + 1)) {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y
        if (!apart) overlaps.push(`${a.title} / ${b.title}`)
      }
    })
    expect(overlaps).toEqual([])
  })

  it('queries only metrics and labels of the contract, counters only through increase()/rate(), always filtered by instance (and device)', () => {
    const problems = targets.flatMap(({ panel, target }) => queryProblems(target.expr, target.legendFormat).map((p) => `${panel.title} ${target.refId}: ${p}`))
    expect(problems).toEqual([])
  })

  it('shows every metric of the contract somewhere', () => {
    const used = new Set(targets.flatMap(({ target }) => metricsIn(target.expr)))
    expect(METRIC_NAMES.filter((name) => !used.has(name))).toEqual([])
  })

  it('takes its data source from the datasource variable, in every panel and query', () => {
    const variable = defined(
      dashboard.templating.list.find((v) => v.name === 'datasource'),
      'datasource variable',
    )
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' })
    for (const panel of dashboard.panels) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE)
      for (const target of panel.targets) expect(target.datasource, `${panel.title} ${target.refId}`).toEqual(DATASOURCE)
    }
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) expect(v.datasource, v.name).toEqual(DATASOURCE)
  })

  it('has instance and device variables (multi, with All) read from the contract metrics', () => {
    const byName = (name: string): Variable =>
      defined(
        dashboard.templating.list.find((v) => v.name === name),
        `${name} variable`,
      )
    expect(byName('instance')).toMatchObject({ type: 'query', query: 'label_values(wattprint_build_info, instance)', multi: true, includeAll: true })
    expect(byName('device')).toMatchObject({
      type: 'query',
      query: 'label_values(wattprint_energy_joules_total{instance=~"$instance"}, device)',
      multi: true,
      includeAll: true,
    })
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      const m = defined(/^label_values\((wattprint_[a-z0-9_]+)(?:\{[^}]*\})?,\s*([a-zA-Z_]+)\)$/.exec(v.query), `label_values query of ${v.name}`)
      expect(labelsOf(m[1] ?? ''), v.name).toContain(m[2])
    }
  })

  it('describes every panel, and says how a counter panel is computed', () => {
    for (const panel of dashboard.panels) {
      expect((panel.description ?? '').length, `${panel.title} description`).toBeGreaterThan(40)
      const exprs = panel.targets.map((t) => t.expr).join(' ')
      if (exprs.includes('increase(')) expect(panel.description, panel.title).toMatch(/increase\(\).*extrapolates/)
      if (exprs.includes('rate(')) expect(panel.description, panel.title).toMatch(/rate\(/)
    }
  })

  it('sets units on power and energy panels: W for gauges and rates of joules, kWh (J / 3.6e6) for increases of joules, kg for CO2e', () => {
    for (const panel of dashboard.panels) {
      const exprs = panel.targets.map((t) => t.expr)
      const unit = panel.fieldConfig.defaults.unit
      const power = exprs.some((e) => /_watts\b/.test(e) || /\brate\(\s*wattprint_[a-z0-9_]*joules_total/.test(e))
      const energy = exprs.some((e) => /\bincrease\(\s*wattprint_[a-z0-9_]*joules_total/.test(e))
      expect(power && energy, `${panel.title} mixes power and energy`).toBe(false)
      if (power) expect(unit, panel.title).toBe('watt')
      if (energy) {
        expect(unit, panel.title).toBe('kwatth')
        for (const e of exprs) expect(e.endsWith(`/ ${J_PER_KWH}`), `${panel.title}: ${e}`).toBe(true)
      }
      if (exprs.some((e) => e.includes('wattprint_co2e_grams_total'))) {
        expect(unit, panel.title).toBe('masskg')
        for (const e of exprs) expect(e.endsWith('/ 1000'), `${panel.title}: ${e}`).toBe(true)
      }
    }
  })

  it('draws per-day panels with a one-day query interval', () => {
    const daily = dashboard.panels.filter((p) => p.targets.some((t) => t.expr.includes('[1d]')))
    expect(daily.length).toBeGreaterThanOrEqual(4)
    for (const panel of daily) expect(panel.interval, panel.title).toBe('1d')
  })

  it('parses in Prometheus (promtool check rules, each query as a recording rule)', (ctx) => {
    if (!existsSync(PROMTOOL)) {
      console.warn(`PromQL syntax check skipped: ${PROMTOOL} is not installed (apt install prometheus; .ci/run installs it)`)
      ctx.skip()
    }
    const queries = [
      ...targets.map(({ panel, target }) => ({ record: `wattprint_dashboard:panel_${panel.id}_${target.refId}`, expr: interpolate(target.expr) })),
      // A label_values() variable's first argument is a series selector.
      ...dashboard.templating.list
        .filter((v) => v.type === 'query')
        .map((v) => ({
          record: `wattprint_dashboard:variable_${v.name}`,
          expr: interpolate(defined(/^label_values\((.+),\s*[a-zA-Z_]+\)$/.exec(v.query)?.[1], v.name)),
        })),
    ]
    const rules = [
      'groups:',
      '  - name: wattprint-dashboard',
      '    rules:',
      ...queries.flatMap((q) => [`      - record: ${q.record}`, `        expr: ${JSON.stringify(q.expr)}`]),
    ]
    const file = join(tempDir(), 'dashboard-rules.yml')
    writeFileSync(file, `${rules.join('\n')}\n`)
    const run = runPromtool(['check', 'rules', file])
    expect(run.output).toContain(`SUCCESS: ${queries.length} rules found`)
    expect(run.status, run.output).toBe(0)
  })

  it('computes the expected figures from known series (promtool test rules)', (ctx) => {
    if (!existsSync(PROMTOOL)) {
      console.warn(`PromQL evaluation check skipped: ${PROMTOOL} is not installed (apt install prometheus; .ci/run installs it)`)
      ctx.skip()
    }
    const expr = (title: string, refId = 'A'): string =>
      interpolate(
        defined(
          panelTitled(title).targets.find((t) => t.refId === refId),
          `${title} ${refId}`,
        ).expr,
      )
    // One day at one sample a minute: a GPU at a steady 1000 W (60 kJ a minute), a CPU at 100 W,
    // 1.5 kg of CO2e an hour, 0.5 EUR a minute; an app using 2/3 of the GPU's energy, another 1/3.
    const gpu = 'instance="box:8787",job="wattprint",device="gpu0",name="H200",domain="gpu",source="nvml",method="counter"'
    const cpu = 'instance="box:8787",job="wattprint",device="cpu0",name="EPYC",domain="cpu-package",source="rapl",method="counter"'
    const test = {
      rule_files: [],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: `wattprint_energy_joules_total{${gpu}}`, values: '0+60000x1440' },
            { series: `wattprint_energy_joules_total{${cpu}}`, values: '0+6000x1440' },
            {
              series: 'wattprint_co2e_grams_total{instance="box:8787",job="wattprint",grid_factor="fr",grid_g_per_kwh="50",basis="location-based"}',
              values: '0+25x1440',
            },
            { series: 'wattprint_cost_total{instance="box:8787",job="wattprint",currency="EUR",price_per_kwh="0.25",tariff="flat"}', values: '0+0.5x1440' },
            { series: 'wattprint_app_energy_joules_total{instance="box:8787",job="wattprint",app="vllm",device="gpu0"}', values: '0+40000x1440' },
            { series: 'wattprint_app_energy_joules_total{instance="box:8787",job="wattprint",app="comfyui",device="gpu0"}', values: '0+20000x1440' },
          ],
          promql_expr_test: [
            {
              expr: expr('Energy per day, by device'),
              eval_time: '1d',
              exp_samples: [
                { labels: '{instance="box:8787",device="gpu0",name="H200"}', value: 24 },
                { labels: '{instance="box:8787",device="cpu0",name="EPYC"}', value: 2.4 },
              ],
            },
            { expr: expr('Energy per day, by instance'), eval_time: '1d', exp_samples: [{ labels: '{instance="box:8787"}', value: 26.4 }] },
            {
              expr: expr('Average power from the energy counter'),
              eval_time: '12h',
              exp_samples: [
                { labels: '{instance="box:8787",device="gpu0",name="H200"}', value: 1000 },
                { labels: '{instance="box:8787",device="cpu0",name="EPYC"}', value: 100 },
              ],
            },
            { expr: expr('CO2e per day'), eval_time: '1d', exp_samples: [{ labels: '{instance="box:8787"}', value: 36 }] },
            { expr: expr('Cost per day'), eval_time: '1d', exp_samples: [{ labels: '{instance="box:8787",currency="EUR"}', value: 720 }] },
            {
              expr: expr('Energy by app over the dashboard range'),
              eval_time: '1d',
              exp_samples: [
                { labels: '{app="vllm"}', value: 16 },
                { labels: '{app="comfyui"}', value: 8 },
              ],
            },
          ],
        },
      ],
    }
    const file = join(tempDir(), 'dashboard-test.yml')
    // JSON is YAML: promtool reads it as is.
    writeFileSync(file, JSON.stringify(test, null, 2))
    const run = runPromtool(['test', 'rules', file])
    expect(run.status, run.output).toBe(0)
  })
})
