// Loads the built main process in plain Node, where the Electron binary is absent: `electron`
// resolves to the unit tests' stand-in (test/stand-ins/electron/index.ts, which records every
// call), and the calls are printed as one JSON line when the run ends. It proves every import
// resolves and start-up runs as far as the spec asks:
//   WATTPRINT_STUB_READY=1     app.whenReady() resolves: the whole start-up (context, IPC, session
//                              rules, window, tray, menus); otherwise it never resolves
//   WATTPRINT_STUB_QUIT_MS=N   the user quits (the tray's Quit) N ms after start: before-quit,
//                              then will-quit; the run ends when main calls app.exit
import { registerHooks } from 'node:module'

const STAND_IN = new URL('../../../test/stand-ins/electron/index.ts', import.meta.url).href

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron') return { url: STAND_IN, shortCircuit: true }
    return nextResolve(specifier, context)
  },
})

const { app, calls } = await import(STAND_IN)
const finish = () => {
  process.stdout.write(`${JSON.stringify(calls)}\n`)
  process.exit(0)
}
const quitMs = Number(process.env.WATTPRINT_STUB_QUIT_MS ?? '0')
if (app.ready && quitMs > 0) {
  setTimeout(() => {
    // Quitting ends the run: what main wrote by the time it exits is what a real quit leaves.
    app.onExit = finish
    app.emit('before-quit', { preventDefault() {} })
    let prevented = false
    app.emit('will-quit', {
      preventDefault() {
        prevented = true
      },
    })
    calls.push(['will-quit prevented', prevented])
    if (!prevented) finish()
  }, quitMs)
  setTimeout(() => {
    calls.push(['stand-in: never exited'])
    finish()
  }, quitMs + 10_000)
} else setTimeout(finish, app.ready ? 1500 : 300)
