/** SI units inside; these named conversions are the only ones, for main and renderer alike. */

/** Joules in one kilowatt-hour. */
export const JOULES_PER_KWH = 3_600_000

export const kWhFromJoules = (energyJ: number): number => energyJ / JOULES_PER_KWH
export const joulesFromKWh = (energyKWh: number): number => energyKWh * JOULES_PER_KWH
export const kgFromGrams = (massG: number): number => massG / 1000
export const bytesFromMiB = (sizeMiB: number): number => sizeMiB * 1024 * 1024

/**
 * a ÷ b, or null when it has no meaning (b is 0, or the quotient overflows): a ratio shown to the
 * user is a finite number or "—", never NaN or Infinity.
 */
export function ratioOrNull(a: number, b: number): number | null {
  const q = a / b
  return b === 0 || !Number.isFinite(q) ? null : q
}

export const joulesFromWh = (energyWh: number): number => energyWh * 3600
export const whFromJoules = (energyJ: number): number => energyJ / 3600
