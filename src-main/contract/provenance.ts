import { z } from 'zod'
import { MessageSchema } from './messages.ts'

/** Where a figure comes from: enough for a reader to find it and check it. */
export const SourceSchema = z.object({
  title: z.string(),
  publisher: z.string(),
  year: z.number().int().nullable(),
  url: z.url(),
  /** Table, page, file or field inside the source. */
  locator: z.string(),
  licence: z.string().optional(),
})
export type Source = z.infer<typeof SourceSchema>

/** A factor used in a computation: a value, its unit and its provenance. */
export const FactorSchema = z.object({
  id: z.string(),
  label: z.string(),
  value: z.number(),
  unit: z.string(),
  /** Year the value describes (e.g. the grid year), null when the source does not say. */
  year: z.number().int().nullable(),
  /** Who chose it: the data set, or the user in settings. */
  origin: z.enum(['dataset', 'user', 'assumption']),
  source: SourceSchema.nullable(),
  note: z.string().optional(),
  /** The label and note as sentences, for factors the app makes (data-set factors carry their own words). */
  text: z.object({ label: MessageSchema, note: MessageSchema.nullable() }).optional(),
  /** Plausible range of the value (same unit), when its uncertainty is documented. */
  low: z.number().optional(),
  high: z.number().optional(),
})
export type Factor = z.infer<typeof FactorSchema>
