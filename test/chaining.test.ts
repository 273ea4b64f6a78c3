import { readFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Flow } from '../src/engine/runtime/flow';
import { chainableEdges, exclusiveInputNodes } from '../src/engine/plan/in-process';
import { chain, resolve, tempDir } from './helpers';
import { BAIL, compileExpression } from '../src/engine/expression/expression';
import type { PipelineDocument } from '../src/shared/document';

const pipeline = (out: string) =>
  chain('chained', [
    {
      id: 'src',
      type: 'live-room',
      config: { paced: false, limit: 30_000, seed: 5, jitterMs: 400, startTime: 1_700_000_000_000 },
    },
    { id: 'gifts', type: 'filter', config: { expression: "type != 'chat'" } },
    { id: 'value', type: 'map', config: { expression: '$merge([$, {"value": type = "gift" ? coins * 100 : count}])' } },
    { id: 'by-room', type: 'key-by', config: { key: 'room & "/" & type' } },
    {
      id: 'sum',
      type: 'window',
      config: {
        sizeMs: 1000,
        watermarkDelayMs: 200,
        aggregates: [
          { op: 'sum', field: 'value', as: 'value' },
          { op: 'count', as: 'n' },
        ],
      },
    },
    { id: 'out', type: 'file', config: { path: out } },
  ]);

async function runOnce(chaining: boolean) {
  const out = join(tempDir('chain'), 'out.jsonl');
  const flow = new Flow(
    resolve(pipeline(out)),
    { onMetrics: () => undefined, onError: () => undefined, onState: () => undefined },
    { chaining },
  );
  await flow.start();
  await flow.done;
  return { flow, tick: flow.tick(), lines: readFileSync(out, 'utf8') };
}

