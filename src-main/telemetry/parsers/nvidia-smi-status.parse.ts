import type { SourceState } from '../../contract/telemetry.ts'

export interface Diagnosis {
  state: SourceState
  fix: string | null
}

// First match wins: specific causes before the generic "Failed to initialize NVML".
const RULES: readonly { pattern: RegExp; state: SourceState; fix: string }[] = [
  {
    pattern: /Insufficient Permissions|permission denied|EACCES/i,
    state: 'permission',
    fix: 'Your user may not read the GPU. Run Wattprint as a user in the `video` group, or fix the device permissions.',
  },
  {
    pattern: /No devices were found/i,
    state: 'no-device',
    fix:
      'nvidia-smi runs but sees no GPU. Check that the card is seated and powered, that `nvidia-smi -L` ' +
      'lists it, and on a laptop that the discrete GPU is not switched off.',
  },
  {
    pattern: /version mismatch/i,
    state: 'driver-error',
    fix: 'The NVIDIA driver was updated but the old one is still loaded: restart the computer.',
  },
  {
    pattern: /couldn't communicate with the NVIDIA driver|Failed to initialize NVML|NVML.*not found|GPU is lost/i,
    state: 'driver-error',
    fix:
      'nvidia-smi cannot talk to the NVIDIA driver. Make sure the proprietary driver is installed and ' +
      'loaded (`lsmod | grep nvidia` on Linux), then restart the computer.',
  },
]

/** What nvidia-smi's own words say went wrong, and how to fix it. */
export function diagnoseNvidiaSmiOutput(text: string): Diagnosis {
  for (const rule of RULES) if (rule.pattern.test(text)) return { state: rule.state, fix: rule.fix }
  return { state: 'other', fix: null }
}

export const NOT_INSTALLED_FIX =
  'nvidia-smi was not found on PATH. It comes with the NVIDIA driver: install the driver for your card ' +
  '(on Windows it lives in C:\\Windows\\System32). Without an NVIDIA GPU, try the demo replay.'
