import { appleSample, MAX_PLAUSIBLE_APPLE_POWER_W, type AppleSample, type ApplePowers } from './powermetrics.parse.ts'
import { isRecord } from './rocm-smi.parse.ts'
import { printable } from './sysfs-values.ts'

/** The command Wattprint runs: one JSON object per line, every `intervalMs`, without administrator rights. */
export const MACMON_ARGS = (intervalMs: number): string[] => ['pipe', '-i', String(Math.max(100, Math.round(intervalMs)))]

export type MacmonSkipReason = 'not-json' | 'not-an-object' | 'no-power' | 'bad-value'

export type MacmonLineResult = { ok: true; sample: AppleSample } | { ok: false; reason: MacmonSkipReason; detail: string }

const MAX_LINE_CHARS = 64 * 1024

/**
 * Parses one line of `macmon pipe`: powers in W as floats (`cpu_power`, `gpu_power`, `ane_power`,
 * `all_power` = CPU + GPU + ANE, `ram_power`, `sys_power` = the whole Mac from the SMC), into the
 * same devices as powermetrics (see powermetrics.parse.ts for what is added and what is shown).
 * `ram_power` and `sys_power` of exactly 0 mean "not reported" (memory and the Mac itself never
 * draw 0 W while running; the capture prints `"ram_power":0.0` on every line), so they are unknown.
 * The sample's time is the line's `timestamp` when it has a valid one, else `wallMs` (when it was
 * read). Never throws.
 */
export function parseMacmonLine(line: string, wallMs: number): MacmonLineResult {
  if (typeof line !== 'string' || line.length > MAX_LINE_CHARS) return { ok: false, reason: 'not-json', detail: 'line missing or longer than 64 KB' }
  let value: unknown
  try {
    value = JSON.parse(line) as unknown
  } catch {
    return { ok: false, reason: 'not-json', detail: `not JSON: "${printable(line, 60)}"` }
  }
  if (!isRecord(value)) return { ok: false, reason: 'not-an-object', detail: `macmon printed ${value === null ? 'null' : typeof value}, not an object` }
  const powers: ApplePowers = { cpuW: null, gpuW: null, aneW: null, dramW: null, packageW: null, combinedW: null, systemW: null }
  const fields: readonly [keyof ApplePowers, string, boolean][] = [
    ['cpuW', 'cpu_power', false],
    ['gpuW', 'gpu_power', false],
    ['aneW', 'ane_power', false],
    ['combinedW', 'all_power', false],
    ['dramW', 'ram_power', true],
    ['systemW', 'sys_power', true],
  ]
  for (const [key, field, zeroIsUnknown] of fields) {
    const raw = value[field]
    if (raw === undefined || raw === null) continue
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0 || raw > MAX_PLAUSIBLE_APPLE_POWER_W) {
      return {
        ok: false,
        reason: 'bad-value',
        detail: `${field} = ${printable(JSON.stringify(raw) ?? String(raw), 40)} is not a power 0–${MAX_PLAUSIBLE_APPLE_POWER_W} W`,
      }
    }
    powers[key] = zeroIsUnknown && raw === 0 ? null : raw
  }
  const stamp = typeof value.timestamp === 'string' ? Date.parse(value.timestamp) : Number.NaN
  const sample = appleSample(powers, Number.isFinite(stamp) ? stamp : wallMs, null, 'macmon')
  if (sample.soc === null && sample.parts.length === 0)
    return { ok: false, reason: 'no-power', detail: 'no cpu_power, gpu_power, ane_power or all_power field' }
  return { ok: true, sample }
}

/** A whole `macmon pipe` log: one result per non-empty line, `wallMs(i)` giving each line's time when it has no timestamp. */
export function parseMacmonText(text: string, wallMs: (lineIndex: number) => number): MacmonLineResult[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, i) => parseMacmonLine(line, wallMs(i)))
}
