import { describe, expect, it } from 'vitest';
import { ringFromTicks } from '../src/renderer/src/state/dashboard';
import { HISTORY_TICKS, RateHistory } from '../src/renderer/src/state/studio';
import type { MetricsTick, NodeMetrics } from '../src/shared/metrics';

describe('the rate chart history', () => {
  it('keeps the last minute of ticks per node and gives the chart evenly spaced points ending with the newest', () => {
    const h = new RateHistory('run');
    for (let i = 0; i < HISTORY_TICKS + 60; i++) h.push(i / 4, i < 10 ? { a: i } : { a: i, b: 2 * i });
    const all = h.points(['a', 'b']);
    expect(all).toHaveLength(HISTORY_TICKS);
    expect(all[0]).toEqual({ t: 15, a: 60, b: 120 });
    expect(all.at(-1)).toEqual({ t: (HISTORY_TICKS + 59) / 4, a: HISTORY_TICKS + 59, b: 2 * (HISTORY_TICKS + 59) });
    const chart = h.points(['a'], 60);
    expect(chart).toHaveLength(60);
    expect(chart.at(-1)).toEqual({ t: (HISTORY_TICKS + 59) / 4, a: HISTORY_TICKS + 59 });
    expect(chart[1]!.t - chart[0]!.t).toBe(1);
  });

  it('leaves out a node for the ticks before it appeared', () => {
    const h = new RateHistory('run');
    h.push(0, { a: 1 });
    h.push(0.25, { a: 2, b: 5 });
    expect(h.points(['a', 'b'])).toEqual([
      { t: 0, a: 1 },
      { t: 0.25, a: 2, b: 5 },
    ]);
  });
});

describe('the dashboard points', () => {
  const tick = (s: number, nodes: Record<string, number>, checkpoint?: number): MetricsTick => ({
    runId: 'run',
    seq: s,
    time: s * 1000,
    elapsedMs: s * 1000,
    nodes: Object.fromEntries(
      Object.entries(nodes).map(([id, n]) => [id, { recordsIn: n, recordsOut: n, p50Ms: 0, p99Ms: 0 } as NodeMetrics]),
    ),
    edges: {},
    ...(checkpoint !== undefined
      ? {
          flink: {
            jobId: 'j',
            state: 'RUNNING',
            restarts: 0,
            checkpoints: {
              completed: 1,
              failed: 0,
              inProgress: 0,
              last: { id: 1, at: 0, durationMs: checkpoint, sizeBytes: 2048 },
            },
          },
        }
      : {}),
  });
  it('a node that appears mid-run (a Flink job’s) gets its rate from its second point on, not a spike of all it did before', () => {
    const ring = ringFromTicks(
      [tick(1, { a: 100 }), tick(2, { a: 200 }), tick(3, { a: 300, f: 5000 }, 40), tick(4, { a: 400, f: 5200 }, 60)],
      new Set(),
    );
    const points = ring.points(
      [
        { key: 'rate:a', name: 'a' },
        { key: 'rate:f', name: 'f' },
        { key: 'checkpointMs:job', name: 'ms' },
        { key: 'checkpointKiB:job', name: 'KiB' },
      ],
      60,
    );
    expect(points).toEqual([
      { t: 1, a: 100 },
      { t: 2, a: 100 },
      { t: 3, a: 100, ms: 40, KiB: 2 },
      { t: 4, a: 100, f: 200, ms: 60, KiB: 2 },
    ]);
  });
});
