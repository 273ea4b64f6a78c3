// ESLint: TypeScript rules, React hooks, and the layering of imports (VS Code's "bad layering" rule, done with
// no-restricted-imports): shared ← engine ← main / host / cli; shared ← renderer.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const NODE_BUILTINS = ['node:*'];
const BARE_BUILTINS = [
  'fs',
  'fs/promises',
  'path',
  'os',
  'http',
  'https',
  'net',
  'child_process',
  'crypto',
  'stream',
  'events',
  'util',
  'worker_threads',
];
const layer = (message, groups, bare = []) => ({
  'no-restricted-imports': [
    'error',
    { patterns: [{ group: groups, message }], paths: bare.map((name) => ({ name, message })) },
  ],
});

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.bench/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/shared/**'],
    rules: layer(
      'Bad layering: src/shared is pure contracts; it imports nothing of ours, and no Node, DOM, Electron or React.',
      [
        '**/engine/**',
        '**/main/**',
        '**/preload/**',
        '**/renderer/**',
        '**/host/**',
        '**/cli/**',
        'electron',
        'react',
        'react-dom',
        ...NODE_BUILTINS,
      ],
      BARE_BUILTINS,
    ),
  },
  {
    files: ['src/engine/**'],
    rules: layer(
      'Bad layering: the engine runs anywhere Node does; it never imports Electron, React, the renderer or its adapters.',
      [
        '**/main/**',
        '**/preload/**',
        '**/renderer/**',
        '**/host/**',
        '**/cli/**',
        'electron',
        'react',
        'react-dom',
        '@xyflow/*',
        'recharts',
      ],
    ),
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...layer(
        'Bad layering: the renderer talks to the engine only through StudioApi (src/shared); no engine, Node or Electron.',
        ['**/engine/**', '**/main/**', '**/preload/**', '**/host/**', '**/cli/**', 'electron', 'ws', ...NODE_BUILTINS],
        BARE_BUILTINS,
      ),
    },
  },
  {
    files: ['src/host/**'],
    rules: layer(
      'Bad layering: the web host never imports Electron, the renderer or the CLI (and the CLI never imports the host).',
      ['electron', '**/main/**', '**/preload/**', '**/renderer/**', '**/cli/**', 'react', 'react-dom'],
    ),
  },
  {
    files: ['src/cli/**'],
    rules: layer(
      'Bad layering: the CLI never imports Electron, the renderer or the web host (and the host never imports the CLI).',
      ['electron', '**/main/**', '**/preload/**', '**/renderer/**', '**/host/**', 'react', 'react-dom'],
    ),
  },
  {
    files: ['src/preload/**'],
    rules: layer('Bad layering: the preload only hands the renderer its port; it imports src/shared at most.', [
      '**/engine/**',
      '**/main/**',
      '**/renderer/**',
      '**/host/**',
      '**/cli/**',
      'react',
      'react-dom',
    ]),
  },
  {
    // Only the two IPC modules may touch Electron's IPC objects; everything else goes through the typed port.
    files: ['src/main/**'],
    ignores: ['src/main/ipc-port.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'Use the typed port in src/main/ipc-port.ts.',
            },
          ],
          patterns: [
            {
              group: ['**/renderer/**', '**/host/**', '**/cli/**', 'react'],
              message: 'Bad layering: main hosts the engine; it never imports the renderer or the other adapters.',
            },
          ],
        },
      ],
    },
  },
);
