/**
 * Named conversions for the units tools and sysfs report in, to the SI units Wattprint keeps
 * inside (W, J, °C, MHz, B). The general ones live in `contract/units.ts`; these are the ones only
 * telemetry parsers need.
 */

/** hwmon `power*_input`/`power*_average`/`power*_cap`, powercap limits: µW → W. */
export const wattsFromMicrowatts = (powerUW: number): number => powerUW / 1_000_000
/** powermetrics prints mW: mW → W. */
export const wattsFromMilliwatts = (powerMW: number): number => powerMW / 1000
/** RAPL `energy_uj`, hwmon `energy*_input`, rocm-smi "Accumulated Energy (uJ)": µJ → J. */
export const joulesFromMicrojoules = (energyUJ: number): number => energyUJ / 1_000_000
/** hwmon `temp*_input`: millidegrees Celsius → °C. */
export const celsiusFromMillidegrees = (tempMilliC: number): number => tempMilliC / 1000
/** hwmon `freq*_input`: Hz → MHz. */
export const mhzFromHz = (frequencyHz: number): number => frequencyHz / 1_000_000
/** amd-smi prints memory in "MB" that are MiB (it divides bytes by 1024 × 1024): MiB → B. */
export const bytesFromMebibytes = (sizeMiB: number): number => sizeMiB * 1024 * 1024
