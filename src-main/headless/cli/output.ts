import type { ResponseOf } from '../../contract/channels.ts'
import type { TrainingEstimateResult } from '../../contract/estimates.ts'
import { formatText } from '../../contract/messages.ts'
import type { ProbedSource } from '../../contract/telemetry.ts'
import { kWhFromJoules } from '../../contract/units.ts'

/** What a command prints: JSON for machines (`--json`), lines for people. */
export interface Printed {
  json: unknown
  text: string
}

const fmt = (n: number, digits = 3): string => n.toLocaleString('en', { maximumSignificantDigits: digits })
/** "a–b" of a range, or nothing. */
const span = (r: readonly [number, number] | null, digits = 3): string => (r ? ` (${fmt(r[0], digits)}–${fmt(r[1], digits)})` : '')

/** `<name>Low` and `<name>High` beside a central figure in the JSON (null ends where the figure has no range). */
function ends<K extends string>(name: K, range: readonly [number, number] | null): Record<`${K}Low` | `${K}High`, number | null> {
  return { [`${name}Low`]: range?.[0] ?? null, [`${name}High`]: range?.[1] ?? null } as Record<`${K}Low` | `${K}High`, number | null>
}

export function reportOutput(r: ResponseOf<'report:range'>, warnings: readonly string[]): Printed {
  const grid = r.footprint.grid
  const out = {
    since: new Date(r.sinceMs).toISOString(),
    until: new Date(r.untilMs).toISOString(),
    energyJ: r.energyJ,
    energyKWh: r.footprint.energyKWh,
    ...ends('energyKWh', r.footprint.energyRangeKWh),
    energyRangeKWh: r.footprint.energyRangeKWh,
    co2eKg: r.footprint.co2eKg,
    ...ends('co2eKg', r.footprint.co2eRangeKg),
    co2eRangeKg: r.footprint.co2eRangeKg,
    gridGCo2ePerKWh: grid?.value ?? null,
    ...ends('gridGCo2ePerKWh', grid && [grid.low ?? grid.value, grid.high ?? grid.value]),
    gridSource: grid ? (grid.source ? `${grid.label}: ${grid.source.publisher}, ${grid.source.title} (${grid.source.url})` : grid.label) : null,
    waterL: r.footprint.waterL,
    ...ends('waterL', r.footprint.waterRangeL),
    cost: r.footprint.cost,
    ...ends('cost', r.footprint.costRange),
    costRange: r.footprint.costRange,
    currency: r.footprint.currency,
    method: r.footprint.method,
    samples: r.samples,
    gaps: r.gaps,
    aboveIdleEnergyJ: r.aboveIdleEnergyJ,
    idle: r.idle,
    devices: r.devices.map((d) => ({
      uuid: d.deviceId,
      name: d.name,
      domain: d.domain,
      source: d.source,
      method: d.method,
      energyJ: d.energyJ,
      energyKWh: kWhFromJoules(d.energyJ),
      ...ends('energyKWh', d.energyRangeKWh),
      energyRangeKWh: d.energyRangeKWh,
      aboveIdleEnergyJ: d.aboveIdleEnergyJ,
      meanPowerW: d.meanPowerW,
      maxPowerW: d.maxPowerW,
    })),
    apps: r.apps,
    wholePc: r.wholePc && {
      wallJ: r.wholePc.wallJ,
      wallKWh: r.wholePc.footprint.energyKWh,
      ...ends('wallKWh', r.wholePc.footprint.energyRangeKWh),
      co2eKg: r.wholePc.footprint.co2eKg,
      ...ends('co2eKg', r.wholePc.footprint.co2eRangeKg),
      measuredJ: r.wholePc.measuredJ,
      restOfSystemJ: r.wholePc.restOfSystemJ,
      psuLossJ: r.wholePc.psuLossJ,
    },
    // Manufacturing carbon, apart: never added to co2eKg.
    embodied: r.embodied && {
      co2eKg: r.embodied.co2eKg,
      ...ends('co2eKg', r.embodied.co2eRangeKg),
      lifetimeYears: r.embodied.lifetime.value,
      ...ends('lifetimeYears', [r.embodied.lifetime.low ?? r.embodied.lifetime.value, r.embodied.lifetime.high ?? r.embodied.lifetime.value]),
      devices: r.embodied.devices.map((d) => ({
        name: d.name,
        factorId: d.factor.id,
        manufacturingKg: d.factor.value,
        spanS: d.spanS,
        co2eKg: d.co2eKg,
        ...ends('co2eKg', d.co2eRangeKg),
      })),
    },
    factors: [...new Map(r.footprint.parts.map((p) => [p.measurement.id, p.measurement])).values(), grid, r.footprint.price].filter((f) => f !== null),
    warnings,
  }
  const text = [
    `${out.since} → ${out.until}: ${out.energyKWh.toFixed(4)} kWh (${out.energyRangeKWh.map((x) => x.toFixed(4)).join('–')}) from ${out.samples} samples (${out.gaps} gaps), ${out.method}`,
    out.aboveIdleEnergyJ === null ? '  above idle: no idle baseline yet' : `  above idle: ${kWhFromJoules(out.aboveIdleEnergyJ).toFixed(4)} kWh`,
    out.co2eKg === null
      ? '  CO2e: no grid figure'
      : `  ${out.co2eKg.toFixed(4)} kg CO2e (${(out.co2eRangeKg ?? []).map((x) => x.toFixed(4)).join('–')}) at ${out.gridGCo2ePerKWh} g/kWh — ${out.gridSource}`,
    out.cost === null
      ? '  cost: set a price per kWh in Settings'
      : `  cost: ${out.cost.toFixed(2)} ${out.currency} (${(out.costRange ?? []).map((x) => x.toFixed(2)).join('–')})`,
    ...out.devices.map((d) => `  ${d.name} (${d.uuid}, ${d.domain}, ${d.source}, ${d.method}): ${kWhFromJoules(d.energyJ).toFixed(4)} kWh`),
    ...out.apps.map((a) => `  app ${a.app}: ${kWhFromJoules(a.energyJ).toFixed(4)} kWh`),
    ...(r.embodied
      ? [
          `  GPU manufacturing (embodied, not in the CO2e above): ${fmt(r.embodied.co2eKg)} kg${span(r.embodied.co2eRangeKg)}, spread over ${r.embodied.lifetime.value} years`,
        ]
      : []),
    ...(out.wholePc ? [`  whole PC at the wall: ${kWhFromJoules(out.wholePc.wallJ).toFixed(4)} kWh (rest of the PC and supply loss estimated)`] : []),
  ].join('\n')
  return { json: out, text }
}

