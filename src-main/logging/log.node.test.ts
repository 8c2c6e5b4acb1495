import { afterEach, describe, expect, it, vi } from 'vitest'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import log from 'electron-log/node'
import { defined, tempDir } from '../../test/helpers.ts'
import { PushBus } from '../api/services/push-bus.ts'
import { message } from '../contract/messages.ts'
import type { SourceStatus, TelemetryStatus } from '../contract/telemetry.ts'
import { archiveLog, archiveName } from './archive.ts'
import { configureFileLog, type LogLines } from './file-log.ts'
import { logDir, logFileOf, logLevel } from './log-config.ts'
import { Scrubber } from './scrub.ts'
import { logContext, logImport, startLine } from './session.ts'
import { logTelemetryTransitions } from './telemetry-transitions.ts'

afterEach(() => {
  vi.useRealTimers()
})

/** A LogLines that keeps what it is told, `level text`. */
function recorded(): LogLines & { lines: string[] } {
  const lines: string[] = []
  return { lines, info: (t) => lines.push(`info ${t}`), warn: (t) => lines.push(`warn ${t}`), error: (t) => lines.push(`error ${t}`) }
}

const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '')

describe('log folder and level', () => {
  it('lives in the user data folder unless WATTPRINT_LOG_DIR says otherwise; one file per door', () => {
    expect(logDir({ XDG_CONFIG_HOME: '/x/config' })).toBe(join('/x/config', 'Wattprint', 'logs'))
    expect(logFileOf('host', { WATTPRINT_LOG_DIR: '/tmp/l' })).toBe(join('/tmp/l', 'host.log'))
    expect(new Set(['app', 'host', 'cli'].map((d) => logFileOf(d as 'app', { WATTPRINT_LOG_DIR: '/l' }))).size).toBe(3)
    expect(logLevel({})).toBe('info')
    expect(logLevel({ WATTPRINT_LOG_LEVEL: 'DEBUG' })).toBe('debug')
    expect(logLevel({ WATTPRINT_LOG_LEVEL: 'off' })).toBe(false)
    expect(logLevel({ WATTPRINT_LOG_LEVEL: 'chatty' })).toBe('info')
  })
})

describe('archiveLog', () => {
  it('numbers the archives, newest 1, and drops the oldest beyond the kept count', () => {
    const dir = tempDir()
    const file = join(dir, 'cli.log')
    for (let i = 1; i <= 5; i++) {
      writeFileSync(file, `generation ${i}\n`)
      expect(archiveLog(file, 3)).toBe(true)
    }
    expect(readdirSync(dir).sort()).toEqual(['cli.1.log', 'cli.2.log', 'cli.3.log'])
    expect(read(archiveName(file, 1))).toBe('generation 5\n')
    expect(read(archiveName(file, 3))).toBe('generation 3\n')
  })

  it('never throws: a missing file is already archived, a folder that is gone is reported', () => {
    const dir = tempDir()
    expect(archiveLog(join(dir, 'none.log'), 3)).toBe(true)
    expect(archiveLog(join(dir, 'gone', 'x.log'), 3)).toBe(true)
    expect(archiveLog(join(dir, 'x.log'), 0)).toBe(false)
  })
})

