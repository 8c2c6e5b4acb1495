/** Joules in one kilowatt-hour. */
export const JOULES_PER_KWH = 3_600_000

export const kWhFromJoules = (energyJ: number): number => energyJ / JOULES_PER_KWH
export const joulesFromKWh = (energyKWh: number): number => energyKWh * JOULES_PER_KWH
export const kgFromGrams = (massG: number): number => massG / 1000
export const bytesFromMiB = (sizeMiB: number): number => sizeMiB * 1024 * 1024
