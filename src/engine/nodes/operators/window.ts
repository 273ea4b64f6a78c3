/**
 * `window`: tumbling or sliding windows on event time, with watermarks and allowed lateness (Flink's model).
 *
 * The watermark is the largest event time seen minus `watermarkDelayMs` (bounded out-of-orderness). A window
 * [start, end) fires when the watermark reaches `end`; it is kept `allowedLatenessMs` longer, and a record that
 * arrives in that time updates it and fires it again. A record whose every window has been purged is late: it is
 * counted and sent to the `late` port. When the input ends, every open window fires.
 */
import { z } from 'zod';
import { defineNode, type Hold, type Rec } from '../../spec';
import { recordIn } from './common';

export const WINDOW = 'window';

const aggregate = z
  .strictObject({
    op: z.enum(['count', 'sum', 'min', 'max', 'avg', 'top']).describe('The aggregate function.'),
    field: z.string().min(1).optional().describe('The numeric field it reads (not needed for count).'),
    as: z.string().min(1).describe('The output field.'),
    by: z.string().min(1).optional().describe('top: the field that names an entry (e.g. user).'),
    n: z.number().int().min(1).max(1000).default(10).describe('top: how many entries.'),
  })
  .superRefine((a, ctx) => {
    if (a.op !== 'count' && !a.field) ctx.addIssue({ code: 'custom', path: ['field'], message: `${a.op} needs a field` });
    if (a.op === 'top' && !a.by) ctx.addIssue({ code: 'custom', path: ['by'], message: 'top needs "by", the field that names an entry' });
  });

const config = z
  .strictObject({
    kind: z.enum(['tumbling', 'sliding']).default('tumbling').describe('Tumbling windows do not overlap; sliding ones do.'),
    sizeMs: z.number().int().min(1).default(1000).describe('Window length.').meta({ unit: 'ms' }),
    slideMs: z.number().int().min(1).optional().describe('Sliding windows: how often a window starts.').meta({ unit: 'ms' }),
    timeField: z.string().min(1).default('ts').describe('The field holding the event time (ms since the epoch).'),
    keyField: z.string().min(1).default('key').describe('The field holding the key (set by key-by); records without it share one window.'),
    watermarkDelayMs: z.number().int().min(0).default(0).describe('How far out of order events may arrive before the watermark passes them.').meta({ unit: 'ms' }),
    allowedLatenessMs: z.number().int().min(0).default(0).describe('How long a fired window is kept for late records, which update and re-fire it.').meta({ unit: 'ms' }),
    aggregates: z
      .array(aggregate)
      .min(1)
      .default([{ op: 'count', as: 'count', n: 10 }])
      .describe('What to compute per key and window.'),
  })
  .superRefine((c, ctx) => {
    if (c.kind === 'sliding' && c.slideMs === undefined)
      ctx.addIssue({ code: 'custom', path: ['slideMs'], message: 'sliding windows need slideMs' });
    if (c.slideMs !== undefined && c.slideMs > c.sizeMs)
      ctx.addIssue({ code: 'custom', path: ['slideMs'], message: `slideMs (${c.slideMs}) must not exceed sizeMs (${c.sizeMs})` });
  });

export type WindowConfig = z.output<typeof config>;
type Aggregate = WindowConfig['aggregates'][number];

/** Running state of one aggregate. */
interface AggState {
  count: number;
  sum: number;
  min: number;
  max: number;
  top?: Map<string, number>;
}

interface Pane {
  key: string;
  aggs: AggState[];
}

interface WindowSlot {
  start: number;
  end: number;
  fired: boolean;
  panes: Map<string, Pane>;
  /** The acknowledgements of the batches whose records went in since the slot last emitted its result. */
  holds: Hold[];
  /** The input batch the last hold was taken for (one hold per slot and batch). */
  heldFor: number;
}

const newAgg = (a: Aggregate): AggState => ({
  count: 0,
  sum: 0,
  min: Infinity,
  max: -Infinity,
  top: a.op === 'top' ? new Map() : undefined,
});

/** An aggregate's update step, specialised once per aggregate so that the record loop does no dispatch on `op`. */
type Adder = (state: AggState, r: Rec) => void;

