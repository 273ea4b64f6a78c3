/**
 * Import rules checked by `npm run check:imports` (part of `npm run lint`) and by test/imports.test.ts.
 * Type imports count: a cycle closed only by `import type` still ties the files together for a reader.
 */
const layer = (name, from, to, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'No import cycles anywhere under src/, type imports included.',
      from: {},
      to: { circular: true },
    },
    layer(
      'shared-is-pure',
      '^src/shared/',
      '^src/(engine|main|preload|renderer|host|cli)/',
      'src/shared holds the contracts; it imports nothing else of ours.',
    ),
    layer(
      'engine-below-adapters',
      '^src/engine/',
      '^src/(main|preload|renderer|host|cli)/',
      'The engine knows no adapter.',
    ),
    layer(
      'renderer-through-api',
      '^src/renderer/',
      '^src/(engine|main|preload|host|cli)/',
      'The renderer talks to the engine only through StudioApi (src/shared).',
    ),
    layer(
      'preload-is-a-port',
      '^src/preload/',
      '^src/(engine|main|renderer|host|cli)/',
      'The preload only hands the renderer its port; it imports src/shared at most.',
    ),
    layer(
      'cli-not-host',
      '^src/cli/',
      '^src/(host|main|preload|renderer)/',
      'The CLI and the web host never import each other (nor Electron main).',
    ),
    layer(
      'host-not-cli',
      '^src/host/',
      '^src/(cli|main|preload|renderer)/',
      'The CLI and the web host never import each other (nor Electron main).',
    ),
    layer(
      'main-not-other-adapters',
      '^src/main/',
      '^src/(cli|host|renderer)/',
      'Electron main hosts the engine; it never imports the other adapters or the renderer.',
    ),
    {
      name: 'registry-in-roots',
      severity: 'error',
      comment:
        'Only the composition roots (CLI, web host, Electron main; the schema script) import the built-in registry; the rest is handed one.',
      from: { path: '^src/', pathNot: '^src/(cli|host|main)/' },
      to: { path: '^src/engine/nodes/registry[.]ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'] },
  },
};
