import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['e2e/electron/stub/**', 'out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] }, globals: globals.browser },
    rules: {
      'vue/block-lang': ['error', { script: { lang: 'ts' } }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  { files: ['src-renderer/**/*.ts'], languageOptions: { globals: globals.browser } },
  { files: ['src-main/**/*.ts', 'e2e/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'bin/**/*.js', '*.config.*'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The renderer may only `import type` from the contract, and from no other main-side folder.
    files: ['src-renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src-main/contract/*'], allowTypeImports: true, message: 'The renderer may only `import type` from the contract.' },
            { group: ['**/src-main/core/*', '**/src-main/api/*', '**/src-main/store/*', '**/src-main/telemetry/*', '**/src-main/app/*', '**/src-main/headless/*'], message: 'The renderer talks to main only through the bridge.' },
          ],
        },
      ],
    },
  },
  {
    // electron is imported only under src-main/app.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/app/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only src-main/app/ may import electron.' }] }] },
  },
)
