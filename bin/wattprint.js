#!/usr/bin/env node
// Entry of the `wattprint` CLI: runs the TypeScript sources directly (Node strips the types).
import { spawnSync } from 'node:child_process'
import module from 'node:module'
import { fileURLToPath } from 'node:url'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(`wattprint: Node ${process.versions.node} is too old; Wattprint needs Node 22.13 or newer (node:sqlite)\n`)
  process.exit(2)
}
// Node 22.13-22.17 can strip types only behind a flag: run again with it.
if (!process.features.typescript) {
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  })
  process.exit(result.status ?? 1)
}
// node:sqlite and type stripping announce themselves as experimental on some versions; users need not see it.
const emitWarning = process.emitWarning.bind(process)
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type
  if (type === 'ExperimentalWarning') return
  emitWarning(warning, ...rest)
}
// Compiled (and type-stripped) modules are cached on disk between runs: start-up in a third of the time.
module.enableCompileCache?.()
const { main } = await import('../src-main/headless/cli.ts')
process.exitCode = await main(process.argv.slice(2))
