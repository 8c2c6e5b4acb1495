import bundled from '../../resources/data/reference-data.json' with { type: 'json' }
import type { Factor } from '../contract/provenance.ts'
import { DataPackSchema, type DataPack, type ReferenceFactor } from '../contract/reference.ts'

let cached: DataPack | null = null

/** The data set shipped with the app, validated once. */
export function bundledDataPack(): DataPack {
  cached ??= DataPackSchema.parse(bundled)
  return cached
}

/** Compares two data pack versions (x.y.z): negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

export function referenceFactor(pack: DataPack, id: string): ReferenceFactor {
  const f = pack.factors.find((x) => x.id === id)
  if (!f) throw new Error(`data pack ${pack.version} has no factor "${id}"`)
  return f
}

/** A data-set factor in the shape results carry. */
export function asFactor(f: ReferenceFactor): Factor {
  return {
    id: f.id,
    label: f.label,
    value: f.value,
    unit: f.unit,
    year: f.year,
    origin: 'dataset',
    source: f.source,
    note: `${f.scope}${f.notes ? ` ${f.notes}` : ''}`,
    low: f.low,
    high: f.high,
  }
}