describe('the file log (electron-log/node)', () => {
  it('rotates by size on a real folder: numbered archives, the oldest dropped, the current file small', () => {
    const dir = tempDir()
    const file = configureFileLog(log, { door: 'cli', env: { WATTPRINT_LOG_DIR: dir }, maxBytes: 400, keep: 3, warn: () => undefined })
    for (let i = 0; i < 60; i++) file.info(`line ${String(i).padStart(2, '0')} ${'x'.repeat(20)}`)
    expect(readdirSync(dir).sort()).toEqual(['cli.1.log', 'cli.2.log', 'cli.3.log', 'cli.log'])
    const current = defined(file.filePath, 'the file')
    expect(statSync(current).size).toBeLessThan(400 + 100)
    // Read oldest to newest, the numbers run on without a hole, and the first lines are gone.
    const numbers = [3, 2, 1]
      .map((n) => read(archiveName(current, n)))
      .concat(read(current))
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(/line (\d+)/.exec(line)?.[1]))
    expect(numbers.at(-1)).toBe(59)
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] ?? 0) + i))
    expect(numbers[0]).toBeGreaterThan(0)
  })

  it('writes one line per entry: ISO time, level, process id, text (further lines indented)', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-02T10:00:00.000Z'))
    const dir = tempDir()
    const file = configureFileLog(log, { door: 'host', env: { WATTPRINT_LOG_DIR: dir } })
    file.info('hello')
    file.error('first\nsecond')
    expect(read(join(dir, 'host.log'))).toBe(
      `[2026-11-02T10:00:00.000Z] [info] [${process.pid}] hello\n[2026-11-02T10:00:00.000Z] [error] [${process.pid}] first\n  second\n`,
    )
  })

  it('writes no personal data: the home folder becomes ~, tokens and query strings are dropped', () => {
    const dir = tempDir()
    const file = configureFileLog(log, { door: 'cli', env: { WATTPRINT_LOG_DIR: dir } })
    const token = 'Zq3xY8wV1uT6sR4pO2nM9lK7jH5gF0eD'
    file.scrubber.addSecret(token)
    file.info(`database ${join(homedir(), '.config', 'Wattprint', 'wattprint.db')}`)
    file.info(`open http://127.0.0.1:8787/?token=${token} then curl -H "Authorization: Bearer ${token}"`)
    file.info(`the bare token ${token}, and https://example.org/a?user=ann&key=42#top`)
    file.error(new Error(`cannot read ${join(homedir(), 'logs', 'gpu.csv')}`).message)
    const text = read(join(dir, 'cli.log'))
    expect(text).not.toContain(homedir())
    expect(text).not.toContain(token)
    expect(text).not.toContain('user=ann')
    expect(text).toContain(`database ${join('~', '.config', 'Wattprint', 'wattprint.db')}`)
    expect(text).toContain('http://127.0.0.1:8787/?…')
    expect(text).toContain('Bearer …')
    expect(text).toContain('https://example.org/a?…#top')
    expect(text).toContain(`cannot read ${join('~', 'logs', 'gpu.csv')}`)
  })

  it('a folder that cannot be written does not throw: no file, one warning', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'not-a-folder'), '')
    const warnings: string[] = []
    const file = configureFileLog(log, { door: 'cli', env: { WATTPRINT_LOG_DIR: join(dir, 'not-a-folder', 'logs') }, warn: (t) => warnings.push(t) })
    expect(() => {
      for (let i = 0; i < 5; i++) file.info(`line ${i}`)
      file.error('still fine')
    }).not.toThrow()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/cannot write the log in .*cli\.log \(ENOTDIR\); going on without a log file/)
  })

  it('a read-only folder does not throw (where the permission holds, one warning)', () => {
    const dir = join(tempDir(), 'ro')
    mkdirSync(dir, { mode: 0o555 })
    const warnings: string[] = []
    const file = configureFileLog(log, { door: 'app', env: { WATTPRINT_LOG_DIR: dir }, warn: (t) => warnings.push(t) })
    expect(() => file.info('a line')).not.toThrow()
    // root writes anyway; anyone else is refused and told once.
    expect(warnings).toHaveLength(process.getuid?.() === 0 ? 0 : 1)
  })

  it.skipIf(process.platform !== 'linux')('a full disk (writes to /dev/full) degrades to no file with one warning', () => {
    const dir = tempDir()
    symlinkSync('/dev/full', join(dir, 'cli.log'))
    const warnings: string[] = []
    const file = configureFileLog(log, { door: 'cli', env: { WATTPRINT_LOG_DIR: dir }, warn: (t) => warnings.push(t) })
    expect(() => {
      file.info('one')
      file.info('two')
    }).not.toThrow()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/ENOSPC|no space/i)
  })

  it('WATTPRINT_LOG_LEVEL=off writes no file; warn keeps warnings and errors only', () => {
    const off = tempDir()
    configureFileLog(log, { door: 'cli', env: { WATTPRINT_LOG_DIR: off, WATTPRINT_LOG_LEVEL: 'off' } }).error('nothing')
    expect(readdirSync(off)).toEqual([])
    const dir = tempDir()
    const file = configureFileLog(log, { door: 'cli', env: { WATTPRINT_LOG_DIR: dir, WATTPRINT_LOG_LEVEL: 'warn' } })
    file.info('quiet')
    file.warn('loud')
    expect(read(join(dir, 'cli.log'))).toMatch(/^\[[^\]]+\] \[warn\] \[\d+\] loud\n$/)
  })
})

describe('Scrubber', () => {
  const scrubber = new Scrubber({ home: '/home/ann', user: 'ann', host: 'anns-laptop', platform: 'linux' })

  it.each([
    ['/home/ann/.config/Wattprint/wattprint.db', '~/.config/Wattprint/wattprint.db'],
    ['moved to /home/ann.', 'moved to ~.'],
    ['/home/anna/x is someone else', '/home/anna/x is someone else'],
    ['signed in as ann on anns-laptop', 'signed in as <user> on <host>'],
    ['annual report', 'annual report'],
    ['WATTPRINT_TOKEN=abc123def, api_key: sk-999', 'WATTPRINT_TOKEN=…, api_key: …'],
    ['GET /api/events?token=abc', 'GET /api/events?token=…'],
    ['ws://127.0.0.1:1/x?a=1', 'ws://127.0.0.1:1/x?…'],
    ['42 output tokens, 3 keys', '42 output tokens, 3 keys'],
  ])('%s → %s', (input, output) => {
    expect(scrubber.scrub(input)).toBe(output)
  })

  it('drops a user and password inside a URL, and quoted keys as JSON writes them', () => {
    expect(scrubber.scrub('scraping http://bob:hunter2@prom.lan:9090/api/v1/query_range?query=x')).toBe('scraping http://…@prom.lan:9090/api/v1/query_range?…')
    expect(scrubber.scrub('{"token":"abcdef0123456789","api_key": "zz","name":"ok"}')).toBe('{"token":"…","api_key": "…","name":"ok"}')
  })

  it('on Windows, the home folder in any case and with either slash', () => {
    const win = new Scrubber({ home: 'C:\\Users\\Ann', user: 'Ann', host: null, platform: 'win32' })
    expect(win.scrub('c:\\users\\ann\\AppData\\Roaming\\Wattprint\\wattprint.db and C:/Users/Ann/x')).toBe(
      '~\\AppData\\Roaming\\Wattprint\\wattprint.db and ~/x',
    )
    expect(win.scrub('{"path":"C:\\\\Users\\\\Ann\\\\x"}')).toBe('{"path":"~\\\\x"}')
  })
})

