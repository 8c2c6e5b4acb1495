/** A metric family with its samples, as the Prometheus text format (0.0.4) writes it. */
export interface MetricFamily {
  name: string
  type: 'gauge' | 'counter'
  help: string
  samples: readonly { labels: Readonly<Record<string, string>>; value: number }[]
}

const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
const escapeLabel = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

/**
 * The text exposition format: `# HELP` and `# TYPE` once per family, then one line per sample,
 * label values escaped (backslash, double quote, newline). Families without samples are left out.
 */
export function expositionText(families: readonly MetricFamily[]): string {
  const lines: string[] = []
  for (const family of families) {
    if (family.samples.length === 0) continue
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`)
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels)
        .map(([key, value]) => `${key}="${escapeLabel(value)}"`)
        .join(',')
      lines.push(`${family.name}${labels ? `{${labels}}` : ''} ${numberText(sample.value)}`)
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : ''
}
