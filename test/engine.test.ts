import { readFileSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../src/shared/document';
import { chain, startFlow, tempDir, until } from './helpers';

const tmp = () => tempDir('engine');
const countLines = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).length;

describe('engine lifecycle and errors', () => {
  it('record errors are counted and reported with the node id; the node and the run keep going', async () => {
    const run = await startFlow(
      chain('record errors', [
        { id: 'src', type: 'live-room', config: { paced: false, limit: 5000, seed: 11 } },
        { id: 'cast', type: 'map', config: { expression: `{"v": type = 'gift' ? $number(room) : 1}` } },
        { id: 'sink', type: 'debug' },
      ]),
    );
    await run.flow.done;
    const t = run.flow.tick();
    const gifts = run.errors.length;
    expect(gifts).toBeGreaterThan(100);
    expect(t.nodes.cast!.errors).toBe(gifts);
    expect(t.nodes.sink!.recordsIn).toBe(5000 - gifts);
    expect(t.nodes.cast!.state).toBe('stopped');
    expect(run.errors[0]).toEqual({
      nodeId: 'cast',
      message: expect.stringMatching(
        /^expression ".*" failed: Unable to cast value to a number: "room-\d" at position \d+/,
      ),
    });
  });

  it('a node that fails goes to the error state with its id; the rest of the pipeline runs to the end', async () => {
    const dir = tmp();
    // A path under a plain file cannot be created: the sink fails to open.
    writeFileSync(join(dir, 'not-a-folder'), '');
    const doc: PipelineDocument = {
      version: 1,
      name: 'one broken sink',
      nodes: [
        { id: 'src', type: 'live-room', position: { x: 0, y: 0 }, config: { paced: false, limit: 20_000 } },
        {
          id: 'broken',
          type: 'file',
          position: { x: 1, y: 0 },
          config: { path: join(dir, 'not-a-folder', 'out.jsonl') },
        },
        { id: 'good', type: 'file', position: { x: 1, y: 1 }, config: { path: join(dir, 'good.jsonl') } },
      ],
      edges: [
        { id: 'a', from: { node: 'src', port: 'out' }, to: { node: 'broken', port: 'in' } },
        { id: 'b', from: { node: 'src', port: 'out' }, to: { node: 'good', port: 'in' } },
      ],
    };
    const run = await startFlow(doc);
    await run.flow.done;
    const t = run.flow.tick();
    expect(t.nodes.broken!.state).toBe('error');
    expect(t.nodes.broken!.lastError).toMatch(/ENOTDIR|EEXIST/);
    expect(run.errors.map((e) => e.nodeId)).toEqual(['broken']);
    expect(t.nodes.broken!.dropped).toBe(20_000);
    expect(t.nodes.good!.state).toBe('stopped');
    expect(countLines(join(dir, 'good.jsonl'))).toBe(20_000);
  });

  it('stop drains every queue and flushes the file sink: every record the source made is written', async () => {
    const dir = tmp();
    const run = await startFlow(
      chain('drain', [
        { id: 'src', type: 'live-room', config: { rate: 20_000 } },
        { id: 'likes', type: 'filter', config: { expression: "type = 'like'" } },
        { id: 'out', type: 'file', config: { path: join(dir, 'likes.jsonl') } },
      ]),
    );
    // Records in flight everywhere: the source well ahead of the file.
    await until(() => (run.ticks.at(-1)?.nodes.src?.recordsOut ?? 0) > 10_000, 10_000, 'records made');
    await run.flow.stop();
    const t = run.flow.tick();
    expect(t.nodes.src!.recordsOut).toBeGreaterThan(5000);
    expect(countLines(join(dir, 'likes.jsonl'))).toBe(t.nodes.likes!.recordsOut);
    expect(t.nodes.out!.recordsIn).toBe(t.nodes.likes!.recordsOut);
    expect(Object.values(t.nodes).every((n) => n.state === 'stopped')).toBe(true);
  });

  it('metrics come as one tick per interval covering every node and edge, with rates and processing times', async () => {
    const run = await startFlow(
      chain('ticks', [
        { id: 'src', type: 'live-room', config: { rate: 4000 } },
        { id: 'key', type: 'key-by', config: { key: 'room' } },
        { id: 'sink', type: 'debug' },
      ]),
      100,
    );
    // A second of ticks at 100 ms.
    await until(() => run.ticks.length >= 10, 10_000, 'ten ticks');
    await run.flow.stop();
    expect(run.ticks.length).toBeGreaterThanOrEqual(9);
    expect(run.ticks.length).toBeLessThanOrEqual(14);
    const mid = run.ticks[6]!;
    expect(Object.keys(mid.nodes)).toEqual(['src', 'key', 'sink']);
    expect(Object.keys(mid.edges)).toEqual(['e1', 'e2']);
    expect(mid.nodes.src!.recordsOutPerSec).toBeGreaterThan(2000);
    expect(mid.nodes.key!.bytesInPerSec).toBeGreaterThan(100_000);
    expect(mid.nodes.key!.p99Ms).toBeGreaterThan(0);
    expect(mid.edges.e1!.capacity).toBe(1000);
    expect(run.ticks.map((t) => t.seq)).toEqual(run.ticks.map((_, i) => i));
  });
});
