/**
 * `window`: tumbling or sliding windows on event time, with watermarks and allowed lateness (Flink's model).
 *
 * The watermark is the event-time clock of the window's input minus `watermarkDelayMs` (bounded out-of-orderness).
 * The clock comes from the sources, in order with the records (runtime/watermark.ts): a Kafka source keeps the
 * largest event time seen per partition and sends the minimum over its partitions that are not idle; a node fed by
 * several wires takes the minimum over them. So a partition read behind the others holds the watermark back instead
 * of having its records counted late, exactly as Flink's per-partition watermarks do. (Where a source upstream sends
 * no clock, the window keeps its own: the largest event time it has seen.) A window [start, end) fires when the
 * watermark reaches `end`; it is kept `allowedLatenessMs` longer, and a record that arrives in that time updates it
 * and fires it again. A record whose every window has been purged is late: it is counted and sent to the `late`
 * port. When the input ends, every open window fires. The window sends its watermark on to the nodes after it.
 *
 * `scope: all` (the default) gives one result per key and window, whatever partitions the key's records came from.
 * `scope: partition` keeps windows and a watermark per Kafka partition the records came from (`_kafka`): one result
 * per key, window and partition — for keys that live on one partition (the topic keyed by the window's key), and
 * what consumer-group workers need. In a worker run (`sluice run --worker`) that state is checkpointed per
 * partition to the workers' store; the records' acknowledgements are released once a checkpoint holding them is
 * saved (and every result emitted before it has been acknowledged), so the source commits past records still in
 * open windows; a worker that receives the partition restores the state and skips the records before its offset. A
 * stopping worker saves its windows instead of firing them: the next owner goes on with them.
 */
import { z } from 'zod';
import { defineNode, type Hold, type Rec, type Watermark } from '../../contract/spec';
import type { EventTimeMetrics } from '../../../shared/metrics';
import { recordIn } from './common';
import { KAFKA_FIELD, type KafkaOrigin, type StateKey } from '../../workers/context';
import type { WorkerNodeContext } from '../../contract/node';

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
    if (a.op !== 'count' && !a.field)
      ctx.addIssue({ code: 'custom', path: ['field'], message: `${a.op} needs a field` });
    if (a.op === 'top' && !a.by)
      ctx.addIssue({ code: 'custom', path: ['by'], message: 'top needs "by", the field that names an entry' });
  });

