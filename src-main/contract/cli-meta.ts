/**
 * How a person types a request field on the command line, declared beside the field (with zod's
 * `.meta()`), so the CLI's flags, their help and the flag named in an error are all generated from
 * the contract. A field without `flag` gets its name in kebab-case.
 */
export type CliFieldMeta = {
  /** The flag, without `--` (default: the field's name in kebab-case). */
  flag?: string
  /** What the value is, for the help: a unit or a placeholder (`W`, `g/kWh`, `ISO3`). */
  value?: string
  /**
   * How the text becomes the field: `count` takes suffixes (175B, 15T, 30.84M, 7e9); `billions` is a
   * count given in billions (175B → 175); `fraction` takes 0.4 or 40%; `instant` is an ISO 8601
   * date or time (a date alone is local midnight); `upper` upper-cases a code.
   */
  parse?: 'count' | 'billions' | 'fraction' | 'instant' | 'upper'
  description: string
}

export const cliMeta = (meta: CliFieldMeta): CliFieldMeta => meta
