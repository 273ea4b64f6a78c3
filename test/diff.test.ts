import { describe, expect, it } from 'vitest';
import { diffDocuments, diffText, fieldChanges } from '../src/shared/diff';
import { compareSink } from '../src/engine/testing/compare';
import { chain } from './helpers';

describe('document diff', () => {
  const base = chain('p', [
    { id: 'src', type: 'live-room', config: { rate: 10 } },
    { id: 'w', type: 'window', config: { kind: 'tumbling', sizeMs: 1000, aggregates: [{ op: 'count', as: 'n' }] } },
    { id: 'out', type: 'debug' },
  ]);

  it('the same document: no differences', () => {
    const d = diffDocuments(base, structuredClone(base));
    expect(d.same).toBe(true);
    expect(diffText(d)).toEqual(['no differences']);
  });

  it('a wire drawn again under another id is the same wire; moving a node is layout, not a change', () => {
    const b = structuredClone(base);
    b.edges[0]!.id = 'e-new';
    b.nodes[1]!.position = { x: 999, y: 5 };
    const d = diffDocuments(base, b);
    expect(d.edges).toEqual({
      added: [],
      removed: [],
      changed: [{ id: 'e-new', fields: [{ path: 'id', before: 'e1', after: 'e-new' }] }],
    });
    expect(d.nodes.changed).toEqual([]);
    expect(d.nodes.moved).toEqual(['w']);
    expect(diffText(d).at(-1)).toBe('layout: moved w');
  });

  it('a type changed, a nested field changed, a field removed, an array grown', () => {
    const b = structuredClone(base);
    b.nodes[2]!.type = 'file';
    b.nodes[2]!.config = { path: 'x.jsonl' };
    b.nodes[1]!.config.aggregates = [
      { op: 'count', as: 'n' },
      { op: 'sum', field: 'coins', as: 'coins' },
    ];
    delete b.nodes[0]!.config.rate;
    const d = diffDocuments(base, b);
    expect(d.nodes.changed).toEqual([
      { id: 'src', type: 'live-room', fields: [{ path: 'rate', before: 10 }] },
      {
        id: 'w',
        type: 'window',
        fields: [{ path: 'aggregates', before: [{ op: 'count', as: 'n' }], after: b.nodes[1]!.config.aggregates }],
      },
      { id: 'out', type: 'file', typeBefore: 'debug', fields: [{ path: 'path', after: 'x.jsonl' }] },
    ]);
    expect(diffText(d)).toContain('  ~ out (debug → file)');
    expect(diffText(d)).toContain('      rate: 10 → (absent)');
  });

  it('paths name array items and nested keys', () => {
    expect(fieldChanges({ a: [{ b: 1 }, 2] }, { a: [{ b: 3 }, 2] })).toEqual([{ path: 'a[0].b', before: 1, after: 3 }]);
  });
});

describe('fixture comparison', () => {
  it('as a multiset: duplicates count, order does not; a near miss is shown field by field', () => {
    const ok = compareSink('s', [{ a: 1 }, { a: 1 }, { b: 2 }], [{ b: 2 }, { a: 1 }, { a: 1 }], false);
    expect(ok.ok).toBe(true);
    const short = compareSink('s', [{ a: 1 }, { a: 1 }], [{ a: 1 }], false);
    expect([short.ok, short.missing]).toEqual([false, ['{"a":1}']]);
    const near = compareSink('s', [{ k: 'r1', n: 2, t: 1 }], [{ k: 'r1', n: 3, t: 1 }, { z: 9 }], false);
    expect(near.changed).toEqual([
      {
        expected: '{"k":"r1","n":2,"t":1}',
        received: '{"k":"r1","n":3,"t":1}',
        fields: [{ field: 'n', expected: '2', received: '3' }],
      },
    ]);
    expect(near.unexpected).toEqual(['{"z":9}']);
  });

  it('in order: the first place they part', () => {
    const r = compareSink('s', [{ a: 1 }, { a: 2 }], [{ a: 2 }, { a: 1 }], true);
    expect([r.ok, r.firstDifference, r.changed.length]).toEqual([false, 0, 2]);
    expect(compareSink('s', [{ a: 1, b: 2 }], [{ b: 2, a: 1 }], true).ok).toBe(true);
  });
});
