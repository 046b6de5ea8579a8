// One lint setup for the whole repo (npm run lint): TypeScript everywhere, Vue SFCs in client/.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import prettier from 'eslint-config-prettier'

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-server/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'test-results/**',
      'client/tools/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/attributes-order': 'off',
    },
  },
  {
    // CommonJS on purpose (loaded by worker threads without a TypeScript loader).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['client/sw/**/*.ts'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    // SQL lives in server/db/ only: no query building or raw SQL anywhere else in the server.
    files: ['server/**/*.ts'],
    ignores: ['server/db/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'kysely', importNames: ['sql'], message: 'SQL belongs in server/db/queries.' }] },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)$/]',
          message: 'SQL belongs in server/db/queries: add a query function there and call it.',
        },
      ],
    },
  },
  {
    // Routes take createRoute from ./openapi.js, which documents the answers every route can give
    // (400, 403, 413, 415, 500 and its middleware's refusals); the OpenAPI document depends on it.
    files: ['server/routes/**/*.ts'],
    ignores: ['server/routes/openapi.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'kysely', importNames: ['sql'], message: 'SQL belongs in server/db/queries.' },
            {
              name: '@hono/zod-openapi',
              importNames: ['createRoute'],
              message: "Use createRoute from './openapi.js': it documents the answers every route can give.",
            },
          ],
        },
      ],
    },
  },
  // Formatting is Prettier's (npm run lint runs prettier --check); no ESLint rule argues with it.
  prettier,
)
