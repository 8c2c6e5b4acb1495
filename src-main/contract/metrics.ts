/**
 * The Prometheus metrics Wattprint exposes (`wattprint serve --metrics`, and the desktop app's
 * setting): names, types, units and labels, one list for the exporter, the fleet reader, the
 * Grafana dashboard and their tests. Conventional names: base units, `_total` on counters.
 */
export const METRICS = {
  wattprint_build_info: { type: 'gauge', help: 'Always 1: the Wattprint version and the reference data pack in use.', labels: ['version', 'data_pack'] },
  wattprint_gpu_power_watts: {
    type: 'gauge',
    help: "A GPU's latest power reading, W (the source's own figure: sampled power, or from its energy counter).",
    labels: ['device', 'name', 'source', 'method'],
  },
  wattprint_cpu_power_watts: {
    type: 'gauge',
    help: "A CPU package's or SoC's latest power reading, W.",
    labels: ['device', 'name', 'domain', 'source', 'method'],
  },
  wattprint_energy_joules_total: {
    type: 'counter',
    help: "Energy a device used since Wattprint first recorded it, J: read from Wattprint's database, so it continues across restarts.",
    labels: ['device', 'name', 'domain', 'source', 'method'],
  },
  wattprint_energy_above_idle_joules_total: {
    type: 'counter',
    help: "Energy above the device's idle baseline, J, interval by interval with the baseline in force then (devices whose processes are read).",
    labels: ['device', 'name'],
  },
  wattprint_app_energy_joules_total: {
    type: 'counter',
    help: 'Energy attributed to an app (idle power apart, the rest by GPU use), J.',
    labels: ['app', 'device'],
  },
  wattprint_co2e_grams_total: {
    type: 'counter',
    help: 'CO2e of all recorded energy under the grid factor in use, g (a new factor starts a new series; its labels name it).',
    labels: ['grid_factor', 'grid_g_per_kwh', 'basis'],
  },
  wattprint_cost_total: {
    type: 'counter',
    help: 'Cost of all recorded energy at the price in use, in the currency of the label (a new price starts a new series).',
    labels: ['currency', 'price_per_kwh', 'tariff'],
  },
  wattprint_source_up: { type: 'gauge', help: '1 while a telemetry source reads its devices, else 0 (state names why).', labels: ['source', 'state'] },
} as const satisfies Record<string, { type: 'gauge' | 'counter'; help: string; labels: readonly string[] }>

export type MetricName = keyof typeof METRICS
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[]
