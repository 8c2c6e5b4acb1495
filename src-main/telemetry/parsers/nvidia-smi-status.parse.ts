import type { SourceState } from '../../contract/telemetry.ts'
import { message, type Message } from '../../contract/messages.ts'

export interface Diagnosis {
  state: SourceState
  fix: Message | null
}

// First match wins: specific causes before the generic "Failed to initialize NVML".
const RULES: readonly { pattern: RegExp; state: SourceState; fix: Message }[] = [
  { pattern: /Insufficient Permissions|permission denied|EACCES/i, state: 'permission', fix: message('fix.nvidia-permission') },
  { pattern: /No devices were found/i, state: 'no-device', fix: message('fix.nvidia-no-device') },
  { pattern: /version mismatch/i, state: 'driver-error', fix: message('fix.nvidia-version-mismatch') },
  {
    pattern: /couldn't communicate with the NVIDIA driver|Failed to initialize NVML|NVML.*not found|GPU is lost/i,
    state: 'driver-error',
    fix: message('fix.nvidia-driver'),
  },
]

/** What nvidia-smi's own words say went wrong, and how to fix it. */
export function diagnoseNvidiaSmiOutput(text: string): Diagnosis {
  for (const rule of RULES) if (rule.pattern.test(text)) return { state: rule.state, fix: rule.fix }
  return { state: 'other', fix: null }
}

export const NOT_INSTALLED_FIX: Message = message('fix.nvidia-not-installed')