const source = (sourceId: string, state: SourceStatus['state'], restarts = 0, raw: string | null = null): SourceStatus => ({
  sourceId,
  state,
  message: message('source.found', { tool: sourceId }),
  fix: null,
  raw,
  sinceMs: 0,
  restarts,
  precision: null,
})

const status = (sources: SourceStatus[], extra: Partial<TelemetryStatus> = {}): TelemetryStatus =>
  ({
    sources,
    demo: false,
    devices: [],
    latest: [],
    storage: { ok: true, message: message('source.stopped'), pendingReadings: 0, droppedReadings: 0, error: null },
    self: { sinceMs: 0, cpuSeconds: 0, cpuPercentOfOneCore: null, powerW: null, energyJ: null, cpuPowerMeasured: false, method: 'estimated' },
    processes: [{ deviceId: 'gpu0', pid: 4242, name: 'python3 secret_project.py', app: 'PyTorch', type: 'compute', smPct: 90, memUsedB: 1 }],
    idle: [],
    paused: null,
    ...extra,
  }) as TelemetryStatus

describe('logTelemetryTransitions', () => {
  it('logs each source when first seen and when its state or restarts change, nothing else', () => {
    const bus = new PushBus()
    const out = recorded()
    const stop = logTelemetryTransitions(bus, out)
    bus.emit('telemetry:status', status([source('nvidia-smi', 'starting'), source('rapl', 'permission')]))
    bus.emit('telemetry:status', status([source('nvidia-smi', 'starting'), source('rapl', 'permission')]))
    bus.emit('telemetry:samples', { samples: [], demo: false })
    bus.emit('telemetry:status', status([source('nvidia-smi', 'ok'), source('rapl', 'permission')]))
    bus.emit('telemetry:status', status([source('nvidia-smi', 'ok'), source('rapl', 'permission')]))
    bus.emit('telemetry:status', status([source('nvidia-smi', 'driver-error', 0, 'NVIDIA-SMI has failed\nsecond line'), source('rapl', 'permission')]))
    bus.emit('telemetry:status', status([source('nvidia-smi', 'driver-error', 1), source('rapl', 'permission')]))
    // The demo's statuses are not this machine's.
    bus.emit('telemetry:status', status([source('replay', 'ok')], { demo: true }))
    bus.emit(
      'telemetry:status',
      status([source('nvidia-smi', 'driver-error', 1), source('rapl', 'permission')], {
        storage: { ...status([]).storage, ok: false, error: 'database or disk is full' },
      }),
    )
    stop()
    bus.emit('telemetry:status', status([source('nvidia-smi', 'stopped', 1)]))
    expect(out.lines).toEqual([
      'info telemetry nvidia-smi: starting — nvidia-smi found.',
      'warn telemetry rapl: permission — rapl found.',
      'info telemetry nvidia-smi: starting → ok — nvidia-smi found.',
      'warn telemetry nvidia-smi: ok → driver-error — nvidia-smi found. [NVIDIA-SMI has failed]',
      'warn telemetry nvidia-smi: restarted (1 restarts), driver-error — nvidia-smi found.',
      'error storage: readings cannot be written — Stopped. (database or disk is full)',
    ])
    expect(out.lines.join('\n')).not.toMatch(/secret_project|PyTorch|4242/)
  })

  it('logContext writes the storage notes first, formatted in English', () => {
    const out = recorded()
    const bus = new PushBus()
    logContext(out, { bus, storageNotes: [message('storage.moved-aside', { detail: 'quick_check failed', movedTo: '/data/wattprint.db.damaged-x' })] })
    expect(out.lines).toHaveLength(1)
    expect(out.lines[0]).toMatch(/^warn storage: .*\/data\/wattprint\.db\.damaged-x/)
  })
})

describe('start and import lines', () => {
  it('start: version, door, platform, arch, runtime, database', () => {
    expect(startLine({ version: '1.2.3', door: 'cli', command: 'report', dbPath: '/d/w.db' })).toBe(
      `start Wattprint 1.2.3 (cli report) on ${process.platform} ${process.arch}, Node ${process.versions.node}, database /d/w.db`,
    )
  })

  it('import: counts and the file name, not its folder', () => {
    const out = recorded()
    logImport(out, { file: '/data/secret-folder/gpu.csv', rows: 10, imported: 8, alreadyStored: 2, devices: [], warnings: [] })
    expect(out.lines).toEqual(['info import gpu.csv: 8 readings imported, 2 already stored, 10 rows, 0 device(s), 0 warning(s)'])
  })
})
