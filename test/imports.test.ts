import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

interface Cruise {
  summary: { violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[] };
}

/** dependency-cruiser over `paths` with the project's rules (the same run as `npm run check:imports`). */
const cruise = (...paths: string[]): Cruise => {
  const r = spawnSync(
    join(ROOT, 'node_modules/.bin/depcruise'),
    [...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(r.stdout) as Cruise;
};

describe('imports', () => {
  it('no cycle anywhere under src/ (type imports included), and no layering rule broken', () => {
    expect(cruise('src').summary.violations).toEqual([]);
  });

  it('a cycle closed only by type imports is reported, with its files', () => {
    const dir = join(ROOT, '.tmp', 'cycle-check', String(process.pid));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b';\nexport interface A { b?: B }\n");
    writeFileSync(join(dir, 'b.ts'), "import type { A } from './a';\nexport interface B { a?: A }\n");
    const found = cruise(`.tmp/cycle-check/${process.pid}`).summary.violations;
    expect(found.map((v) => v.rule.name)).toEqual(['no-cycle']);
    expect(found[0]!.cycle!.map((c) => c.name.split('/').pop())).toEqual(expect.arrayContaining(['a.ts', 'b.ts']));
  });
});
