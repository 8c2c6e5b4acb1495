/** Pinia store ids, in one place. */
export const STORE_IDS = { telemetry: 'telemetry', summary: 'summary', settings: 'settings', scenario: 'scenario', models: 'models' } as const
