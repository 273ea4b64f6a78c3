import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

// Each runs a whole benchmark in a child process (Chromium for two of them): minutes on a loaded two-core machine.
describe('benchmark smoke test (runs it; asserts no timing)', () => {
  it('the engine bench --quick runs every case, agrees on the results and prints the ratio', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/engine.bench.ts'), '--quick'], {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^engine +[\d.]+ [kM] records\/s .* peak RSS \d+ MB/m);
    expect(r.stdout).toMatch(/^hand-written loop +[\d.]+ [kM] records\/s/m);
    expect(r.stdout).toMatch(/^results identical: yes$/m);
    expect(r.stdout).toMatch(/^Node-RED 4 +[\d.]+ [kM] records\/s/m);
    expect(r.stdout).toMatch(/^ratio engine \/ hand-written loop: [\d.]+× \(goal ≥ 0\.67×\)$/m);
    expect(r.stdout).toMatch(/^ratio engine \/ Node-RED: [\d.]+× \(goal ≥ 20×\)$/m);
    expect(r.stdout).toMatch(/^engine, no metrics +[\d.]+ [kM] records\/s/m);
    expect(r.stdout).toMatch(
      /^metrics cost \(1 pair\(s\) of 100,000-record runs, .*\): with \/ without, per pair [\d.]+$/m,
    );
    expect(r.stdout).toMatch(
      /^metrics cost: engine with metrics \/ without: median [\d.]+× \(goal ≥ 0\.95×: metrics add under 5 %; the runs above: [\d.]+×\)$/m,
    );
  }, 200_000);

  it('the editor bench --quick opens a generated pipeline in Chromium, runs it, pans and zooms, and reports long tasks', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/editor.bench.ts'), '--quick'], {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 180_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Sluice editor benchmark — 100 nodes, 120 edges, metrics at 4 Hz/m);
    expect(r.stdout).toMatch(/^open: all nodes and edges drawn \d+ ms after the click/m);
    expect(r.stdout).toMatch(/^ {2}panning: +[\d.]+ fps, longest task \d+ ms/m);
    expect(r.stdout).toMatch(/^ {2}zooming: +[\d.]+ fps, longest task \d+ ms/m);
    // Zoomed in, the wires on screen show live rates under load.
    expect(r.stdout).toMatch(/^close up \([1-9]\d* nodes in full detail, [1-9]\d* wires with live rates\):$/m);
    expect(r.stdout).toMatch(/^longest task while metrics arrive \(all of the above\): \d+ ms \(goal ≤ 50 ms\)$/m);
  }, 200_000);

  it('the media bench --quick encodes the same frames as Sluice runs them and by hand, and prints the ratio', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/media.bench.ts'), '--quick'], {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^by hand: +[\d.]+ fps/m);
    expect(r.stdout).toMatch(
      /^Sluice \(the pipeline, through the engine\): +[\d.]+ fps .*; progress reported 60 frames, the file has 60$/m,
    );
    expect(r.stdout).toMatch(/^ratio Sluice \/ by hand: [\d.]+× \(goal ≥ 0\.95×\)$/m);
  }, 200_000);

  it('the preview bench --quick reads the burned-in clock of every frame shown in Chromium and prints the latency', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/preview.bench.ts'), '--quick'], {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 180_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // About 30 frames a second for 3 s, every code readable.
    const frames = Number(/^frames read: (\d+) \(unreadable codes: 0\)$/m.exec(r.stdout)?.[1]);
    expect(frames).toBeGreaterThan(60);
    expect(r.stdout).toMatch(
      /^glass to glass \(burned-in clock read from the shown picture\): p50 \d+ ms, p95 \d+ ms, p99 \d+ ms, max \d+ ms \(goal p50 < 500 ms\)$/m,
    );
    expect(r.stdout).toMatch(
      /^the studio's figure \(start \+ media time\) p50 \d+ ms; differs from the burned-in reading by \d+ ms \(median\)$/m,
    );
  }, 200_000);

  it('the live video bench --quick makes a ladder as Sluice runs it and by hand, and reads an RTMP publisher’s clock in the preview', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ladder.bench.ts'), '--quick'], {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 180_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}ratio Sluice \/ by hand: [\d.]+× \(goal ≥ 0\.95×\)$/m);
    expect(Number(/^ {2}frames read: (\d+) \(unreadable: 0\)$/m.exec(r.stdout)?.[1])).toBeGreaterThan(60);
    expect(r.stdout).toMatch(
      /^ {2}publisher's clock to display: p50 \d+ ms, p95 \d+ ms, max \d+ ms \(goal p50 < 800 ms\)$/m,
    );
  }, 200_000);

  it('the sinks bench --quick runs the Redis and archive sinks against raw ioredis and fs.createWriteStream and prints the ratios', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/sinks.bench.ts'), '--quick'], {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 180_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^raw ioredis pipeline: +[\d.]+ [kM] commands\/s$/m);
    expect(r.stdout).toMatch(/^results identical: yes$/m);
    expect(r.stdout).toMatch(/^ratio Sluice \/ raw ioredis: [\d.]+× \(goal ≥ 0\.8×\)$/m);
    expect(r.stdout).toMatch(/^same bytes: yes$/m);
    expect(r.stdout).toMatch(/^ratio Sluice \/ fs\.createWriteStream: [\d.]+× \(goal ≥ 0\.8×\)$/m);
  }, 200_000);

  it('the servers bench --quick runs the Kafka sink and source against kafkajs and the archive against the webhdfs package, on a real broker and HDFS, and prints the ratios', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/servers.bench.ts'), '--quick'], {
      encoding: 'utf8',
      cwd: ROOT,
      timeout: 180_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Kafka — 20000 events as JSON .*Apache Kafka 4\.\d+\.\d+/m);
    expect(r.stdout).toMatch(/^ratio Sluice kafka-sink \/ kafkajs producer: [\d.]+× \(goal ≥ 0\.9×\)$/m);
    expect(r.stdout).toMatch(/^ratio Sluice kafka-source \/ kafkajs eachBatch: [\d.]+× \(goal ≥ 0\.9×\)$/m);
    expect(r.stdout).toMatch(/^same bytes: yes$/m);
    expect(r.stdout).toMatch(/^ratio Sluice \/ webhdfs: [\d.]+× \(goal ≥ 0\.8×\)$/m);
  }, 200_000);
});
