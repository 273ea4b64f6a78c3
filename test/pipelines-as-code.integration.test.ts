/**
 * Pipelines as code, as a script or CI job uses the CLI: parameters and environments, `sluice test` with fixtures,
 * `sluice diff`, and the exit codes and messages scripts rely on.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chain, ROOT, tempDir } from './helpers';

const BIN = join(ROOT, 'bin', 'sluice.js');
const sluice = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) =>
  spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
    cwd,
  });
const EXAMPLE = join(ROOT, 'examples/gifts');

/** A copy of the example (pipeline, environments, fixture) to change. */
function example(): string {
  const dir = tempDir('pac');
  cpSync(EXAMPLE, dir, { recursive: true });
  return join(dir, 'gifts.json');
}

const until = async (what: string, ok: () => boolean, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('parameters and environments', () => {
  it('validate resolves the parameters in the environment chosen, and says where each value came from', () => {
    const file = example();
    const r = sluice(['validate', file, '--env', 'staging', '--set', 'minCoins=3', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.env).toBe('staging');
    expect(out.parameters).toEqual([
      { name: 'topic', value: 'staging.room-events', from: 'environment "staging"' },
      { name: 'windowMs', value: 5000, from: 'environment "staging"' },
      { name: 'minCoins', value: 3, from: '--set' },
      { name: 'board', value: 'staging', from: 'environment "staging"' },
    ]);
    const text = sluice(['validate', file, '--env', 'production']);
    expect(text.stdout).toBe(`${file}: valid in environment "production"\n`);
  });

  it('a value that does not fit is named with its parameter, its environment and the field it lands in', () => {
    const file = example();
    const r = sluice(['validate', file, '--env', 'production', '--set', 'windowMs=-5']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `${file}:35:19 /nodes/3/config/sizeMs node "coins": "sizeMs": Too small: expected number to be >=1 — \${windowMs} = -5 (--set)`,
    );
    expect(r.stderr).toContain(`${file}: 1 problem(s) in environment "production"`);
    // A number parameter given text, in the environment's own file, at its line there.
    const env = join(file, '..', 'gifts.staging.json');
    writeFileSync(env, '{\n  "parameters": {\n    "windowMs": "five seconds",\n    "boardd": "x"\n  }\n}\n');
    const s = sluice(['validate', file, '--env', 'staging']);
    expect(s.status).toBe(1);
    expect(s.stderr).toContain(
      `${env}:4:15 /parameters/boardd: environment "staging" gives "boardd", which the pipeline does not declare; did you mean "board"?`,
    );
    expect(s.stderr).toContain(
      `${env}:3:17 /parameters/windowMs: parameter "windowMs" (number) environment "staging": expected a number, found "five seconds"`,
    );
  });

  it('an unknown parameter is named at the field that refers to it; an environment that is not there is a usage error', () => {
    const file = example();
    writeFileSync(file, readFileSync(file, 'utf8').replace('"${windowMs}"', '"${windowMS}"'));
    const r = sluice(['validate', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /gifts\.json:35:19 \/nodes\/3\/config\/sizeMs node "coins": unknown parameter "windowMS"; did you mean "windowMs"\?/,
    );
    const e = sluice(['validate', file, '--env', 'qa']);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(
      /^sluice: no environment "qa" for .*gifts\.json: looked for .*gifts\.qa\.json and .*environments\/qa\.json; its environments: production, staging\n$/,
    );
  });

  it('a folder of environments (--env-dir); a secret parameter comes from the secret store, never from a file', () => {
    const dir = tempDir('pac-secret');
    const out = join(dir, 'out');
    const file = join(dir, 'p.json');
    const doc = {
      ...chain('secret', [
        { id: 'room', type: 'live-room', config: { rate: 1000, limit: '${limit}' } },
        { id: 'sink', type: 'file', config: { path: `${out}-\${token}.jsonl` } },
      ]),
      parameters: { limit: { type: 'number', default: 10 }, token: { type: 'string', secret: true } },
    };
    writeFileSync(file, JSON.stringify(doc, null, 2));
    mkdirSync(join(dir, 'envs'));
    writeFileSync(join(dir, 'envs', 'ci.json'), JSON.stringify({ parameters: { limit: 20, token: 'abc' } }, null, 2));
    const r = sluice(['validate', file, '--env', 'ci', '--env-dir', join(dir, 'envs')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `parameter "token" is secret: its value is never given in an environment file; keep it in the secret store ("param:token") or SLUICE_SECRET_PARAM_TOKEN`,
    );
    expect(r.stderr).toMatch(
      /sink": secret parameter "token" has no value in environment "ci": keep it in the secret store/,
    );
    writeFileSync(join(dir, 'envs', 'ci.json'), JSON.stringify({ parameters: { limit: 20 } }));
    const ok = sluice(['run', file, '--env', 'ci', '--env-dir', join(dir, 'envs')], {
      SLUICE_SECRET_PARAM_TOKEN: 's3',
    });
    expect(ok.status).toBe(0);
    expect(readFileSync(`${out}-s3.jsonl`, 'utf8').trim().split('\n')).toHaveLength(20);
    const shown = JSON.parse(sluice(['validate', file, '--json'], { SLUICE_SECRET_PARAM_TOKEN: 's3' }).stdout) as {
      parameters: unknown[];
    };
    expect(shown.parameters).toContainEqual({ name: 'token', secret: true, from: 'secret store' });
    expect(JSON.stringify(shown)).not.toContain('s3');
  });
});

describe('sluice test', () => {
  it('the example passes its fixture in every environment (the fixture sets what it depends on); JUnit XML for CI', () => {
    const file = example();
    const junit = join(file, '..', 'junit.xml');
    for (const env of [[], ['--env', 'staging']]) {
      const r = sluice(['test', file, ...env, '--junit', junit]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/✓ gifts — .*\n1 fixture\(s\): 1 passed, 0 failed\n$/);
    }
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="sluice test" tests="1" failures="0" errors="0"/);
    expect(xml).toMatch(
      /<testcase classname="[^"]*gifts\.json" name="gifts" file="[^"]*gifts\.fixture\.json" time="[\d.]+"\/>/,
    );
  });

  it('a mismatch prints which sink, which record and which field, exits 1, and fails the JUnit case; --update writes the expectations', () => {
    const file = example();
    const fixture = join(file, '..', 'gifts.fixture.json');
    // Production windows are 10 s: the expectations (1 s windows) no longer hold.
    const fx = JSON.parse(readFileSync(fixture, 'utf8'));
    delete fx.parameters;
    writeFileSync(fixture, JSON.stringify(fx, null, 2));
    const junit = join(file, '..', 'junit.xml');
    const r = sluice(['test', file, '--env', 'production', '--junit', junit]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('✗ gifts');
    expect(r.stdout).toContain('sink "board": expected 3 record(s), received 2');
    expect(r.stdout).toContain('windowEnd: expected 1000, received 10000');
    expect(r.stdout).toMatch(
      /- \{"coins":10,"gifts":1,"key":"r2","ts":1999,"windowEnd":2000,"windowStart":1000\} {3}\(expected, not received\)/,
    );
    expect(r.stdout).toMatch(/1 fixture\(s\): 0 passed, 1 failed\n$/);
    expect(readFileSync(junit, 'utf8')).toMatch(
      /<failure message="sink &quot;board&quot; received other records than expected">/,
    );

    const u = sluice(['test', file, '--env', 'production', '--update']);
    expect(u.status).toBe(0);
    expect(u.stdout).toContain('expectations written for "board" (2 record(s))');
    const written = JSON.parse(readFileSync(fixture, 'utf8'));
    // With minCoins 5 in production: r1 has 5 + 7 (the 1-coin gift is left out), r2 only its 10.
    expect(written.expect.board).toEqual([
      { coins: 12, gifts: 2, key: 'r1', ts: 9999, windowEnd: 10000, windowStart: 0 },
      { coins: 10, gifts: 1, key: 'r2', ts: 9999, windowEnd: 10000, windowStart: 0 },
    ]);
    expect(sluice(['test', file, '--env', 'production']).status).toBe(0);
  });

  it('ordered sinks compare in order; late records leave by the late port; a fixture that names no such node is refused at its line', () => {
    const dir = tempDir('pac-order');
    const file = join(dir, 'w.json');
    const doc = {
      version: 1,
      name: 'late',
      nodes: [
        { id: 'src', type: 'kafka-source', position: { x: 0, y: 0 }, config: { topics: ['t'] } },
        {
          id: 'w',
          type: 'window',
          position: { x: 200, y: 0 },
          config: { kind: 'tumbling', sizeMs: 1000, aggregates: [{ op: 'count', as: 'n' }] },
        },
        { id: 'out', type: 'debug', position: { x: 400, y: 0 }, config: {} },
        { id: 'late', type: 'debug', position: { x: 400, y: 100 }, config: {} },
      ],
      edges: [
        { id: 'e1', from: { node: 'src', port: 'out' }, to: { node: 'w', port: 'in' } },
        { id: 'e2', from: { node: 'w', port: 'out' }, to: { node: 'out', port: 'in' } },
        { id: 'e3', from: { node: 'w', port: 'late' }, to: { node: 'late', port: 'in' } },
      ],
    };
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const inputs = { src: [{ ts: 100 }, { ts: 1200 }, { ts: 2500 }, { ts: 150 }] };
    const window = (start: number, n: number) => ({
      key: '',
      n,
      ts: start + 999,
      windowEnd: start + 1000,
      windowStart: start,
    });
    writeFileSync(
      join(dir, 'w.fixture.json'),
      JSON.stringify({
        inputs,
        expect: { out: [window(0, 1), window(1000, 1), window(2000, 1)], late: [{ ts: 150 }] },
        ordered: ['out'],
      }),
    );
    const ok = sluice(['test', file]);
    expect(ok.stdout + ok.stderr).toMatch(/✓ w \(/);
    expect(ok.status).toBe(0);
    writeFileSync(
      join(dir, 'w.swapped.fixture.json'),
      JSON.stringify({ inputs, expect: { out: [window(1000, 1), window(0, 1), window(2000, 1)] }, ordered: ['out'] }),
    );
    const swapped = sluice(['test', file, join(dir, 'w.swapped.fixture.json')]);
    expect(swapped.status).toBe(1);
    expect(swapped.stdout).toContain('sink "out": expected 3 record(s), received 3 (in order)');
    expect(swapped.stdout).toContain('first difference at record 0');
    const bad = join(dir, 'w.bad.fixture.json');
    writeFileSync(bad, '{\n  "inputs": {"source": []},\n  "expect": {"out": []}\n}\n');
    const b = sluice(['test', file, bad]);
    expect(b.status).toBe(1);
    expect(b.stdout).toContain(
      `${bad}:2:24 /inputs/source: "source" is not a record source of the pipeline (its sources: src)`,
    );
    const gone = join(dir, 'nope.fixture.json');
    const missing = sluice(['test', file, gone]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`sluice: cannot read ${gone}: there is no such file\n`);
    const none = sluice(['test', join(ROOT, 'resources/pipelines/live-room.json')]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^sluice: no fixtures for .*live-room\.json: name them, or put them beside it as/);
  });
});

describe('sluice diff', () => {
  it('lists nodes and wires added, removed and changed with the fields that changed; exit 0 same, 1 different, 2 unreadable', () => {
    const file = example();
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.nodes[3].config.aggregates[0].op = 'max';
    doc.nodes = doc.nodes.filter((n: { id: string }) => n.id !== 'board');
    doc.nodes.push({ id: 'peek', type: 'debug', position: { x: 900, y: 200 }, config: {} });
    doc.edges = doc.edges.filter((e: { id: string }) => e.id !== 'e4');
    doc.edges.push({ id: 'e5', from: { node: 'coins', port: 'out' }, to: { node: 'peek', port: 'in' } });
    doc.parameters.windowMs.default = 2000;
    const b = join(file, '..', 'b.json');
    writeFileSync(b, JSON.stringify(doc, null, 2));
    const r = sluice(['diff', file, b]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      [
        `--- ${file}`,
        `+++ ${b}`,
        'document:',
        '  parameters.windowMs.default: 1000 → 2000',
        'nodes:',
        '  + peek (debug)',
        '  - board (redis)',
        '  ~ coins (window)',
        '      aggregates[0].op: "sum" → "max"',
        'wires:',
        '  + e5: coins.out → peek.in',
        '  - e4: coins.out → board.in',
        '',
      ].join('\n'),
    );
    const j = JSON.parse(sluice(['diff', file, b, '--json']).stdout);
    expect(j.nodes.changed).toEqual([
      { id: 'coins', type: 'window', fields: [{ path: 'aggregates[0].op', before: 'sum', after: 'max' }] },
    ]);
    const same = sluice(['diff', file, file]);
    expect([same.status, same.stdout.split('\n')[2]]).toEqual([0, 'no differences']);
    const missing = sluice(['diff', file, join(file, '..', 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`sluice: cannot read ${join(file, '..', 'nope.json')}: there is no such file\n`);
  });
});

describe('a CLI scripts can trust', () => {
  it('validate: a missing file and a folder are said in words, exit 2; --json stays JSON', () => {
    const dir = tempDir('pac-missing');
    const r = sluice(['validate', 'nope.json'], {}, dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('sluice: cannot read nope.json: there is no such file\n');
    const f = sluice(['validate', dir]);
    expect(f.status).toBe(2);
    expect(f.stderr).toBe(`sluice: cannot read ${dir}: it is a folder, not a pipeline file\n`);
    const j = sluice(['validate', 'nope.json', '--json'], {}, dir);
    expect(j.status).toBe(2);
    expect(JSON.parse(j.stdout)).toEqual({
      file: 'nope.json',
      ok: false,
      error: 'cannot read nope.json: there is no such file',
    });
  });

  it('a 20 MB file: validate and run both give the located syntax error', () => {
    const file = join(tempDir('pac-big'), 'big.json');
    const doc = chain('big', [
      { id: 'room', type: 'live-room' },
      { id: 'out', type: 'debug' },
    ]);
    const text = JSON.stringify({ ...doc, description: 'x'.repeat(20 * 1024 * 1024) }, null, 2);
    // A comma missing before the last key.
    writeFileSync(file, text.replace(/,\n {2}"edges"/, '\n  "edges"'));
    for (const cmd of ['validate', 'run']) {
      const r = sluice([cmd, file]);
      expect(r.status, cmd).toBe(1);
      expect(r.stderr, cmd).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+:3 `));
      expect(r.stderr).not.toMatch(/Too big/);
    }
  });

  it('encoders --json says what auto, gpu and cpu pick for each codec', () => {
    const r = sluice(['encoders', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    const ok = j.codecs.h264.trials.filter((t: { ok: boolean }) => t.ok).map((t: { encoder: string }) => t.encoder);
    expect(j.chosen.h264.auto.encoder).toBe(ok[0]);
    expect(j.chosen.h264.cpu.encoder).toBe('libx264');
    expect(j.chosen.hevc.auto).toHaveProperty('encoder');
  });

  it('a run with a Redis sink stops the embedded redis-server and leaves no folder in the temp directory', () => {
    const tmp = tempDir('pac-redis-tmp');
    const file = join(tempDir('pac-redis'), 'p.json');
    writeFileSync(
      file,
      JSON.stringify(
        chain('redis', [
          { id: 'room', type: 'live-room', config: { rate: 500, limit: 100 } },
          { id: 'likes', type: 'redis', config: { mode: 'counter', key: 'room', by: '1' } },
        ]),
      ),
    );
    const r = sluice(['run', file], { TMPDIR: tmp });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/likes←100\b/);
    expect(readdirSync(tmp).filter((f) => f.startsWith('sluice-redis-'))).toEqual([]);
    const servers = spawnSync('pgrep', ['-af', `redis-server.*${tmp}`], { encoding: 'utf8' });
    expect(servers.stdout).toBe('');
  });

  it('npx sluice run: SIGTERM to npx (what a supervisor signals) stops the run cleanly; nothing is left running', async () => {
    const dir = tempDir('pac-npx');
    const out = join(dir, 'out.jsonl');
    const file = join(dir, 'p.json');
    writeFileSync(
      file,
      JSON.stringify(
        chain('npx', [
          { id: 'src', type: 'live-room', config: { rate: 2000 } },
          { id: 'sink', type: 'file', config: { path: out } },
        ]),
      ),
    );
    const npx = spawn('npx', ['sluice', 'run', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    npx.stdout.on('data', (d) => (stdout += String(d)));
    await until('the first summary', () => /^1s \|/m.test(stdout));
    const runner = spawnSync('pgrep', ['-f', `sluice run ${file}`], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .map(Number)
      .filter((pid) => pid !== npx.pid);
    expect(runner.length).toBeGreaterThan(0);
    npx.kill('SIGTERM');
    await until('the sluice process to end', () => runner.every((pid) => !alive(pid)));
    // It stopped as on SIGTERM: the file sink flushed whole lines, the last one complete.
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.length).toBeGreaterThan(1000);
    for (const l of lines.slice(0, -1)) JSON.parse(l);
    expect(existsSync(out)).toBe(true);
  });
});