function adderFor(a: Aggregate): Adder {
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

function result(state: AggState, a: Aggregate): unknown {
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

export default defineNode({
  type: WINDOW,
  category: 'operators',
  title: 'Window',
  description:
    'Tumbling or sliding windows on event time with watermarks and allowed lateness; count, sum, min, max, avg and top-N per key. Late records are counted and sent to the `late` port.',
  inputs: recordIn,
  outputs: [
    { name: 'out', type: 'record', description: 'One record per key and window: {key, windowStart, windowEnd, ts, ...aggregates}.' },
    { name: 'late', type: 'record', description: 'Records that arrived after their windows were purged.' },
  ],
  config,
  chainable: true,
  create(cfg, ctx) {
    const size = cfg.sizeMs;
    const slide = cfg.kind === 'sliding' ? cfg.slideMs! : size;
    const aggs = cfg.aggregates;
    const slots = new Map<number, WindowSlot>();
    /** Window starts in ascending order: the next to fire and to purge are at the front. */
    let order: number[] = [];
    let maxTs = -Infinity;
    let watermark = -Infinity;
    let nextDue = Infinity;
    /** The slot the previous record went to: records in event-time order mostly share it. */
    let lastSlot: WindowSlot | undefined;
    /** Input batches processed: slots take one hold per batch. */
    let batchNo = 0;

    const slotFor = (start: number): WindowSlot => {
      let slot = slots.get(start);
      if (!slot) {
        slot = { start, end: start + size, fired: false, panes: new Map(), holds: [], heldFor: -1 };
        slots.set(start, slot);
        if (order.length === 0 || start > order[order.length - 1]!) order.push(start);
        else {
          let lo = 0;
          let hi = order.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (order[mid]! < start) lo = mid + 1;
            else hi = mid;
          }
          order.splice(lo, 0, start);
        }
        if (slot.end < nextDue) nextDue = slot.end;
      }
      return slot;
    };

    /** Results of the slot (of only `panes` when given) into `out`; its holds go with them, to be released once
     * the results are acknowledged downstream. */
    const emitSlot = (slot: WindowSlot, out: Rec[], releases: Hold[], panes: Iterable<Pane> = slot.panes.values()): void => {
      for (const pane of panes) {
        const rec: Rec = { [cfg.keyField]: pane.key, windowStart: slot.start, windowEnd: slot.end, [cfg.timeField]: slot.end - 1 };
        for (let a = 0; a < aggs.length; a++) rec[aggs[a]!.as] = result(pane.aggs[a]!, aggs[a]!);
        out.push(rec);
      }
      for (const h of slot.holds) releases.push(h);
      slot.holds = [];
    };

    /** Fire windows the watermark has passed, and purge those past their lateness (always a prefix of `order`). */
    const advance = (out: Rec[], releases: Hold[]): void => {
      nextDue = Infinity;
      let purged = 0;
      for (let i = 0; i < order.length; i++) {
        const slot = slots.get(order[i]!)!;
        if (!slot.fired) {
          if (slot.end > watermark) {
            nextDue = Math.min(nextDue, slot.end);
            continue;
          }
          slot.fired = true;
          emitSlot(slot, out, releases);
        }
        const purgeAt = slot.end + cfg.allowedLatenessMs;
        if (purgeAt <= watermark && purged === i) {
          slots.delete(slot.start);
          if (slot === lastSlot) lastSlot = undefined;
          purged++;
        } else nextDue = Math.min(nextDue, purgeAt);
      }
      if (purged) order = order.slice(purged);
    };

    const adders = aggs.map(adderFor);
    const { timeField, keyField, allowedLatenessMs } = cfg;
    return {
      process(_port, batch) {
        const out: Rec[] = [];
        const late: Rec[] = [];
        const releases: Hold[] = [];
        batchNo++;
        for (let i = 0; i < batch.length; i++) {
          const r = batch[i]!;
          const ts = r[timeField];
          if (typeof ts !== 'number' || !Number.isFinite(ts)) {
            ctx.error(`record has no event time: field "${timeField}" is ${ts === undefined ? 'missing' : JSON.stringify(ts)}, expected a number (ms)`, r);
            continue;
          }
          const k = r[keyField];
          const key = typeof k === 'string' ? k : k === undefined ? '' : String(k);
          let placed = false;
          // The windows containing ts, newest first (no array per record).
          for (let start = Math.floor(ts / slide) * slide; start > ts - size; start -= slide) {
            if (start + size + allowedLatenessMs <= watermark) continue; // purged: too late for this window
            const slot = lastSlot !== undefined && lastSlot.start === start ? lastSlot : slotFor(start);
            lastSlot = slot;
            if (slot.heldFor !== batchNo) {
              slot.heldFor = batchNo;
              slot.holds.push(ctx.hold());
            }
            let pane = slot.panes.get(key);
            if (!pane) slot.panes.set(key, (pane = { key, aggs: aggs.map(newAgg) }));
            for (let a = 0; a < adders.length; a++) adders[a]!(pane.aggs[a]!, r);
            placed = true;
            if (slot.fired || slot.end <= watermark) {
              // A record for a window the watermark has already passed: fire (again) with the updated result.
              slot.fired = true;
              emitSlot(slot, out, releases, [pane]);
            }
          }
          if (!placed) {
            late.push(r);
            continue;
          }
          if (ts > maxTs) {
            maxTs = ts;
            watermark = maxTs - cfg.watermarkDelayMs;
            if (watermark >= nextDue) advance(out, releases);
          }
        }
        if (late.length === 0) return out.length ? ctx.emit('out', out, releases) : undefined;
        ctx.count('late', late.length);
        const a = out.length ? ctx.emit('out', out, releases) : undefined;
        const b = ctx.emit('late', late);
        return a && b ? Promise.all([a, b]).then(() => undefined) : (a ?? b);
      },
      finish() {
        watermark = Infinity;
        const out: Rec[] = [];
        const releases: Hold[] = [];
        advance(out, releases);
        return ctx.emit('out', out, releases);
      },
    };
  },
});
