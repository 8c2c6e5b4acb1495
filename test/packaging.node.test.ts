import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire, isBuiltin } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import type { Configuration } from 'electron-builder'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_FOLDER } from '../src-main/store/paths.ts'
import { defined, REPO_ROOT } from './helpers.ts'

// electron-builder's own loader and schema check (app-builder-lib, its engine), so the test reads
// electron-builder.yml exactly as `electron-builder` does.
const require = createRequire(import.meta.url)
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>
  validateConfiguration(config: Configuration, debugLogger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
const validate = (config: Configuration): Promise<void> => validateConfiguration(config, new DebugLogger(false))

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file)
  expect(bytes.subarray(1, 4).toString('latin1'), `${file} is a PNG`).toBe('PNG')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** The packages the main process loads at run time: bare imports reachable from main.ts, and their dependencies. */
function mainRuntimePackages(): Set<string> {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    const specifiers: string[] = []
    for (const m of text.matchAll(/^\s*(?:import|export)\s+([^;'"]*?)\s*from\s*'([^']+)'/gm)) {
      const clause = m[1] ?? ''
      const names = /^\{([^}]*)\}$/
        .exec(clause)?.[1]
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      const typeOnly = clause.startsWith('type ') || (names !== undefined && names.length > 0 && names.every((n) => n.startsWith('type ')))
      if (!typeOnly) specifiers.push(m[2] ?? '')
    }
    for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) specifiers.push(m[1] ?? '')
    for (const m of text.matchAll(/\b(?:import|require\w*)\(\s*'([^']+)'\s*\)/g)) specifiers.push(m[1] ?? '')
    for (const s of specifiers) {
      if (s.startsWith('.')) {
        const target = resolve(dirname(file), s)
        if (target.endsWith('.ts') && existsSync(target)) visit(target)
      } else if (s !== 'electron' && !isBuiltin(s)) {
        packages.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] ?? s))
      }
    }
  }
  visit(join(REPO_ROOT, 'src-main', 'app', 'main.ts'))
  // Their dependencies, as npm installed them (optional ones only where installed: koffi's binary package).
  const queue = [...packages]
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>
      optionalDependencies?: Record<string, string>
    }
    const deps = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}).filter((d) => existsSync(join(REPO_ROOT, 'node_modules', d))),
    ]
    for (const dep of deps) {
      if (!packages.has(dep)) {
        packages.add(dep)
        queue.push(dep)
      }
    }
  }
  return packages
}

let config: Configuration

beforeAll(async () => {
  config = await getConfig(REPO_ROOT, null, null)
})

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema, which refuses a misspelt key or a wrong type", async () => {
    await validate(config)
    await expect(validate({ ...config, prodctName: 'Wattprint' } as Configuration)).rejects.toThrow(/unknown property 'prodctName'/)
    await expect(validate({ ...config, asar: 'yes' } as unknown as Configuration)).rejects.toThrow(/configuration\.asar/)
    await expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } } as Configuration)).rejects.toThrow(/electronFuses/)
    await expect(validate({ ...config, nsis: { ...config.nsis, oneClick: 'no' } } as unknown as Configuration)).rejects.toThrow(
      /nsis\.oneClick should be a boolean/,
    )
    await expect(validate({ ...config, deb: { ...config.deb, depends: 'libgtk-3-0' } } as unknown as Configuration)).rejects.toThrow(/deb\.depends/)
  })

  it('names the app Wattprint, as the per-user data folder is named', () => {
    expect(config.appId).toBe('org.wattprint.app')
    expect(config.productName).toBe(APP_FOLDER)
    expect(config.extraMetadata).toMatchObject({ productName: APP_FOLDER })
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> }
    expect(pkg.main).toBe('out/main/main.js')
    expect(pkg.scripts['dist:dir']).toContain('electron-builder --dir')
  })

  it('builds an AppImage and a deb for Linux, an NSIS installer for Windows, a dmg for macOS', () => {
    const targets = (t: unknown): string[] => (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : String((x as { target: string }).target)))
    expect(targets(config.linux?.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']))
    expect(targets(config.win?.target)).toContain('nsis')
    expect(targets(config.mac?.target)).toContain('dmg')
    expect(config.linux?.category).toMatch(/^(Utility|System)\b/)
    expect(config.linux?.maintainer).toMatch(/<.+@.+>/)
    expect(config.deb?.depends?.length).toBeGreaterThan(0)
  })

  it('names icons that exist, square and as large as each platform wants', () => {
    const wanted: [string, string | null | undefined, number][] = [
      ['linux', config.linux?.icon, 512],
      ['win', config.win?.icon, 256],
      ['mac', config.mac?.icon, 1024],
    ]
    for (const [platform, icon, minimum] of wanted) {
      const file = join(REPO_ROOT, defined(icon, `${platform}.icon`))
      expect(existsSync(file), file).toBe(true)
      const { width, height } = pngSize(file)
      expect(width, `${platform} icon`).toBe(height)
      expect(width, `${platform} icon`).toBeGreaterThanOrEqual(minimum)
    }
    // The window and tray icons main.ts loads at run time.
    expect(pngSize(join(REPO_ROOT, 'resources', 'icons', 'icon-256.png')).width).toBe(256)
  })

  it('sets every fuse as intended and unpacks koffi from the asar', () => {
    expect(config.asar).not.toBe(false)
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: true,
    })
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/koffi/**', 'node_modules/@koromix/koffi-*/**']))
  })
})

