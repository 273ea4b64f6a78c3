/**
 * Run history: every run the studio starts keeps its metrics (NDJSON, a tick a second), the newest N are kept, and a
 * run reads back with how it ended — even one cut short.
 */
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunHistory } from '../src/engine/observe/history';
import { createStudioService } from '../src/engine/services/studio';
import { ROOT, wired, tempDir, until } from './helpers';
import { builtinRegistry } from '../src/engine/nodes/registry';

const doc = (name: string, limit = 0) =>
  wired(
    name,
    [
      { id: 'room', type: 'live-room', config: { rate: 1000, limit } },
      { id: 'likes', type: 'filter', config: { expression: "type = 'like'" } },
      { id: 'keep', type: 'debug' },
    ],
    ['room.out>likes.in', 'likes.out>keep.in'],
  );

describe('run history', () => {
  it('keeps each run’s metrics a second apart with how it ended; the newest N runs only; reads back', async () => {
    const dir = tempDir('history');
    const service = createStudioService({
      registry: builtinRegistry,
      resourcesDir: join(ROOT, 'resources'),
      workspaceDir: tempDir('ws'),
      history: new RunHistory(dir, 3),
    });
    const ids: string[] = [];
    // Stopped by the user.
    ids.push((await service.run(doc('first'))).runId!);
    // Kept a tick a second: until the history holds three of this run's ticks.
    await until(() => service.runMetrics(ids[0]!).then((m) => m.ticks.length >= 3), 15_000, 'three ticks kept');
    await service.stop();
    // Finished by itself.
    ids.push((await service.run(doc('second', 1500))).runId!);
    await until(async () => (await service.status()).phase === 'idle', 15_000, 'the run to finish');
    const runs = await service.runHistory();
    expect(runs.map((r) => [r.pipeline, r.phase, r.message])).toEqual([
      ['second', 'idle', 'finished'],
      ['first', 'idle', 'stopped'],
    ]);
    const first = await service.runMetrics(ids[0]!);
    expect(first.run.nodes).toEqual(['room', 'likes', 'keep']);
    // About a tick a second, plus the last one (the totals).
    expect(first.ticks.length).toBeGreaterThanOrEqual(3);
    expect(first.ticks.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < first.ticks.length - 1; i++)
      expect(first.ticks[i]!.elapsedMs - first.ticks[i - 1]!.elapsedMs).toBeGreaterThanOrEqual(850);
    expect(first.ticks.at(-1)!.nodes.room!.recordsOut).toBeGreaterThan(2000);
    expect(first.run.durationMs).toBe(first.ticks.at(-1)!.elapsedMs);
    const second = await service.runMetrics(ids[1]!);
    expect(second.ticks.at(-1)!.nodes.room!.recordsOut).toBe(1500);

    // Rotation: two more runs, and only the newest three are kept.
    for (const name of ['third', 'fourth']) {
      await service.run(doc(name, 10));
      await until(async () => (await service.status()).phase === 'idle', 15_000, 'the run to finish');
    }
    expect((await service.runHistory()).map((r) => r.pipeline)).toEqual(['fourth', 'third', 'second']);
    expect(readdirSync(dir)).toHaveLength(3);
    await expect(service.runMetrics(ids[0]!)).rejects.toThrow(`no run ${ids[0]} in the history (${dir})`);
  }, 30_000);

  it('a run cut short (the app killed mid-run, half a line written) still reads, and says so', () => {
    const dir = tempDir('history');
    const history = new RunHistory(dir);
    const id = '0b6b2f7e-1a4c-4c59-9e7e-3c1f2b7a9d10';
    const tick = { runId: id, seq: 0, time: 1, elapsedMs: 1000, nodes: { a: { recordsOut: 5 } }, edges: {} };
    writeFileSync(
      join(dir, `${id}.ndjson`),
      JSON.stringify({ kind: 'run', runId: id, pipeline: 'p', startedAt: 1, nodes: ['a'], edges: [] }) +
        '\n' +
        JSON.stringify({ kind: 'tick', tick }) +
        '\n',
    );
    appendFileSync(join(dir, `${id}.ndjson`), '{"kind":"tick","tick":{"runI');
    const r = history.read(id);
    expect(r.run).toMatchObject({ phase: 'cut short', durationMs: 1000, points: 1 });
    expect(r.ticks).toHaveLength(1);
    expect(history.list().map((x) => x.runId)).toEqual([id]);
    expect(() => history.read('../../etc/passwd')).toThrow('"../../etc/passwd" is not a run id');
  });
});
