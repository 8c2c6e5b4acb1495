import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers.ts'
import { autostartPath, desktopEntry, execArg, setLinuxAutostart, startsHidden } from './autostart.ts'

function hasValidator(): boolean {
  try {
    execFileSync('desktop-file-validate', ['--help'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('start at login on Linux (XDG autostart entry)', () => {
  it('writes ~/.config/autostart/wattprint.desktop (or under XDG_CONFIG_HOME) and removes it again', () => {
    const home = tempDir()
    const options = { env: {}, home, execPath: '/opt/Wattprint/wattprint', icon: '/opt/Wattprint/resources/icons/icon-256.png' }
    const path = join(home, '.config', 'autostart', 'wattprint.desktop')
    expect(setLinuxAutostart(true, options)).toEqual({ path, action: 'written' })
    const text = readFileSync(path, 'utf8')
    expect(text).toContain('Exec=/opt/Wattprint/wattprint --hidden\n')
    expect(text).toContain('Type=Application\n')
    expect(statSync(path).mode & 0o777).toBe(0o644)
    expect(setLinuxAutostart(true, options).action).toBe('unchanged')
    expect(setLinuxAutostart(false, options)).toEqual({ path, action: 'removed' })
    expect(existsSync(path)).toBe(false)
    expect(setLinuxAutostart(false, options).action).toBe('unchanged')
    const config = tempDir()
    expect(autostartPath({ XDG_CONFIG_HOME: config }, home)).toBe(join(config, 'autostart', 'wattprint.desktop'))
    // A relative XDG_CONFIG_HOME is invalid by the spec: ignored.
    expect(autostartPath({ XDG_CONFIG_HOME: 'relative' }, home)).toBe(path)
  })

  it('starts the AppImage file, not its temporary mount, and quotes paths with spaces', () => {
    const appImage = desktopEntry({
      env: { APPIMAGE: '/home/ana/Apps/Wattprint 1.0.AppImage' },
      execPath: '/tmp/.mount_WattprXYZ/wattprint',
      args: ['/tmp/.mount_WattprXYZ'],
    })
    expect(appImage).toContain('Exec="/home/ana/Apps/Wattprint 1.0.AppImage" --hidden\n')
    expect(appImage).not.toContain('.mount_')
    // An unpackaged run: electron and the app's folder.
    expect(desktopEntry({ env: {}, execPath: '/x/node_modules/electron/dist/electron', args: ['/x/app dir'] })).toContain(
      'Exec=/x/node_modules/electron/dist/electron "/x/app dir" --hidden\n',
    )
    expect(execArg('a"b$c`d\\e')).toBe('"a\\"b\\$c\\`d\\\\e"')
    expect(execArg('50%')).toBe('50%%')
    expect(execArg('')).toBe('""')
  })

  it('leaves alone a wattprint.desktop that it did not write', () => {
    const home = tempDir()
    const path = autostartPath({}, home)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, '[Desktop Entry]\nType=Application\nName=My own Wattprint launcher\nExec=/usr/local/bin/my-wattprint\n')
    const before = readFileSync(path, 'utf8')
    expect(setLinuxAutostart(false, { env: {}, home, execPath: '/opt/wattprint' }).action).toBe('not-ours')
    expect(setLinuxAutostart(true, { env: {}, home, execPath: '/opt/wattprint' }).action).toBe('not-ours')
    expect(readFileSync(path, 'utf8')).toBe(before)
  })

  it('is a valid desktop entry (desktop-file-validate)', (ctx) => {
    if (!hasValidator()) return ctx.skip('desktop-file-validate is not installed (apt install desktop-file-utils; .ci/run installs it)')
    const home = tempDir()
    const { path } = setLinuxAutostart(true, { env: {}, home, execPath: '/opt/Wattprint Beta/wattprint', args: ['--x=1'], icon: 'wattprint' })
    expect(execFileSync('desktop-file-validate', [path], { encoding: 'utf8' })).toBe('')
  })

  it('knows when it was started hidden (from the autostart entry)', () => {
    expect(startsHidden(['/opt/wattprint', '--hidden'])).toBe(true)
    expect(startsHidden(['/opt/wattprint'])).toBe(false)
  })
})
