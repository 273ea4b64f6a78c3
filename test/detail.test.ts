import { describe, expect, it, vi } from 'vitest';
import type { ReactFlowState } from '@xyflow/react';
import { DETAIL_ZOOM, inDetail, SMALL_DETAIL_ZOOM, SMALL_GRAPH } from '../src/renderer/src/state/detail';
import { KeyedStore } from '../src/renderer/src/state/keyed';
import { throttled } from '../src/renderer/src/state/store';

type View = Parameters<typeof inDetail>[0];

/** A canvas 1000 × 600 pixels with nodes 100 × 50 at the given flow positions. */
function view(
  transform: [number, number, number],
  nodes: Record<string, [number, number]>,
  edges: [string, string][] = [],
): View {
  const nodeLookup = new Map(
    Object.entries(nodes).map(([id, [x, y]]) => [
      id,
      { id, measured: { width: 100, height: 50 }, internals: { positionAbsolute: { x, y } } },
    ]),
  ) as unknown as ReactFlowState['nodeLookup'];
  return {
    transform,
    width: 1000,
    height: 600,
    nodeLookup,
    edges: edges.map(([source, target]) => ({ id: `${source}-${target}`, source, target })),
  };
}

describe('which nodes and wires are drawn in detail', () => {
  it('takes the nodes on screen at a readable zoom, and none when zoomed out', () => {
    const nodes = {
      on: [100, 100] as [number, number],
      edge: [950, 580] as [number, number],
      off: [2000, 100] as [number, number],
      above: [100, -60] as [number, number],
    };
    expect([...inDetail(view([0, 0, 1], nodes)).nodes.keys()].sort()).toEqual(['edge', 'on']);
    // Panned left by 1,500 pixels: the far node comes into view, the others leave it.
    expect([...inDetail(view([-1500, 0, 1], nodes)).nodes.keys()]).toEqual(['off']);
    // Zoomed out below the threshold: everything is on screen, nothing in detail (a small graph's threshold).
    expect(inDetail(view([0, 0, SMALL_DETAIL_ZOOM - 0.01], nodes)).nodes.size).toBe(0);
    expect([...inDetail(view([0, 0, SMALL_DETAIL_ZOOM], nodes)).nodes.keys()].sort()).toEqual(['edge', 'off', 'on']);
  });

  it('keeps a large graph in detail only down to a higher zoom', () => {
    const many = Object.fromEntries(
      Array.from({ length: SMALL_GRAPH + 1 }, (_, i) => [`n${i}`, [(i % 10) * 150, Math.floor(i / 10) * 80]]),
    ) as Record<string, [number, number]>;
    expect(inDetail(view([0, 0, DETAIL_ZOOM - 0.01], many)).nodes.size).toBe(0);
    expect(inDetail(view([0, 0, DETAIL_ZOOM], many)).nodes.size).toBe(SMALL_GRAPH + 1);
    // Between the two thresholds a small graph is in detail, a large one is not.
    const few = { a: [0, 0] as [number, number] };
    expect(inDetail(view([0, 0, SMALL_DETAIL_ZOOM + 0.05], few)).nodes.size).toBe(1);
    expect(inDetail(view([0, 0, SMALL_DETAIL_ZOOM + 0.05], many)).nodes.size).toBe(0);
  });

  it('takes a wire that crosses the screen even when both its ends are off it', () => {
    const nodes = {
      left: [-500, 100] as [number, number],
      right: [1500, 100] as [number, number],
      far: [3000, 100] as [number, number],
    };
    const r = inDetail(
      view([0, 0, 1], nodes, [
        ['left', 'right'],
        ['right', 'far'],
      ]),
    );
    expect(r.nodes.size).toBe(0);
    expect([...r.edges.keys()]).toEqual(['left-right']);
  });
});

describe('a store of one value per key', () => {
  it('wakes only the listeners of keys whose value changed', () => {
    const s = new KeyedStore(false);
    const woke: string[] = [];
    s.subscribe('a', () => woke.push('a'));
    s.subscribe('b', () => woke.push('b'));
    s.set('a', true);
    s.set('a', true);
    s.replace(new Map([['b', true]]));
    expect(woke).toEqual(['a', 'a', 'b']);
    expect([s.get('a'), s.get('b'), s.get('c')]).toEqual([false, true, false]);
  });

  it('stops calling a listener once it unsubscribes', () => {
    const s = new KeyedStore(0);
    let calls = 0;
    const off = s.subscribe('x', () => calls++);
    s.set('x', 1);
    off();
    s.set('x', 2);
    expect(calls).toBe(1);
    expect(s.get('x')).toBe(2);
  });
});

describe('a throttled function', () => {
  it('runs at most once per interval, folding the asks in between into one run', () => {
    vi.useFakeTimers();
    try {
      let runs = 0;
      const t = throttled(() => runs++, 100);
      t.run();
      for (let i = 0; i < 10; i++) t.schedule();
      expect(runs).toBe(1);
      vi.advanceTimersByTime(99);
      expect(runs).toBe(1);
      vi.advanceTimersByTime(1);
      expect(runs).toBe(2);
      t.schedule();
      t.cancel();
      vi.advanceTimersByTime(500);
      expect(runs).toBe(2);
      // Cancelled, it can be asked again.
      t.schedule();
      vi.advanceTimersByTime(100);
      expect(runs).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