export function compareOutput(r: ResponseOf<'compare:period'>): Printed {
  return {
    json: r,
    text: [
      `${fmt(r.period.energyKWh)} kWh${span(r.period.energyRangeKWh)} between ${new Date(r.period.sinceMs).toISOString()} and ${new Date(r.period.untilMs).toISOString()}`,
      ...r.training
        .filter((t) => t.energyRatio !== null)
        .map(
          (t) =>
            `  ${t.model}: ${fmt((t.energyRatio ?? 0) * 100)}%${span(t.energyRatioRange && [t.energyRatioRange[0] * 100, t.energyRatioRange[1] * 100], 2)} of its energy${
              t.yearsToEqual !== null ? `; ${fmt(t.yearsToEqual)} years${span(t.yearsToEqualRange)} at this pace to equal it` : ''
            }`,
        ),
    ].join('\n'),
  }
}

export function historyOutput(r: ResponseOf<'history:query'>): Printed {
  return {
    json: r,
    text: [
      `${new Date(r.sinceMs).toISOString()} → ${new Date(r.untilMs).toISOString()}: ${r.buckets.length} ${r.bucket} buckets, ${fmt(kWhFromJoules(r.report.energyJ))} kWh`,
      ...r.buckets.map(
        (b) =>
          `  ${new Date(b.startMs).toISOString()}  ${fmt(kWhFromJoules(b.energyJ)).padStart(8)} kWh${span(b.energyRangeKWh)}  ${b.co2eKg === null ? '' : `${fmt(b.co2eKg)} kg CO2e${span(b.co2eRangeKg)}`}`,
      ),
    ].join('\n'),
  }
}

const METHOD_TEXT = { 'counter-increase': 'counter increase', 'power-integration': 'mean power × time' } as const

export function fleetOutput(r: ResponseOf<'fleet:report'>): Printed {
  const fp = r.report.footprint
  const total = `fleet: ${fmt(fp.energyKWh)} kWh${span(fp.energyRangeKWh)}${fp.co2eKg === null ? '' : `, ${fmt(fp.co2eKg)} kg CO2e${span(fp.co2eRangeKg)}`}${fp.cost === null ? '' : `, ${fmt(fp.cost)} ${fp.currency}`}`
  return {
    json: r,
    text: [
      `${r.prometheus} ${new Date(r.sinceMs).toISOString()} → ${new Date(r.untilMs).toISOString()}, step ${r.stepS} s`,
      ...r.machines.flatMap((m) => [
        `${m.machine}: ${fmt(kWhFromJoules(m.energyJ))} kWh`,
        ...m.devices.map(
          (d) =>
            `  ${d.name} (${d.device}): ${fmt(kWhFromJoules(d.energyJ))} kWh from ${d.family}, ${METHOD_TEXT[d.method]}${d.resets ? `, ${d.resets} counter reset(s)` : ''}`,
        ),
      ]),
      r.machines.length === 0 ? 'no Wattprint, DCGM or nvidia_gpu_exporter series in this period' : total,
      ...(fp.grid ? [`CO2e under this PC's grid factor: ${fp.grid.id} (${fmt(fp.grid.value)} g/kWh)`] : []),
      ...r.warnings.map((w) => `prometheus warned: ${w}`),
    ].join('\n'),
  }
}

