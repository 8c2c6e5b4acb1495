import { expect, test } from '@playwright/test'
import { execFile } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

// Runs everywhere, Electron binary or not: the built main bundle is loaded in plain Node with a
// stand-in `electron` module, so a bad import (a JSON file, a package that cannot be bundled)
// fails here and not on a user's first start.
test('the built main process loads and starts up to app.whenReady()', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', join(REPO_ROOT, 'e2e', 'electron', 'stub', 'electron-stub.mjs'), join(REPO_ROOT, 'out', 'main', 'main.js')],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: join(REPO_ROOT, 'test-results', 'electron-stub-config') },
    },
  )
  const calls = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[]
  expect(calls).toEqual(expect.arrayContaining(['app.setPath', 'app.requestSingleInstanceLock', 'app.whenReady']))
})