describe('operator chaining', () => {
  it('chains the source with the operators after it, window included', () => {
    expect(chainableEdges(resolve(pipeline('/tmp/x.jsonl')))).toEqual(['e1', 'e2', 'e3', 'e4']);
  });

  it('chained and unchained runs give identical output on seeded input, and the same per-node counts', async () => {
    const chained = await runOnce(true);
    const plain = await runOnce(false);
    expect(chained.flow.chainedEdges).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(plain.flow.chainedEdges).toEqual([]);
    expect(chained.lines.length).toBeGreaterThan(1000);
    expect(chained.lines).toBe(plain.lines);
    for (const id of ['src', 'gifts', 'value', 'by-room', 'sum', 'out']) {
      expect([chained.tick.nodes[id]!.recordsIn, chained.tick.nodes[id]!.recordsOut]).toEqual([
        plain.tick.nodes[id]!.recordsIn,
        plain.tick.nodes[id]!.recordsOut,
      ]);
    }
    // A chained edge has no queue, but still reports what passed it.
    expect(chained.tick.nodes.value!.recordsIn).toBe(chained.tick.nodes.gifts!.recordsOut);
    expect(chained.tick.edges.e2!.length).toBe(0);
  });

  it('changes records in place only where no other node holds them: a fan-out keeps the shared records intact', async () => {
    // src → gifts, then gifts fans out to key-by (→ keyed) and straight to a debug sink (raw).
    const n = (id: string, type: string, config: Record<string, unknown> = {}) => ({
      id,
      type,
      position: { x: 0, y: 0 },
      config,
    });
    const edge = (id: string, from: string, to: string) => ({
      id,
      from: { node: from, port: 'out' },
      to: { node: to, port: 'in' },
    });
    const doc: PipelineDocument = {
      version: 1,
      name: 'fan-out',
      nodes: [
        n('src', 'live-room', { paced: false, limit: 5000, seed: 3, startTime: 1_700_000_000_000 }),
        n('gifts', 'filter', { expression: "type = 'gift'" }),
        n('by-room', 'key-by', { key: 'room' }),
        n('keyed', 'debug', { keep: 1000 }),
        n('raw', 'debug', { keep: 1000 }),
      ],
      edges: [
        edge('e1', 'src', 'gifts'),
        edge('e2', 'gifts', 'by-room'),
        edge('e3', 'by-room', 'keyed'),
        edge('e4', 'gifts', 'raw'),
      ],
    };
    const resolved = resolve(doc);
    expect([...exclusiveInputNodes(resolved)]).toEqual(['gifts']);
    const flow = new Flow(resolved, { onMetrics: () => undefined, onError: () => undefined, onState: () => undefined });
    await flow.start();
    await flow.done;
    const raw = flow.peek('raw') as Record<string, unknown>[];
    const keyed = flow.peek('keyed') as Record<string, unknown>[];
    expect(raw.length).toBeGreaterThan(100);
    expect(keyed.length).toBe(raw.length);
    expect(raw.every((r) => !('key' in r))).toBe(true);
    expect(keyed.every((r) => r.key === r.room)).toBe(true);

    // In a single line of edges every operator owns its input, and key-by keys the records in place.
    const line = resolve(pipeline('/tmp/x.jsonl'));
    expect([...exclusiveInputNodes(line)]).toEqual(['gifts', 'value', 'by-room', 'sum', 'out']);
  });

  it('fused, chained-only and unchained runs agree record for record, with records the compiled code declines and records in error', async () => {
    // Every 50th record takes the filter to the interpreter ($number of a hex string), every 10th the map; every
    // 97th gives the map a string (an error), every 89th gives key-by no key (an error).
    const doc = (out: string) =>
      chain('fused', [
        {
          id: 'src',
          type: 'live-room',
          config: { paced: false, limit: 20_000, seed: 9, jitterMs: 300, startTime: 1_700_000_000_000, batchSize: 128 },
        },
        {
          id: 'keep',
          type: 'filter',
          config: { expression: "type != 'chat' and $number(id % 50 = 0 ? '0x1' : '1') = 1" },
        },
        {
          id: 'value',
          type: 'map',
          config: { expression: 'id % 97 = 0 ? "oops" : $merge([$, {"n": $number(id % 10 = 0 ? "0x10" : "1")}])' },
        },
        { id: 'by-room', type: 'key-by', config: { key: 'id % 89 = 0 ? nothing : room' } },
        {
          id: 'sum',
          type: 'window',
          config: {
            sizeMs: 1000,
            watermarkDelayMs: 300,
            aggregates: [
              { op: 'sum', field: 'n', as: 'n' },
              { op: 'count', as: 'count' },
            ],
          },
        },
        { id: 'out', type: 'file', config: { path: out } },
      ]);
    const run = async (options: { chaining?: boolean; fusion?: boolean }) => {
      const out = join(tempDir('fused'), 'out.jsonl');
      const errors: Record<string, number> = {};
      let valueBytes = 0;
      const flow = new Flow(
        resolve(doc(out)),
        {
          onMetrics: (t) => void (valueBytes += t.nodes.value!.bytesInPerSec),
          onError: (id) => void (errors[id] = (errors[id] ?? 0) + 1),
          onState: () => undefined,
        },
        options,
      );
      await flow.start();
      await flow.done;
      return { tick: flow.tick(), lines: readFileSync(out, 'utf8'), errors, valueBytes };
    };
    const fused = await run({});
    const chainedOnly = await run({ fusion: false });
    const plain = await run({ chaining: false });
    expect(fused.lines.split('\n').length).toBeGreaterThan(30);
    // The expressions compile, so the fused loop runs them, and decline some records to the interpreter.
    const config = (id: string) => doc('/tmp/x').nodes.find((n) => n.id === id)!.config;
    const [keep, value] = [
      compileExpression(config('keep').expression as string),
      compileExpression(config('value').expression as string),
    ];
    expect([keep.compiled, value.compiled]).toEqual([true, true]);
    expect([keep.fast({ id: 50, type: 'like' }), value.fast({ id: 10 })]).toEqual([BAIL, BAIL]);
    // The interpreter's $number("0x10") = 16 reached the sums: the declined records went on, in order.
    expect(fused.lines).toContain('"n":');
    for (const other of [chainedOnly, plain]) {
      expect(fused.lines).toBe(other.lines);
      expect(fused.errors).toEqual(other.errors);
      for (const id of ['src', 'keep', 'value', 'by-room', 'sum', 'out']) {
        const [a, b] = [fused.tick.nodes[id]!, other.tick.nodes[id]!];
        expect([id, a.recordsIn, a.recordsOut, a.errors, a.dropped]).toEqual([
          id,
          b.recordsIn,
          b.recordsOut,
          b.errors,
          b.dropped,
        ]);
      }
      for (const id of ['e1', 'e2', 'e3', 'e4', 'e5'])
        expect(fused.tick.edges[id]!.recordsPerSec > 0).toBe(other.tick.edges[id]!.recordsPerSec > 0);
    }
    expect(fused.errors.value).toBeGreaterThan(0);
    expect(fused.errors['by-room']).toBeGreaterThan(0);
    // Bytes are estimated for fused records, but they are there.
    expect(fused.valueBytes).toBeGreaterThan(0);
  });
});