const config = z
  .strictObject({
    kind: z
      .enum(['tumbling', 'sliding'])
      .default('tumbling')
      .describe('Tumbling windows do not overlap; sliding ones do.'),
    sizeMs: z.number().int().min(1).default(1000).describe('Window length.').meta({ unit: 'ms' }),
    slideMs: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Sliding windows: how often a window starts.')
      .meta({ unit: 'ms' }),
    timeField: z.string().min(1).default('ts').describe('The field holding the event time (ms since the epoch).'),
    keyField: z
      .string()
      .min(1)
      .default('key')
      .describe('The field holding the key (set by key-by); records without it share one window.'),
    watermarkDelayMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('How far out of order events may arrive before the watermark passes them.')
      .meta({ unit: 'ms' }),
    allowedLatenessMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('How long a fired window is kept for late records, which update and re-fire it.')
      .meta({ unit: 'ms' }),
    scope: z
      .enum(['all', 'partition'])
      .default('all')
      .describe(
        'all: one result per key and window, whatever Kafka partitions the key’s records arrive on; the watermark is the minimum over the partitions (idle ones aside), as in Flink. partition: windows and watermark per Kafka partition the records came from — results are PER PARTITION (a key whose records are on several partitions gets one partial result from each); right only when the topic is keyed by the window’s key, and needed to run as consumer-group workers (sluice run --worker).',
      ),
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
      ctx.addIssue({
        code: 'custom',
        path: ['slideMs'],
        message: `slideMs (${c.slideMs}) must not exceed sizeMs (${c.sizeMs})`,
      });
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

/** A partition's windows as checkpointed (JSON: infinities as null). */
interface SavedWindows {
  maxTs: number | null;
  watermark: number | null;
  slots: { start: number; fired: boolean; panes: [string, SavedAgg[]][] }[];
}
type SavedAgg = [count: number, sum: number, min: number | null, max: number | null, top?: [string, number][]];

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);

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
    {
      name: 'out',
      type: 'record',
      description: 'One record per key and window: {key, windowStart, windowEnd, ts, ...aggregates}.',
    },
    { name: 'late', type: 'record', description: 'Records that arrived after their windows were purged.' },
  ],
  config,
  chainable: true,
  create(cfg, ctx: WorkerNodeContext) {
    const size = cfg.sizeMs;
    const slide = cfg.kind === 'sliding' ? cfg.slideMs! : size;
    const aggs = cfg.aggregates;
    const adders = aggs.map(adderFor);
    const { timeField, keyField, allowedLatenessMs } = cfg;
    /** Input batches processed: slots take one hold per batch. */
    let batchNo = 0;

    /**
     * One set of windows with its watermark: the records of one Kafka partition, or all records (scope: all, or
     * records not read from Kafka). `holdSlots`: each slot keeps the holds of its records until its result is
     * acknowledged; a worker's windows instead give them up at checkpoints. `clocked`: the watermark moves with
     * the input's event-time clock (`advanceTo`), not with the records.
     */
    const newWindows = (holdSlots: boolean, clocked: boolean) => {
      const slots = new Map<number, WindowSlot>();
      /** Window starts in ascending order: the next to fire and to purge are at the front. */
      let order: number[] = [];
      let maxTs = -Infinity;
      let watermark = -Infinity;
      let nextDue = Infinity;
      /** The slot the previous record went to: records in event-time order mostly share it. */
      let lastSlot: WindowSlot | undefined;

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
      const emitSlot = (
        slot: WindowSlot,
        out: Rec[],
        releases: Hold[],
        panes: Iterable<Pane> = slot.panes.values(),
      ): void => {
        for (const pane of panes) {
          const rec: Rec = {
            [keyField]: pane.key,
            windowStart: slot.start,
            windowEnd: slot.end,
            [timeField]: slot.end - 1,
          };
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
          const purgeAt = slot.end + allowedLatenessMs;
          if (purgeAt <= watermark && purged === i) {
            slots.delete(slot.start);
            if (slot === lastSlot) lastSlot = undefined;
            purged++;
          } else nextDue = Math.min(nextDue, purgeAt);
        }
        if (purged) order = order.slice(purged);
      };

      return {
        /** Records `batch[from]` .. `batch[to - 1]` into their windows. */
        add(batch: Rec[], from: number, to: number, out: Rec[], late: Rec[], releases: Hold[]): void {
          for (let i = from; i < to; i++) {
            const r = batch[i]!;
            const ts = r[timeField];
            if (typeof ts !== 'number' || !Number.isFinite(ts)) {
              ctx.error(
                `record has no event time: field "${timeField}" is ${ts === undefined ? 'missing' : JSON.stringify(ts)}, expected a number (ms)`,
                r,
              );
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
              if (holdSlots && slot.heldFor !== batchNo) {
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
              if (clocked) continue;
              watermark = maxTs - cfg.watermarkDelayMs;
              if (watermark >= nextDue) advance(out, releases);
            }
          }
        },
        /** The input's clock moved: the watermark follows it, `watermarkDelayMs` behind; true when windows are due. */
        advanceTo(clock: number): boolean {
          const w = clock - cfg.watermarkDelayMs;
          if (w > watermark) watermark = w;
          return watermark >= nextDue;
        },
        /** Fire and purge what the watermark has passed. */
        advance,
        /** The watermark and the newest event time seen (for the metrics). */
        times: () => ({ watermark, newest: maxTs }),
        /** The input has ended: every open window fires. */
        fireAll(out: Rec[], releases: Hold[]): void {
          watermark = Infinity;
          advance(out, releases);
        },
        save(): SavedWindows {
          return {
            maxTs: finite(maxTs),
            watermark: finite(watermark),
            slots: order.map((start) => {
              const slot = slots.get(start)!;
              return {
                start,
                fired: slot.fired,
                panes: [...slot.panes.values()].map((p) => [
                  p.key,
                  p.aggs.map(
                    (g): SavedAgg =>
                      g.top
                        ? [g.count, g.sum, finite(g.min), finite(g.max), [...g.top]]
                        : [g.count, g.sum, finite(g.min), finite(g.max)],
                  ),
                ]),
              };
            }),
          };
        },
        restore(saved: SavedWindows): void {
          maxTs = saved.maxTs ?? -Infinity;
          watermark = saved.watermark ?? -Infinity;
          nextDue = Infinity;
          for (const s of saved.slots) {
            const slot = slotFor(s.start);
            slot.fired = s.fired;
            for (const [key, saves] of s.panes) {
              const paneAggs = saves.map(
                ([count, sum, min, max, top]): AggState => ({
                  count,
                  sum,
                  min: min ?? Infinity,
                  max: max ?? -Infinity,
                  top: top ? new Map(top) : undefined,
                }),
              );
              slot.panes.set(key, { key, aggs: paneAggs });
            }
          }
          nextDue = Infinity;
          for (const start of order) {
            const slot = slots.get(start)!;
            nextDue = Math.min(nextDue, slot.fired ? slot.end + allowedLatenessMs : slot.end);
          }
        },
      };
    };
    type Windows = ReturnType<typeof newWindows>;

    /** Send a batch's results and late records. */
    const send = (out: Rec[], late: Rec[], releases: Hold[]): Promise<void> | void => {
      if (late.length === 0) return out.length ? ctx.emit('out', out, releases) : undefined;
      ctx.count('late', late.length);
      const a = out.length ? ctx.emit('out', out, releases) : undefined;
      const b = ctx.emit('late', late);
      return a && b ? Promise.all([a, b]).then(() => undefined) : (a ?? b);
    };

    const worker = cfg.scope === 'partition' ? ctx.worker : undefined;
    if (!worker) {
      /** scope: all — one set of windows; scope: partition — one per Kafka partition, plus one for the rest. */
      const clocked = ctx.eventTime && cfg.scope === 'all';
      const shared = newWindows(true, clocked);
      const byPartition = new Map<string, Windows>();
      const windowsOf = (origin: KafkaOrigin | undefined): Windows => {
        if (!origin) return shared;
        const k = partKey(origin);
        let w = byPartition.get(k);
        if (!w) byPartition.set(k, (w = newWindows(true, false)));
        return w;
      };
      /** The input's last clock (what holds it, which partitions are idle), for the metrics. */
      let clock: Watermark | undefined;
      return {
        watermarkDelayMs: cfg.watermarkDelayMs,
        onWatermark: clocked
          ? (mark) => {
              clock = mark;
              if (!shared.advanceTo(mark.time)) return;
              const out: Rec[] = [];
              const releases: Hold[] = [];
              shared.advance(out, releases);
              if (out.length) return ctx.emit('out', out, releases);
              for (const h of releases) h.release();
            }
          : undefined,
        metrics: () => ({ eventTime: windowTimes(cfg.scope === 'all' ? [['', shared]] : [...byPartition], clock) }),
        process(_port, batch) {
          const out: Rec[] = [];
          const late: Rec[] = [];
          const releases: Hold[] = [];
          batchNo++;
          if (cfg.scope === 'all') shared.add(batch, 0, batch.length, out, late, releases);
          else {
            forEachPartitionRun(batch, (origin, i, j) => windowsOf(origin).add(batch, i, j, out, late, releases));
          }
          return send(out, late, releases);
        },
        finish() {
          const out: Rec[] = [];
          const releases: Hold[] = [];
          shared.fireAll(out, releases);
          for (const w of byPartition.values()) w.fireAll(out, releases);
          return ctx.emit('out', out, releases);
        },
      };
    }

    // A worker: windows per partition this member holds, checkpointed to the workers' store.
    interface Part {
      key: StateKey;
      windows: Windows;
      /** The assignment that gave us the partition (a later one that gives it again means someone else had it). */
      generation: number;
      /** The claim's fencing token. */
      token: number;
      /** The next offset not in the state: replayed records before it are skipped. */
      upTo: number;
      dirty: boolean;
    }
    const parts = new Map<string, Part>();
    /** Holds of the records added since the last checkpoint began: released once it is saved. */
    let pendingHolds: Hold[] = [];
    /** Results emitted and not yet acknowledged downstream: a checkpoint waits for those emitted before it. */
    const unacked = new Set<Promise<void>>();
    const resultHold = (): Hold => {
      let done!: () => void;
      const p = new Promise<void>((r) => (done = r));
      unacked.add(p);
      return {
        release: () => {
          unacked.delete(p);
          done();
        },
      };
    };
    let failing = false;
    const trouble = (what: string, err: unknown) => {
      if (!failing)
        void ctx.error(`${what}: ${(err as Error).message} (retrying; records stay unacknowledged meanwhile)`);
      failing = true;
      ctx.status('reconnecting');
    };
    const recovered = () => {
      if (failing) ctx.status('running');
      failing = false;
    };
    const claim = async (origin: KafkaOrigin, owner: { group: string; generation: number }): Promise<void> => {
      const key: StateKey = { group: owner.group, node: ctx.nodeId, topic: origin.topic, partition: origin.partition };
      for (let wait = 200; ; wait = Math.min(wait * 2, 5000)) {
        try {
          const { token, saved } = await worker.store.claim(key);
          const windows = newWindows(false, false);
          if (saved) windows.restore(saved.state as SavedWindows);
          parts.set(partKey(origin), {
            key,
            windows,
            generation: owner.generation,
            token,
            upTo: saved?.upTo ?? 0,
            dirty: false,
          });
          recovered();
          return;
        } catch (err) {
          trouble(`could not restore the state of ${origin.topic}/${origin.partition}`, err);
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    };
    // A partition taken away: its state is the new owner's. (Batches of it still queued here are dropped as not
    // owned; were it given back before they arrive, they would be applied after its state was claimed again — from
    // the offset the saved state holds, but possibly ahead of the records the new fetch replays: kafkajs's eager
    // protocol has no hook to drain before rejoining.)
    const unsubscribe = worker.onRevoked((revoked) => {
      for (const r of revoked) parts.delete(partKey(r));
    });

    let saving: Promise<void> | undefined;
    const checkpoint = (): Promise<void> => {
      saving ??= (async () => {
        const holds = pendingHolds;
        pendingHolds = [];
        const results = [...unacked];
        const taken: Part[] = [];
        const entries = [];
        for (const p of parts.values()) {
          if (!p.dirty) continue;
          p.dirty = false;
          taken.push(p);
          entries.push({ key: p.key, token: p.token, snapshot: { upTo: p.upTo, state: p.windows.save() } });
        }
        if (!holds.length && !entries.length) return;
        // Every result that left before this state was taken must be downstream first: the state says it fired.
        await Promise.all(results);
        try {
          const fenced = await worker.store.save(entries);
          for (const f of fenced) {
            // Another worker claimed the partition since (we missed a rebalance): its state is theirs.
            parts.delete(partKey(f));
            ctx.count('fenced');
          }
          recovered();
        } catch (err) {
          pendingHolds = holds.concat(pendingHolds);
          for (const p of taken) p.dirty = true;
          trouble('could not save a checkpoint', err);
          return;
        }
        for (const h of holds) h.release();
      })().finally(() => (saving = undefined));
      return saving;
    };
    const timer = setInterval(() => void checkpoint(), worker.checkpointIntervalMs);

    /** Add one partition's run of records, those the state does not have yet. */
    const apply = (batch: Rec[], from: number, to: number, out: Rec[], late: Rec[], releases: Hold[]): boolean => {
      const origin = batch[from]![KAFKA_FIELD] as KafkaOrigin;
      const part = parts.get(partKey(origin));
      if (!part) return false;
      let i = from;
      while (i < to && (batch[i]![KAFKA_FIELD] as KafkaOrigin).offset < part.upTo) i++;
      if (i === to) return false;
      part.windows.add(batch, i, to, out, late, releases);
      part.upTo = (batch[to - 1]![KAFKA_FIELD] as KafkaOrigin).offset + 1;
      part.dirty = true;
      return true;
    };

    return {
      metrics: () => ({
        eventTime: windowTimes(
          [...parts].map(([k, p]) => [k, p.windows]),
          undefined,
        ),
      }),
      process(_port, batch) {
        batchNo++;
        const hold = ctx.hold();
        const runs: [number, number][] = [];
        const claims: Promise<void>[] = [];
        forEachPartitionRun(batch, (origin, i, j) => {
          if (!origin || typeof origin.offset !== 'number') {
            for (let k = i; k < j; k++)
              void ctx.error(
                `record has no ${KAFKA_FIELD} {topic, partition, offset}: a worker keeps window state per Kafka partition, so the records must come from a Kafka source (a map must keep ${KAFKA_FIELD})`,
                batch[k],
              );
            return;
          }
          const owner = worker.owner(origin.topic, origin.partition);
          if (!owner) return ctx.count('revoked', j - i); // another member's now: it reads them again from the last commit
          const part = parts.get(partKey(origin));
          if (!part || part.generation !== owner.generation) claims.push(claim(origin, owner));
          runs.push([i, j]);
        });
        const go = (): Promise<void> | void => {
          const out: Rec[] = [];
          const late: Rec[] = [];
          let applied = false;
          for (const [i, j] of runs) applied = apply(batch, i, j, out, late, []) || applied;
          // The records are in the state now: their acknowledgement waits for the checkpoint that saves it.
          if (applied) pendingHolds.push(hold);
          else hold.release();
          return send(out, late, out.length ? [resultHold()] : []);
        };
        return claims.length ? Promise.all(claims).then(go) : go();
      },
      async finish() {
        // Stopping: the open windows are saved, not fired — whoever holds the partitions next goes on with them.
        await saving;
        await checkpoint();
      },
      close() {
        clearInterval(timer);
        unsubscribe();
      },
    };
  },
});

/** Whether two records' origins are the same partition (or both not from Kafka). */
function samePartition(a: KafkaOrigin | undefined, b: KafkaOrigin | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.partition === b.partition && a.topic === b.topic;
}

const partKey = (o: { topic: string; partition: number }): string => `${o.topic}\u0000${o.partition}`;

/**
 * Call `fn` for each run of records from one partition, `batch[i]` .. `batch[j - 1]` (a Kafka source's batch is one
 * partition; records not read from Kafka make runs with no origin).
 */
function forEachPartitionRun(batch: Rec[], fn: (origin: KafkaOrigin | undefined, i: number, j: number) => void): void {
  for (let i = 0; i < batch.length; ) {
    const origin = batch[i]![KAFKA_FIELD] as KafkaOrigin | undefined;
    let j = i + 1;
    // (Records not read from Kafka, the common case outside Kafka pipelines, without a call per record.)
    if (origin === undefined) while (j < batch.length && batch[j]![KAFKA_FIELD] === undefined) j++;
    else while (j < batch.length && samePartition(origin, batch[j]![KAFKA_FIELD] as KafkaOrigin | undefined)) j++;
    fn(origin, i, j);
    i = j;
  }
}

/**
 * The window's watermark figures: of its one set of windows, or of the partitions' (the lowest watermark, the
 * newest event), with what holds the input's clock back and which partitions upstream are idle.
 */
function windowTimes(
  sets: [string, { times(): { watermark: number; newest: number } }][],
  clock: Watermark | undefined,
): EventTimeMetrics | undefined {
  let watermark = Infinity;
  let newest = -Infinity;
  let lowest: string | undefined;
  for (const [k, w] of sets) {
    const t = w.times();
    if (t.watermark < watermark) [watermark, lowest] = [t.watermark, k];
    if (t.newest > newest) newest = t.newest;
  }
  if (!sets.length) return undefined;
  const m: EventTimeMetrics = {};
  if (Number.isFinite(watermark)) m.watermark = watermark;
  if (Number.isFinite(newest)) m.newest = newest;
  if (m.watermark !== undefined && m.newest !== undefined) m.trailMs = Math.max(0, m.newest - m.watermark);
  const heldBy = clock?.heldBy ?? (lowest ? lowest.replace('\u0000', '/') : undefined);
  if (heldBy) m.heldBy = heldBy;
  if (clock?.idleParts?.length) m.idle = [...clock.idleParts];
  return m;
}
