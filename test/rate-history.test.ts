import { describe, expect, it } from 'vitest';
import { HISTORY_TICKS, RateHistory } from '../src/renderer/src/state/studio';

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
