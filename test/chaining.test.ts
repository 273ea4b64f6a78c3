import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Flow, chainableEdges, exclusiveInputNodes } from '../src/engine/runtime/flow';
import { chain, resolve } from './helpers';
import type { PipelineDocument } from '../src/shared/document';

const pipeline = (out: string) =>
  chain('chained', [
    { id: 'src', type: 'live-room', config: { paced: false, limit: 30_000, seed: 5, jitterMs: 400, startTime: 1_700_000_000_000 } },
    { id: 'gifts', type: 'filter', config: { expression: "type != 'chat'" } },
    { id: 'value', type: 'map', config: { expression: '$merge([$, {"value": type = "gift" ? coins * 100 : count}])' } },
    { id: 'by-room', type: 'key-by', config: { key: 'room & "/" & type' } },
    { id: 'sum', type: 'window', config: { sizeMs: 1000, watermarkDelayMs: 200, aggregates: [{ op: 'sum', field: 'value', as: 'value' }, { op: 'count', as: 'n' }] } },
    { id: 'out', type: 'file', config: { path: out } },
  ]);

async function runOnce(chaining: boolean) {
  const out = join(mkdtempSync(join(tmpdir(), 'sluice-chain-')), 'out.jsonl');
  const flow = new Flow(resolve(pipeline(out)), { onMetrics: () => undefined, onError: () => undefined, onState: () => undefined }, { chaining });
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
      expect([chained.tick.nodes[id]!.recordsIn, chained.tick.nodes[id]!.recordsOut]).toEqual([plain.tick.nodes[id]!.recordsIn, plain.tick.nodes[id]!.recordsOut]);
    }
    // A chained edge has no queue, but still reports what passed it.
    expect(chained.tick.nodes.value!.recordsIn).toBe(chained.tick.nodes.gifts!.recordsOut);
    expect(chained.tick.edges.e2!.length).toBe(0);
  });

  it('changes records in place only where no other node holds them: a fan-out keeps the shared records intact', async () => {
    // src → gifts, then gifts fans out to key-by (→ keyed) and straight to a debug sink (raw).
    const n = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, position: { x: 0, y: 0 }, config });
    const edge = (id: string, from: string, to: string) => ({ id, from: { node: from, port: 'out' }, to: { node: to, port: 'in' } });
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
      edges: [edge('e1', 'src', 'gifts'), edge('e2', 'gifts', 'by-room'), edge('e3', 'by-room', 'keyed'), edge('e4', 'gifts', 'raw')],
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
});
