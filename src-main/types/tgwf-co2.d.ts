// The part of @tgwf/co2 (CO2.js) we use; the package ships no type declarations.
declare module '@tgwf/co2' {
  /** Ember yearly average grid intensity, g CO2e/kWh, keyed by ISO 3166-1 alpha-3 code (and regions such as WORLD). */
  export const averageIntensity: { data: Readonly<Record<string, number>>; type: 'average' }
}
