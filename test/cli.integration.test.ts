import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chain, ROOT, tempDir } from './helpers';

const BIN = join(ROOT, 'bin', 'sluice.js');
const sluice = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
const tmp = () => tempDir('cli');

describe('sluice CLI', () => {
  it('run --worker and --ingest (the retired home-made scale-out) say what replaced them and exit 2, running nothing', () => {
    for (const flag of ['--worker', '--ingest']) {
      const r = sluice('run', join(ROOT, 'resources/pipelines/live-room.json'), flag);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--worker and --ingest are retired: .*sluice deploy <file> --flink <profile>/);
      expect(r.stdout).toBe('');
    }
  });

  it('validate: exit 0 for a valid file', () => {
    const r = sluice('validate', join(ROOT, 'resources/pipelines/live-room.json'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/live-room\.json: valid/);
  });

  it('validate: every problem with file, line and column, exit 1; --json gives the same as data', () => {
    const file = join(ROOT, 'test/fixtures/bad/many-problems.json');
    const r = sluice('validate', file);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(13);
    expect(lines[0]).toBe(`${file}:5:94 /nodes/0/config/rate node "room": "rate": expected number, received string`);
    expect(lines[2]).toBe(`${file}:6:30 /nodes/1/type node "gifts": unknown node type "filtr"; did you mean "filter"?`);
    expect(lines[12]).toBe(`${file}: 12 problem(s)`);
    const j = sluice('validate', '--json', file);
    expect(j.status).toBe(1);
    expect(JSON.parse(j.stdout).issues).toHaveLength(12);
  });

  it('validate: a warning (results per partition keyed by something else) is printed with its place; the file is valid, exit 0', () => {
    const demo = JSON.parse(readFileSync(join(ROOT, 'resources/pipelines/live-room.json'), 'utf8')) as {
      nodes: { id: string; config: Record<string, unknown> }[];
    };
    demo.nodes.find((n) => n.id === 'coins-per-second')!.config.scope = 'partition';
    demo.nodes.find((n) => n.id === 'gifts-by-room')!.config.key = 'user';
    const file = join(tmp(), 'partial.json');
    writeFileSync(file, JSON.stringify(demo, null, 2));
    const r = sluice('validate', file);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${file}: valid (1 warning(s))\n`);
    expect(r.stderr).toMatch(
      new RegExp(
        `^${file.replace(/[.]/g, '\\.')}:\\d+:\\d+ warning: /nodes/10/config/scope node "coins-per-second": scope "partition": results are per Kafka partition, and key-by "gifts-by-room" keys by \`user\``,
      ),
    );
  });

  it('validate: a missing file is a clear error', () => {
    const r = sluice('validate', '/nonexistent/p.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('sluice: cannot read /nonexistent/p.json: there is no such file\n');
  });

  it('run --duration: a summary each second, metrics as NDJSON, exit 0', () => {
    const dir = tmp();
    const metrics = join(dir, 'm.ndjson');
    // (From a folder of its own: the demo archives its events under ./archive.)
    const r = spawnSync(
      process.execPath,
      [BIN, 'run', join(ROOT, 'resources/pipelines/live-room.json'), '--duration', '2.2', '--metrics', metrics],
      { encoding: 'utf8', timeout: 60_000, cwd: dir },
    );
    expect(r.status).toBe(0);
    const summaries = r.stdout.split('\n').filter((l) => /^\d+s \| camera \d+ frames .* \| room→/.test(l));
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    expect(summaries[1]).toMatch(/room→(3\.[5-9]\d*k|4\.[0-4]\d*k|[34]\d{3})\/s/);
    expect(r.stdout).toMatch(/ran 2\.2s: stopping \(draining queues, flushing sinks\)/);
    expect(r.stdout).toMatch(/run ended: stopped/);
    const ticks = readFileSync(metrics, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(ticks.length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(ticks[0].nodes)).toContain('coins-per-second');
  });

  it('run: SIGTERM stops cleanly, drains and flushes the file sink, exit 0', async () => {
    const dir = tmp();
    const out = join(dir, 'out.jsonl');
    const file = join(dir, 'p.json');
    writeFileSync(
      file,
      JSON.stringify(
        chain('to file', [
          { id: 'src', type: 'live-room', config: { rate: 10000 } },
          { id: 'sink', type: 'file', config: { path: out } },
        ]),
      ),
    );
    const metrics = join(dir, 'm.ndjson');
    const child = spawn(process.execPath, [BIN, 'run', file, '--metrics', metrics], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    await new Promise<void>((resolve) => {
      const check = () => (/^1s \|/m.test(stdout) ? resolve() : setTimeout(check, 50));
      check();
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(/received SIGTERM: stopping/);
    const last = JSON.parse(readFileSync(metrics, 'utf8').trim().split('\n').at(-1)!);
    const written = readFileSync(out, 'utf8').trim().split('\n').length;
    expect(written).toBeGreaterThan(5000);
    expect(written).toBe(last.nodes.src.recordsOut);
  });

  it('run: the local Kafka profile is a real broker; where it is the mock cluster instead, stderr says so and why', () => {
    const file = join(tmp(), 'to-kafka.json');
    writeFileSync(
      file,
      JSON.stringify(
        chain('to-kafka', [
          { id: 'room', type: 'live-room', config: { rate: 1000, limit: 200 } },
          { id: 'out', type: 'kafka-sink', config: { topic: 'cli-room' } },
        ]),
      ),
    );
    const real = sluice('run', file, '--duration', '20');
    expect(real.status).toBe(0);
    expect(real.stderr).not.toMatch(/mock/);
    expect(real.stdout).toMatch(/out\b.*200/);
    const mock = spawnSync(process.execPath, [BIN, 'run', file, '--duration', '20'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SLUICE_LOCAL_KAFKA: 'mock' },
    });
    expect(mock.status).toBe(0);
    expect(mock.stderr).toContain(
      "sluice: the local Kafka profile runs on librdkafka's mock cluster, in memory (SLUICE_LOCAL_KAFKA=mock chose it)",
    );
  });

  it('run: an invalid file is not run, exit 1', () => {
    const r = sluice('run', join(ROOT, 'test/fixtures/bad/cycle.json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /cycle\.json:11:5 \/edges\/1 node "a": the edges form a cycle through nodes "a", "b", closed by edge "ba" \(b → a\)/,
    );
    expect(r.stderr).toMatch(/1 problem\(s\); not running/);
  });

  it('devices: lists what this machine can capture, saying where it looked when it found none', () => {
    const r = spawnSync(process.execPath, [BIN, 'devices'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DISPLAY: ':42' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^cameras:\n {2}(\/dev\/video\d+ {2}.+|none \(no V4L2 device in \/sys\/class\/video4linux\))$/m,
    );
    expect(r.stdout).toMatch(/^screens:\n {2}:42 {2}X display :42$/m);
    expect(r.stdout).toMatch(
      /^microphones:\n {2}(alsa hw:\d+,\d+ {2}.+|none \(no ALSA capture device in \/proc\/asound\/pcm\))$/m,
    );
    const j = JSON.parse(
      spawnSync(process.execPath, [BIN, 'devices', '--json'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, DISPLAY: ':42' },
      }).stdout,
    );
    expect(j.screens).toEqual([{ display: ':42', name: 'X display :42' }]);
  });

  it('nodes: lists every node type with ports and fields; --json as data', () => {
    const r = sluice('nodes');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^window {2}\(operators\) Window$/m);
    expect(r.stdout).toMatch(/^ {4}out late: record$/m);
    expect(r.stdout).toMatch(/^ {4}sizeMs: integer \[ms\] = 1000 — Window length\.$/m);
    const j = JSON.parse(sluice('nodes', '--json').stdout);
    expect(j.map((t: { type: string }) => t.type)).toEqual([
      'live-room',
      'test-pattern',
      'media-file-source',
      'stream-ingest',
      'camera',
      'screen',
      'microphone',
      'encoder',
      'packager',
      'kafka-source',
      'kafka-sink',
      'filter',
      'map',
      'key-by',
      'window',
      'serialize',
      'debug',
      'file',
      'media-file',
      'hls',
      'stream-publish',
      'redis',
      'archive',
    ]);
  });
});

describe('sluice encoders', () => {
  it('lists every candidate encoder in order with why it fails, and what each device setting picks', () => {
    const env = { ...process.env, SLUICE_CACHE: tmp() };
    const r = spawnSync(process.execPath, [BIN, 'encoders'], { encoding: 'utf8', timeout: 60_000, env });
    expect(r.status).toBe(0);
    const h264 = r.stdout.split('hevc:')[0]!;
    expect(h264.match(/^ {2}[✓✗] (\S+)/gm)!.map((l) => l.slice(4))).toEqual([
      'h264_nvenc',
      'h264_qsv',
      'h264_vaapi',
      'h264_videotoolbox',
      'h264_amf',
      'libx264',
    ]);
    expect(h264).toMatch(/^ {2}✓ libx264 +software$/m);
    expect(h264).toMatch(/^ {2}device cpu → libx264 \(software\)$/m);
    // Run again: the same answer, from the cache, as JSON.
    const j = spawnSync(process.execPath, [BIN, 'encoders', '--json'], { encoding: 'utf8', timeout: 60_000, env });
    expect(JSON.parse(j.stdout)).toMatchObject({
      cached: true,
      codecs: { hevc: { trials: expect.arrayContaining([expect.objectContaining({ encoder: 'libx265', ok: true })]) } },
    });
  });

  it('without ffmpeg: one clear message, exit 2', () => {
    const r = spawnSync(process.execPath, [BIN, 'encoders'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SLUICE_FFMPEG: '/nonexistent/ffmpeg' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'sluice: ffmpeg was not found: install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg) or set SLUICE_FFMPEG to its path\n',
    );
  });
});