const PROFILE_TEXT = { home: 'home PC: PUE 1, power-supply loss', 'data-centre': 'data centre: PUE' } as const

/** The training estimate as the CLI prints it: the promised fields at the top level, assumptions by name. */
function flattenTraining(e: TrainingEstimateResult): Record<string, unknown> {
  return {
    energyMWh: e.energyMWh,
    energyRangeMWh: e.energyRangeMWh,
    co2eT: e.carbon.co2eT,
    co2eRangeT: e.carbon.co2eRangeT,
    gpuHours: e.gpuHours,
    gpuHoursRange: e.gpuHoursRange,
    hardware: e.hardware,
    profile: e.profile,
    formula: e.formula,
    grid: e.carbon.grid,
    defaultsApplied: e.assumptions.filter((a) => a.isDefault).map((a) => a.name),
    assumptions: Object.fromEntries(
      e.assumptions.map((a) => [a.name, { value: a.value, low: a.low, high: a.high, unit: a.unit, isDefault: a.isDefault, why: a.why, source: a.source }]),
    ),
  }
}

export function trainingOutput(e: ResponseOf<'estimate:training'>): Printed {
  const out = flattenTraining(e)
  return {
    json: out,
    text: `${fmt(e.energyMWh)} MWh (${e.energyRangeMWh.map((x) => fmt(x)).join('–')}), ${fmt(e.carbon.co2eT)} t CO2e (${e.carbon.co2eRangeT.map((x) => fmt(x)).join('–')}), ${fmt(e.gpuHours)} accelerator-hours on ${e.hardware} (${PROFILE_TEXT[e.profile]})\n  defaults applied: ${(out.defaultsApplied as string[]).join(', ') || 'none'}`,
  }
}

export function finetuneOutput(e: ResponseOf<'estimate:finetune'>): Printed {
  return {
    json: {
      method: e.method,
      shareOfPretraining: e.shareOfPretraining,
      finetuneFlops: e.finetuneFlops,
      pretrainFlops: e.pretrainFlops,
      ...flattenTraining(e.finetune),
      pretrain: flattenTraining(e.pretrain),
      notes: e.notes,
      sources: e.sources,
    },
    text: `${e.method} fine-tune: ${fmt(e.finetune.energyMWh * 1000)} kWh (${e.finetune.energyRangeMWh.map((x) => fmt(x * 1000)).join('–')}), ${fmt(e.finetune.carbon.co2eT * 1000)} kg CO2e on ${e.finetune.hardware} (${PROFILE_TEXT[e.finetune.profile]}) — ${fmt(e.shareOfPretraining * 100)}% of pre-training the same model (${fmt(e.pretrain.energyMWh)} MWh)`,
  }
}

export function inferenceOutput(e: ResponseOf<'estimate:inference'>): Printed {
  return {
    json: { ...e, defaultsApplied: e.assumptions.filter((a) => a.isDefault).map((a) => a.name) },
    text: `${fmt(e.energyPerTokenJ)} J per token (${e.method}), ${fmt(e.whPer1000Tokens)} Wh per 1,000 tokens, ${fmt(e.co2eGPer1000Tokens)} g CO2e per 1,000 tokens`,
  }
}

export function scenarioOutput(r: ResponseOf<'scenario:run'>): Printed {
  type Shown = ResponseOf<'scenario:run'>['baseline']['outcome']
  const line = (name: string, o: Shown, pct?: number | null, pctRange?: readonly [number, number] | null): string => {
    const signed = (x: number): string => `${x > 0 ? '+' : ''}${fmt(x, 2)}`
    const change = pct === undefined || pct === null ? '' : `  (${signed(pct)}% CO2e${pctRange ? `, ${signed(pctRange[0])} to ${signed(pctRange[1])}%` : ''})`
    return `  ${name.padEnd(28)} ${fmt(o.energyKWh).padStart(10)} kWh${span(o.range.energyKWh)} ${fmt(o.co2eKg).padStart(10)} kg CO2e${span(o.range.co2eKg)} ${fmt(o.waterL).padStart(9)} L${change}`
  }
  const profile = r.baseline.profile === 'home' ? 'home PC' : 'data centre'
  return {
    json: r,
    text: [
      `${r.name} (baseline: ${r.baseline.kind}, ${profile})`,
      line(formatText('en', r.baseline.label), r.baseline.outcome),
      ...r.variants.flatMap((v) => [
        line(v.name, v.outcome, v.deltaPct.co2eKg, v.deltaPctRange.co2eKg),
        ...v.steps.map((step) => `      ${step.lever}: ${formatText('en', step.formula)}`),
      ]),
      ...r.notes.map((n) => `  note: ${formatText('en', n)}`),
    ].join('\n'),
  }
}

