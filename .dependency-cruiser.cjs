/**
 * The layer rules of DESIGN.md, checked by `npm run lint` (dependency-cruiser), not by goodwill.
 * Each rule says what a layer may not import and why.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core/ is the pure domain: no store, telemetry, recording, api, app or headless, and no Node I/O.',
      severity: 'error',
      from: { path: '^src-main/core/' },
      to: { path: ['^src-main/(store|telemetry|recording|api|app|headless)/', '^(node:)?(fs|path|child_process|net|http|https|os|sqlite|worker_threads)$'] },
    },
    {
      name: 'contract-stands-alone',
      comment: 'contract/ is the API both sides read: it imports nothing of main but itself.',
      severity: 'error',
      from: { path: '^src-main/contract/' },
      to: { path: '^src-main/(?!contract/)' },
    },
    {
      name: 'renderer-only-sees-the-contract',
      comment: 'The renderer talks to main through the bridge: of src-main it imports the contract only (types, schemas, messages, units).',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/(?!contract/)' },
    },
    {
      name: 'renderer-has-no-node',
      comment: 'The renderer runs in a sandboxed page: no Node built-ins.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'api-is-transport-free',
      comment: 'api/ (the composition root and handlers) is shared by the three doors: it imports none of them.',
      severity: 'error',
      from: { path: '^src-main/api/' },
      to: { path: '^src-main/(app|headless)/' },
    },
    {
      name: 'headless-is-not-the-desktop-app',
      comment: 'The headless host and CLI run without Electron.',
      severity: 'error',
      from: { path: '^src-main/headless/' },
      to: { path: '^src-main/app/' },
    },
    {
      name: 'only-app-imports-electron',
      comment: 'electron is imported only under src-main/app/, so everything else runs (and is tested) in plain Node.',
      severity: 'error',
      from: { pathNot: '^src-main/app/' },
      to: { path: '^electron$' },
    },
    {
      name: 'telemetry-reads-only',
      comment: 'telemetry/ finds and reads sources (and parses logs); it does not store, serve or show: the recorder and the sink do.',
      severity: 'error',
      from: { path: '^src-main/telemetry/' },
      to: { path: '^src-main/(store|api|app|headless)/' },
    },
    {
      name: 'only-importers-write-history',
      comment: 'Of recording/, telemetry/ sees only the sink interface, and only where a log is imported into the history.',
      severity: 'error',
      from: { path: '^src-main/telemetry/', pathNot: '^src-main/telemetry/importers/' },
      to: { path: '^src-main/recording/' },
    },
    {
      name: 'recording-writes-through-its-sink',
      comment: 'recording/ owns time and energy and writes through the Sink interface: it knows no database.',
      severity: 'error',
      from: { path: '^src-main/recording/' },
      to: { path: '^src-main/(store|api|app|headless)/' },
    },
    {
      name: 'store-serves-upwards',
      comment: 'store/ persists; it does not call the API, the doors or the app.',
      severity: 'error',
      from: { path: '^src-main/store/' },
      to: { path: '^src-main/(api|app|headless)/' },
    },
    {
      name: 'logging-serves-the-doors',
      comment: 'logging/ is what the three doors share to write their logs: it knows none of them, and the layers below never log through it.',
      severity: 'error',
      from: { path: '^src-main/logging/' },
      to: { path: '^src-main/(app|headless)/' },
    },
    {
      name: 'only-doors-log',
      comment:
        'The doors (app, headless) log what the layers below tell them (the push bus, results); core, contract, store, telemetry, recording and api do not import logging/.',
      severity: 'error',
      from: { path: '^src-main/(core|contract|store|telemetry|recording|api)/' },
      to: { path: '^src-main/logging/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one; split what they share.',
      severity: 'error',
      from: { path: '^src-(main|renderer)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^out/', '\\.test\\.ts$'] },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.vue', '.mjs', '.cjs'],
    },
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
