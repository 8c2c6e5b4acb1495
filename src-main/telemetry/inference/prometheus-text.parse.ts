/** One sample line of a Prometheus text exposition: `name{label="value",…} value [timestamp]`. */
export interface PrometheusSample {
  name: string
  labels: Record<string, string>
  /** As written: may be NaN or ±Infinity (`NaN`, `+Inf`, `-Inf`). */
  value: number
  /** Milliseconds since the Unix epoch when the line carries one, else null. */
  timestampMs: number | null
}

export type PrometheusSkipReason = 'bad-name' | 'bad-labels' | 'duplicate-label' | 'bad-value' | 'bad-timestamp' | 'trailing-text'

export interface PrometheusParse {
  samples: PrometheusSample[]
  /** Lines that were neither a sample, a comment nor blank, with why (1-based line numbers). */
  skipped: { line: number; reason: PrometheusSkipReason }[]
}

/**
 * Parses the Prometheus text exposition format 0.0.4 (what llama.cpp's and vLLM's `/metrics`
 * serve; https://prometheus.io/docs/instrumenting/exposition_formats/). `# HELP`, `# TYPE` and
 * other comments are ignored; label values may hold `\\`, `\"` and `\n` escapes; OpenMetrics
 * exemplars (`… # {trace_id="x"} 1`) and Prometheus 3 quoted names (`{"a.b", x="y"} 1`) are
 * accepted. Never throws: a line it cannot read is skipped and listed with its reason.
 */
export function parsePrometheusText(text: string): PrometheusParse {
  const samples: PrometheusSample[] = []
  const skipped: PrometheusParse['skipped'] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '')
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const result = parseSampleLine(trimmed)
    if (result.ok) samples.push(result.sample)
    else skipped.push({ line: i + 1, reason: result.reason })
  }
  return { samples, skipped }
}

type LineResult = { ok: true; sample: PrometheusSample } | { ok: false; reason: PrometheusSkipReason }

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/

/** Parses one non-blank, non-comment line (already trimmed). */
export function parseSampleLine(line: string): LineResult {
  let pos = 0
  let name: string | null = null
  const nameMatch = METRIC_NAME.exec(line)
  if (nameMatch) {
    name = nameMatch[0]
    pos = name.length
  } else if (line[0] !== '{') {
    return { ok: false, reason: 'bad-name' }
  }
  const entries: [string, string][] = []
  const braces = line[pos] === '{'
  if (braces) {
    const set = parseLabelSet(line, pos + 1)
    if (!set.ok) return set
    pos = set.end
    if (set.quotedName !== null) {
      if (name !== null) return { ok: false, reason: 'bad-labels' }
      name = set.quotedName
    }
    entries.push(...set.entries)
  }
  if (name === null || name === '') return { ok: false, reason: 'bad-name' }
  const seen = new Set<string>()
  for (const [label] of entries) {
    if (seen.has(label)) return { ok: false, reason: 'duplicate-label' }
    seen.add(label)
  }
  // Value and optional timestamp, separated by blanks; an OpenMetrics exemplar may follow ` # `.
  const rest = line.slice(pos)
  if (rest !== '' && !/^[ \t]/.test(rest)) return { ok: false, reason: braces ? 'bad-value' : 'bad-name' }
  const fields = rest.trim().split(/[ \t]+/)
  const hash = fields.indexOf('#')
  const tokens = hash === -1 ? fields : fields.slice(0, hash)
  const value = parseValue(tokens[0] ?? '')
  if (value === null) return { ok: false, reason: 'bad-value' }
  let timestampMs: number | null = null
  if (tokens.length >= 2) {
    timestampMs = parseTimestamp(tokens[1] ?? '')
    if (timestampMs === null) return { ok: false, reason: 'bad-timestamp' }
  }
  if (tokens.length > 2) return { ok: false, reason: 'trailing-text' }
  // fromEntries defines own properties, so a label called `__proto__` stays a plain label.
  return { ok: true, sample: { name, labels: Object.fromEntries(entries), value, timestampMs } }
}

type LabelSet = { ok: true; entries: [string, string][]; quotedName: string | null; end: number } | { ok: false; reason: PrometheusSkipReason }

/** Reads `label="value", …}` from `start` (just after `{`); `end` is the index after `}`. */
function parseLabelSet(line: string, start: number): LabelSet {
  const entries: [string, string][] = []
  let quotedName: string | null = null
  let pos = skipBlanks(line, start)
  while (pos < line.length && line[pos] !== '}') {
    let label: string
    if (line[pos] === '"') {
      const quoted = readQuoted(line, pos)
      if (!quoted) return { ok: false, reason: 'bad-labels' }
      pos = skipBlanks(line, quoted.end)
      if (line[pos] !== '=') {
        // A bare quoted string in the braces is the metric name (Prometheus 3, UTF-8 names).
        if (quotedName !== null) return { ok: false, reason: 'bad-labels' }
        quotedName = quoted.text
        pos = afterSeparator(line, pos)
        if (pos < 0) return { ok: false, reason: 'bad-labels' }
        continue
      }
      label = quoted.text
    } else {
      const m = LABEL_NAME.exec(line.slice(pos))
      if (!m) return { ok: false, reason: 'bad-labels' }
      label = m[0]
      pos = skipBlanks(line, pos + label.length)
    }
    if (line[pos] !== '=') return { ok: false, reason: 'bad-labels' }
    pos = skipBlanks(line, pos + 1)
    const value = readQuoted(line, pos)
    if (!value) return { ok: false, reason: 'bad-labels' }
    entries.push([label, value.text])
    pos = afterSeparator(line, skipBlanks(line, value.end))
    if (pos < 0) return { ok: false, reason: 'bad-labels' }
  }
  if (line[pos] !== '}') return { ok: false, reason: 'bad-labels' }
  return { ok: true, entries, quotedName, end: pos + 1 }
}

/** After an entry: `,` (then blanks) or the closing `}` (left in place); -1 for anything else. */
function afterSeparator(line: string, pos: number): number {
  if (line[pos] === ',') return skipBlanks(line, pos + 1)
  return line[pos] === '}' ? pos : -1
}

function skipBlanks(line: string, pos: number): number {
  while (line[pos] === ' ' || line[pos] === '\t') pos++
  return pos
}

/** A double-quoted string starting at `pos`, unescaping `\\`, `\"` and `\n`; other escapes are kept as written. */
function readQuoted(line: string, pos: number): { text: string; end: number } | null {
  if (line[pos] !== '"') return null
  let text = ''
  for (let i = pos + 1; i < line.length; i++) {
    const c = line[i]
    if (c === '"') return { text, end: i + 1 }
    if (c === '\\') {
      const next = line[i + 1]
      if (next === undefined) return null
      text += next === 'n' ? '\n' : next === '\\' || next === '"' ? next : `\\${next}`
      i++
    } else {
      text += c
    }
  }
  return null
}

/** A Go ParseFloat-style value: decimal or exponent notation, `NaN`, `+Inf`, `-Inf` (any case). */
export function parseValue(token: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token)) return Number(token)
  if (/^nan$/i.test(token)) return NaN
  const inf = /^([+-]?)inf(inity)?$/i.exec(token)
  if (inf) return inf[1] === '-' ? -Infinity : Infinity
  return null
}

/** An integer timestamp in ms, within the range a Date can hold. */
function parseTimestamp(token: string): number | null {
  if (!/^-?\d{1,16}$/.test(token)) return null
  const ms = Number(token)
  return Math.abs(ms) <= 8.64e15 ? ms : null
}
