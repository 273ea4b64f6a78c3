import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

describe('benchmark smoke test (runs it; asserts no timing)', () => {
  it('npm run bench --quick runs both cases, agrees on the results and prints the ratio', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/engine.bench.ts'), '--quick'], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^engine +[\d.]+ [kM] records\/s .* peak RSS \d+ MB/m);
    expect(r.stdout).toMatch(/^hand-written loop +[\d.]+ [kM] records\/s/m);
    expect(r.stdout).toMatch(/^results identical: yes$/m);
    expect(r.stdout).toMatch(/^Node-RED 4 +[\d.]+ [kM] records\/s/m);
    expect(r.stdout).toMatch(/^ratio engine \/ hand-written loop: [\d.]+× \(goal ≥ 0\.67×\)$/m);
    expect(r.stdout).toMatch(/^ratio engine \/ Node-RED: [\d.]+× \(goal ≥ 20×\)$/m);
  });
});
