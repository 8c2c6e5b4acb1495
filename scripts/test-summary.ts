// Prints one closing line for the whole test run from the Vitest and Playwright JSON reports:
// "tests: N passed, N failed, N skipped". Exits non-zero if a report is missing or shows a failure.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = join(import.meta.dirname, '..', 'test-results')
let passed = 0
let failed = 0
let skipped = 0

const vitestPath = join(dir, 'vitest.json')
const playwrightPath = join(dir, 'playwright.json')
for (const path of [vitestPath, playwrightPath]) {
  if (!existsSync(path)) {
    console.error(`test-summary: ${path} is missing (did that runner run?)`)
    process.exit(1)
  }
}
const vitest = JSON.parse(readFileSync(vitestPath, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }
passed += vitest.numPassedTests
failed += vitest.numFailedTests
skipped += vitest.numPendingTests + vitest.numTodoTests
const playwright = JSON.parse(readFileSync(playwrightPath, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } }
passed += playwright.stats.expected + playwright.stats.flaky
failed += playwright.stats.unexpected
skipped += playwright.stats.skipped
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)
