import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { message } from '../../contract/messages.ts'
import { ReplayReader } from '../readers/replay.reader.ts'
import type { TelemetrySource } from '../source.ts'

/** An nvidia-smi CSV log played back as if live (`--source replay:FILE`, and the demo). */
export function replaySource(file: string, options: { speed: number; loop: boolean; sourceId?: string; deviceName?: string }): TelemetrySource {
  return {
    id: 'replay',
    covers: ['gpu'],
    platforms: ['linux', 'win32', 'darwin', 'freebsd', 'openbsd', 'aix', 'android', 'sunos', 'cygwin', 'haiku', 'netbsd'],
    async probe() {
      if (!existsSync(file))
        return {
          sourceId: 'replay',
          state: 'not-installed',
          devices: [],
          precision: null,
          message: message('source.replay-failed', { file, error: 'ENOENT' }),
          fix: null,
          raw: null,
        }
      return {
        sourceId: 'replay',
        state: 'ok',
        devices: [],
        precision: 'sampled-power',
        message: message('source.found', { tool: basename(file) }),
        fix: null,
        raw: null,
      }
    },
    open(env) {
      return new ReplayReader({
        file,
        speed: options.speed,
        loop: options.loop,
        clock: env.clock,
        ...(options.sourceId ? { sourceId: options.sourceId } : {}),
        ...(options.deviceName ? { deviceName: options.deviceName } : {}),
      })
    },
  }
}