// A real `electron-builder --dir` over a stand-in tree (the real config, package.json, resources and
// node_modules; stubs for out/; decoy sources) with a stand-in Electron: a file holding the fuse wire,
// which cannot be downloaded here. It computes the file set, writes app.asar and flips the fuses.
describe.runIf(process.platform === 'linux')('a packed app (electron-builder --dir, stand-in Electron)', () => {
  // On the repository's file system, to hard-link its node_modules (electron-builder's `npm ls` does not follow a symlink).
  const results = join(REPO_ROOT, 'test-results')
  mkdirSync(results, { recursive: true })
  const project = mkdtempSync(join(results, 'packaging-'))
  const output = join(project, 'release')
  const appDir = join(output, process.arch === 'arm64' ? 'linux-arm64-unpacked' : 'linux-unpacked')
  let files: string[] = []

  beforeAll(async () => {
    for (const name of ['package.json', 'package-lock.json', 'electron-builder.yml']) cpSync(join(REPO_ROOT, name), join(project, name))
    cpSync(join(REPO_ROOT, 'resources'), join(project, 'resources'), { recursive: true })
    execFileSync('cp', ['-al', join(REPO_ROOT, 'node_modules'), join(project, 'node_modules')], { stdio: 'ignore' })
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(project, path)), { recursive: true })
      writeFileSync(join(project, path), text)
    }
    write('out/main/main.js', 'export {}\n')
    write('out/main/main.js.map', '{}\n')
    write('out/preload/preload.cjs', '\n')
    write('out/renderer/index.html', '<!doctype html>\n')
    write('out/renderer/assets/index.js', '\n')
    for (const decoy of [
      'src-main/app/main.ts',
      'src-renderer/main.ts',
      'test/x.node.test.ts',
      'test/fixtures/x.csv',
      'e2e/x.spec.ts',
      'bench/run.ts',
      'docs/x.png',
      'scripts/x.ts',
      'README.md',
    ]) {
      write(decoy, 'decoy\n')
    }
    // Electron's fuse wire: sentinel, version 1, 8 fuses at Electron's defaults.
    const electronDist = join(project, 'electron-dist')
    mkdirSync(join(electronDist, 'locales'), { recursive: true })
    writeFileSync(join(electronDist, 'locales', 'en-US.pak'), '')
    writeFileSync(
      join(electronDist, 'electron'),
      Buffer.concat([Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 8]), Buffer.from('10110001')]),
      { mode: 0o755 },
    )

    const { build, Platform, Arch } = await import('electron-builder')
    await build({
      projectDir: project,
      targets: Platform.LINUX.createTarget('dir', process.arch === 'arm64' ? Arch.arm64 : Arch.x64),
      config: { electronDist, directories: { output }, publish: null },
    })
    const asar = require('@electron/asar') as { listPackage(archive: string, options: { isPack: boolean }): string[] }
    files = asar.listPackage(join(appDir, 'resources', 'app.asar'), { isPack: false }).map((f) => f.replace(/^\//, ''))
  }, 180_000)
  afterAll(() => rmSync(project, { recursive: true, force: true }))

  it('holds the built app, the reference data, the demo trace, the prompts and every icon', () => {
    const packaged = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { main: string }
    const wanted = [
      packaged.main,
      'out/preload/preload.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index.js',
      ...['data', 'demo', 'prompts', 'icons'].flatMap((d) => readdirSync(join(REPO_ROOT, 'resources', d)).map((f) => `resources/${d}/${f}`)),
    ]
    expect(files).toEqual(expect.arrayContaining(wanted))
  })

  it('leaves out sources, tests, end-to-end specs, benchmarks, docs and source maps', () => {
    const top = new Set(files.map((f) => f.split('/')[0]))
    expect([...top].sort()).toEqual(['node_modules', 'out', 'package.json', 'resources'])
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.ts'))).toEqual([])
  })

  it("writes the app's name into its package.json", () => {
    const asar = require('@electron/asar') as { extractFile(archive: string, file: string): Buffer }
    const packaged = JSON.parse(asar.extractFile(join(appDir, 'resources', 'app.asar'), 'package.json').toString('utf8')) as Record<string, unknown>
    expect(packaged).toMatchObject({ main: 'out/main/main.js', productName: 'Wattprint', desktopName: 'wattprint.desktop' })
  })

  it('ships every package the main process loads, and not the ones bundled into the renderer', () => {
    const needed = mainRuntimePackages()
    expect(needed).toContain('koffi')
    for (const name of needed) expect(files, name).toContain(`node_modules/${name}/package.json`)
    for (const name of ['vue', 'echarts', 'pinia', 'typescript', 'commander']) expect(files).not.toContain(`node_modules/${name}/package.json`)
  })

  it('unpacks koffi with its binary, and it loads from there', () => {
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked', 'node_modules')
    const binaryPackage = `@koromix/koffi-${process.platform}-${process.arch}`
    expect(readdirSync(join(unpacked, binaryPackage), { recursive: true }).filter((f) => String(f).endsWith('.node')).length).toBeGreaterThan(0)
    // koffi's loader finds the binary package beside it, not in the repository's node_modules.
    expect(createRequire(join(unpacked, 'koffi', 'index.cjs')).resolve(binaryPackage)).toContain(unpacked)
    const koffi = createRequire(join(unpacked, 'koffi', 'index.cjs'))('koffi') as { version: string }
    expect(koffi.version).toBe((JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'koffi', 'package.json'), 'utf8')) as { version: string }).version)
  })

  it('flips the fuses in the Electron binary', async () => {
    const { getCurrentFuseWire, FuseV1Options } = await import('@electron/fuses')
    const wire = (await getCurrentFuseWire(join(appDir, 'wattprint'))) as unknown as Record<number, number>
    const state = (fuse: number): string => String.fromCharCode(defined(wire[fuse], `fuse ${fuse}`))
    expect(state(FuseV1Options.RunAsNode)).toBe('0')
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe('1')
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0')
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0')
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1')
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1')
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('1')
  })
})
