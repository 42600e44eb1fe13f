// Lint: typescript-eslint's recommended rules, plus the layering rule that keeps core/
// an embeddable library (no Electron, no React, no DOM) and keeps the renderer off Node.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'worker_threads', 'better-sqlite3'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-artifacts/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['core/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'core/ must run under plain Node: no Electron.' },
            { name: 'react', message: 'core/ has no UI.' },
            { name: 'react-dom', message: 'core/ has no UI.' },
          ],
          patterns: [
            { group: ['electron/*', 'react/*', 'react-dom/*', 'zustand', 'zustand/*'], message: 'core/ must stay free of Electron and UI libraries.' },
            { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'core/ does not depend on its hosts.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'location'].map((name) => ({
          name,
          message: 'core/ must not touch the DOM.',
        })),
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks only through the typed client.' }],
          patterns: [
            { group: nodeBuiltins.flatMap((m) => [m, `node:${m}`]), message: 'The renderer has no Node access.' },
            { group: ['**/core/engine/**', '**/core/store/**', '**/core/providers/**', '**/core/crypto/**', '**/main/**'], message: 'The renderer may import only core/api and core/errors.' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/core/engine/**', '**/core/store/**', '**/core/providers/**', '**/core/crypto/**'], message: 'The preload exposes only the typed client.' }] },
      ],
    },
  },
);