export function hardwareOutput(pack: ResponseOf<'reference:list'>): Printed {
  const hw = pack.hardware
  return {
    json: hw,
    text: hw
      .map(
        (h) =>
          `${h.id.padEnd(24)} ${h.name.padEnd(34)} ${String(h.tdpW).padStart(5)} W  ${h.denseTflops === null ? '   —' : String(h.denseTflops).padStart(6)} TFLOP/s  ${h.memoryBandwidthGBs ?? '—'} GB/s  [${h.confidence}]`,
      )
      .join('\n'),
  }
}

export function referencesOutput(pack: ResponseOf<'reference:list'>): Printed {
  const { version, date, description, trainingRuns, inference, factors, misquotes } = pack
  return {
    json: { version, date, description, trainingRuns, inference, factors, misquotes },
    text: [
      `Wattprint data pack ${pack.version} (${pack.date})`,
      ...pack.trainingRuns.map(
        (r) => `  ${r.id.padEnd(36)} ${r.model} — ${r.energyMWh ?? '?'} MWh, ${r.co2eT ?? '?'} t CO2e [${r.confidence}] ${r.source.url}`,
      ),
    ].join('\n'),
  }
}

export function dataOutput(status: ResponseOf<'data:status'>): Printed {
  return { json: status, text: `reference data ${status.version} (${status.date}), ${status.origin}; ${status.history.length} imported pack(s) on record` }
}

export function importOutput(summary: ResponseOf<'history:import'>, dbPath: string): Printed {
  return {
    json: summary,
    text: [
      `${summary.file}: ${summary.imported} rows imported, ${summary.alreadyStored} already stored, into ${dbPath} (times read in ${summary.zone})`,
      ...Object.entries(summary.skipped).map(([reason, t]) => `  skipped ${t.count} × ${reason} (first at line ${t.firstLine}: ${t.example})`),
      ...summary.devices.map((d) => `  ${d.name}: ${d.rows} readings, ${kWhFromJoules(d.energyJ).toFixed(4)} kWh added`),
      ...summary.warnings.map((w) => `  warning: ${w}`),
    ].join('\n'),
  }
}

export function settingsOutput(s: ResponseOf<'settings:get'>): Printed {
  return {
    json: s,
    text: Object.entries(s)
      .map(([k, v]) => `${k.padEnd(24)} ${JSON.stringify(v)}`)
      .join('\n'),
  }
}

/** `wattprint probe`: one block per source, found ones first; what cannot run here in one line at the end. */
export function probeOutput(sources: readonly ProbedSource[], platform: string): Printed {
  const text = (m: Parameters<typeof formatText>[1]): string => formatText('en', m)
  const elsewhere = sources.filter((s) => s.message.code === 'source.not-on-platform').map((s) => s.sourceId)
  const shown = sources.filter((s) => s.message.code !== 'source.not-on-platform')
  const blocks = shown.map((s) => {
    const head = `${s.sourceId.padEnd(13)} ${s.state.padEnd(13)} ${(s.precision ?? '—').padEnd(14)} ${s.selected ? 'recording' : ''}`.trimEnd()
    const lines = [head, `  ${text(s.message)}`]
    for (const d of s.devices) {
      const power = d.powerW === null ? 'power unknown' : `${fmt(d.powerW)} W${d.powerFrom === 'counter' ? ' (from the energy counter)' : ''}`
      const where = [d.domain, d.pciAddress].filter(Boolean).join(', ')
      lines.push(
        `  - ${d.name} [${d.deviceId}] (${where}; ${d.method}): ${power}${d.notRecorded ? ` — not recorded: ${text(d.notRecorded)}` : ''}${d.partOf ? ' — inside the SoC figure, not added' : ''}`,
      )
    }
    if (s.raw) lines.push(`  said: ${s.raw.split('\n').join('\n        ')}`)
    if (s.fix) lines.push(`  fix: ${text(s.fix).split('\n').join('\n       ')}`)
    return lines.join('\n')
  })
  const footer = elsewhere.length ? [`not for ${platform}: ${elsewhere.join(', ')}`] : []
  return { json: { platform, sources }, text: [...blocks, ...footer].join('\n\n') }
}
