import type { DatabaseSync } from 'node:sqlite'
import { ModelMeasurementSchema, type InferenceTally, type ModelMeasurement } from '../contract/models.ts'

/** "Measure my model" results, kept: a table per model, quantisation and GPU. */
export class ModelMeasurementStore {
  private readonly db: DatabaseSync

  constructor(db: DatabaseSync) {
    this.db = db
  }

  add(m: ModelMeasurement): ModelMeasurement {
    const row = this.db
      .prepare('INSERT INTO model_measurements (at_ms, server, model, json) VALUES (?, ?, ?, ?) RETURNING id')
      .get(m.atMs, m.server, m.model, JSON.stringify(m)) as { id: number }
    return { ...m, id: row.id }
  }

  /** Every measurement, newest first; a row that no longer parses (edited by hand) is skipped, not fatal. */
  list(): ModelMeasurement[] {
    const rows = this.db.prepare('SELECT id, json FROM model_measurements ORDER BY at_ms DESC, id DESC').all() as { id: number; json: string }[]
    return rows.flatMap((r) => {
      try {
        const parsed = ModelMeasurementSchema.safeParse(JSON.parse(r.json))
        return parsed.success ? [{ ...parsed.data, id: r.id }] : []
      } catch {
        return []
      }
    })
  }

  /** Adds tokens and energy seen for a server's model in an hour (passive counters). */
  addTally(row: { server: string; model: string; bucketMs: number; promptTokens: number; outputTokens: number; energyJ: number; aboveIdleJ: number }): void {
    this.db
      .prepare(
        `INSERT INTO inference_tally (server, model, bucket_ms, prompt_tokens, output_tokens, energy_j, above_idle_j) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(server, model, bucket_ms) DO UPDATE SET prompt_tokens = prompt_tokens + excluded.prompt_tokens,
          output_tokens = output_tokens + excluded.output_tokens, energy_j = energy_j + excluded.energy_j, above_idle_j = above_idle_j + excluded.above_idle_j`,
      )
      .run(row.server, row.model, Math.floor(row.bucketMs / 3_600_000) * 3_600_000, row.promptTokens, row.outputTokens, row.energyJ, row.aboveIdleJ)
  }

  /** Tokens and energy per server and model over [sinceMs, untilMs) (whole hours). */
  tally(sinceMs: number, untilMs: number): InferenceTally[] {
    const rows = this.db
      .prepare(
        `SELECT server, model, sum(prompt_tokens) AS promptTokens, sum(output_tokens) AS outputTokens, sum(energy_j) AS energyJ, sum(above_idle_j) AS aboveIdleJ
        FROM inference_tally WHERE bucket_ms >= ? AND bucket_ms < ? GROUP BY server, model ORDER BY sum(output_tokens) DESC`,
      )
      .all(Math.floor(sinceMs / 3_600_000) * 3_600_000, untilMs) as Omit<InferenceTally, 'whPer1kTokens'>[]
    return rows.map((r) => ({ ...r, whPer1kTokens: r.outputTokens > 0 ? (r.aboveIdleJ / r.outputTokens) * (1000 / 3600) : null }))
  }
}
