/**
 * How watermarks combine: a node's clock is the minimum over its input wires, idle ones aside, and never goes back
 * (Flink's rule for operators with several inputs) — as a unit, and through the engine with two sources feeding one
 * window.
 */
import { describe, expect, it } from 'vitest';
import { InputClocks } from '../src/engine/runtime/watermark';
import type { Rec } from '../src/engine/contract/spec';
import { startFlow, wired } from './helpers';

describe('a node’s event-time clock over several input wires', () => {
  it('is the minimum over the wires that are not idle, names what holds it, and never goes back', () => {
    const c = new InputClocks(2);
    expect(c.update(0, { time: 1000, idle: false, heldBy: 'a p0' })).toBeUndefined(); // input 1 has no clock yet: still none
    expect(c.mark.time).toBe(-Infinity);
    expect(c.update(1, { time: 400, idle: false, heldBy: 'b p3' })).toEqual({ time: 400, idle: false, heldBy: 'b p3' });
    expect(c.update(1, { time: 1500, idle: false, heldBy: 'b p3' })).toEqual({
      time: 1000,
      idle: false,
      heldBy: 'a p0',
    });
    // Input 0 goes idle: input 1 alone holds the clock; the idle partitions are carried on.
    expect(c.update(0, { time: 1000, idle: true, idleParts: ['a p0'] })).toEqual({
      time: 1500,
      idle: false,
      heldBy: 'b p3',
      idleParts: ['a p0'],
    });
    // Input 0 comes back behind: the clock does not go back.
    expect(c.update(0, { time: 1200, idle: false, heldBy: 'a p0' })).toEqual({
      time: 1500,
      idle: false,
      heldBy: 'a p0',
    });
    // Both idle: the node is idle where it was.
    c.update(0, { time: 1200, idle: true });
    expect(c.update(1, { time: 1500, idle: true })).toEqual({ time: 1500, idle: true });
  });

  it('through the engine: a window fed by a source 5 s behind another counts none of its records late', async () => {
    const start = 1_700_000_000_000;
    const room = (seed: number, startTime: number) => ({
      rooms: 1,
      users: 10,
      rate: 1000,
      paced: false,
      limit: 20_000,
      seed,
      jitterMs: 0,
      startTime,
      batchSize: 100,
    });
    const d = wired(
      'two sources',
      [
        { id: 'ahead', type: 'live-room', config: room(1, start + 5000) },
        { id: 'behind', type: 'live-room', config: room(2, start) },
        { id: 'win', type: 'window', config: { sizeMs: 1000, aggregates: [{ op: 'count', as: 'n' }] } },
        { id: 'out', type: 'debug', config: { keep: 1000 } },
        { id: 'late', type: 'debug', config: { keep: 100_000 } },
      ],
      ['ahead.out>win.in', 'behind.out>win.in', 'win.out>out.in', 'win.late>late.in'],
    );
    const run = await startFlow(d);
    await run.flow.done;
    expect(run.flow.peek('late')).toEqual([]);
    // Every second of event time has all its events: 1,000 from each source where both ran.
    const counts = new Map(
      (run.flow.peek('out') as Rec[]).map((r) => [(r.windowStart as number) - start, r.n as number]),
    );
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(40_000);
    expect(counts.get(0)).toBe(1000);
    expect(counts.get(6000)).toBe(2000);
    expect(counts.get(24_000)).toBe(1000);
  });
});
