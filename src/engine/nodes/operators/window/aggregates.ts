/**
 * Aggregates per key and window: running state, the update step per record, and the result.
 */
import type { Rec } from '../../../contract/node';
import type { Aggregate } from './config';

/** Running state of one aggregate. */
export interface AggState {
  count: number;
  sum: number;
  min: number;
  max: number;
  top?: Map<string, number>;
}

export const newAgg = (a: Aggregate): AggState => ({
  count: 0,
  sum: 0,
  min: Infinity,
  max: -Infinity,
  top: a.op === 'top' ? new Map() : undefined,
});

/** An aggregate's update step, specialised once per aggregate so that the record loop does no dispatch on `op`. */
export type Adder = (state: AggState, r: Rec) => void;

export function adderFor(a: Aggregate): Adder {
  const field = a.field;
  if (a.op === 'count') return field ? (s, r) => void (r[field] !== undefined && s.count++) : (s) => void s.count++;
  const by = a.by;
  return (state, r) => {
    const v = r[field!];
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    state.count++;
    state.sum += v;
    if (v < state.min) state.min = v;
    if (v > state.max) state.max = v;
    if (state.top) {
      const who = String(r[by!]);
      state.top.set(who, (state.top.get(who) ?? 0) + v);
    }
  };
}

export function result(state: AggState, a: Aggregate): unknown {
  switch (a.op) {
    case 'count':
      return state.count;
    case 'sum':
      return state.sum;
    case 'min':
      return state.count ? state.min : null;
    case 'max':
      return state.count ? state.max : null;
    case 'avg':
      return state.count ? state.sum / state.count : null;
    case 'top':
      return [...state.top!.entries()]
        .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
        .slice(0, a.n)
        .map(([who, total]) => ({ [a.by!]: who, [a.field!]: total }));
  }
}
