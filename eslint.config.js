// Layering is enforced here: core/ runs under plain Node (no electron, react or DOM);
// the renderer sees only core/api; the CLI and hosts reach the engine through core/api and core/engine.
import tseslint from 'typescript-eslint';

const uiAndShell = ['electron', 'electron/*', 'react', 'react-dom', 'react-dom/*', 'ag-grid-*', '@ag-grid-community/*'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/out/**', 'fixtures/**', 'coverage/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['core/**/*.ts', 'cli/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='parseFloat']", message: 'No float parsing: money and rates are exact (core/money).' },
        { selector: "CallExpression[callee.property.name='toFixed']", message: 'No float formatting: money and rates are exact (core/money).' },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: uiAndShell, message: 'core/ runs under plain Node: no electron, react or UI.' }] }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
      // The engine speaks through its logger and its results, never straight to a terminal.
      'no-console': 'error',
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/core/*', '!**/core/api', '!**/core/api/**'], message: 'The renderer sees only core/api.' },
          { group: ['electron', 'better-sqlite3', 'node:*', 'fs', 'path'], message: 'The renderer talks to the engine through its bridge only.' },
        ],
      }],
    },
  },
);
