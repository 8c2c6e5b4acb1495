// What every benchmark row is, and how runs become a median and a spread. Each bench module
// returns rows; bench/run.ts prints them, writes them as JSON and (with --readme) into README.

/** A figure's target: "at most" (≤) or "at least" (≥) a value in the row's unit. */
export interface Target {
  op: '<=' | '>='
  value: number
}

/** The same figure measured another way in the same run (the alternative the row is compared with). */
export interface Comparison {
  label: string
  median: number
  /** This row's median ÷ the comparison's median. */
  ratio: number
}

export interface BenchRow {
  /** Stable id: "recorder.cpu.nvml.4gpu.1hz". */
  id: string
  /** The table's group (one per line of the table): "Recorder CPU per hour". */
  group: string
  /** What was measured, for a person: "NVML, 4 GPUs, 1 Hz". */
  label: string
  unit: string
  median: number
  /** Lowest and highest run (or p10–p90 when there are many). */
  spread: [number, number]
  runs: number
  target: Target | null
  comparison?: Comparison
  note?: string
}

/** The median of some numbers (the mean of the middle two when even). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** A percentile by nearest rank, p in 0–100. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}

/** Lowest and highest of a few runs; p10–p90 of many. */
export function spreadOf(values: readonly number[]): [number, number] {
  if (values.length >= 20) return [percentile(values, 10), percentile(values, 90)]
  return [Math.min(...values), Math.max(...values)]
}

/** A row from several runs' values. */
export function rowFrom(
  values: readonly number[],
  row: Omit<BenchRow, 'median' | 'spread' | 'runs' | 'comparison'> & { against?: { label: string; values: readonly number[] } },
): BenchRow {
  const { against, ...rest } = row
  const m = median(values)
  const out: BenchRow = { ...rest, median: m, spread: spreadOf(values), runs: values.length }
  if (against) {
    const c = median(against.values)
    out.comparison = { label: against.label, median: c, ratio: m / c }
  }
  return out
}

/** Runs `fn` `runs` times and returns each run's value (whatever it measures). */
export async function repeat(runs: number, fn: (i: number) => number | Promise<number>): Promise<number[]> {
  const values: number[] = []
  for (let i = 0; i < runs; i++) values.push(await fn(i))
  return values
}

/** Whether a row meets its target (null when it has none). */
export function meets(row: BenchRow): boolean | null {
  if (!row.target) return null
  return row.target.op === '<=' ? row.median <= row.target.value : row.median >= row.target.value
}

/** A number for the table: 3 significant digits, thousands separated. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '—'
  return new Intl.NumberFormat('en-GB', { maximumSignificantDigits: 3 }).format(value)
}
