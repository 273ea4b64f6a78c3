/**
 * One set of event-time windows with its watermark: the records of one Kafka partition, or all records. Windows
 * [start, end) fire when the watermark reaches `end`, are kept `allowedLatenessMs` longer (a record in that time
 * updates and re-fires its window), and are purged after; a record whose every window is purged is late.
 */
import type { Hold, NodeContext, Rec } from '../../../contract/node';
import { adderFor, newAgg, result, type Adder, type AggState } from './aggregates';
import type { Aggregate, WindowConfig } from './config';

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

/** What every set of one window node shares: its config, compiled once, and the count of input batches. */
export class WindowShape {
  readonly size: number;
  readonly slide: number;
  readonly aggs: readonly Aggregate[];
  readonly adders: readonly Adder[];
  /** Input batches processed: slots take one hold per batch. */
  batchNo = 0;

  constructor(
    readonly cfg: WindowConfig,
    readonly ctx: NodeContext,
  ) {
    this.size = cfg.sizeMs;
    this.slide = cfg.kind === 'sliding' ? cfg.slideMs! : cfg.sizeMs;
    this.aggs = cfg.aggregates;
    this.adders = cfg.aggregates.map(adderFor);
  }
}

export class EventTimeWindows {
  private readonly slots = new Map<number, WindowSlot>();
  /** Window starts in ascending order: the next to fire and to purge are at the front. */
  private order: number[] = [];
  private maxTs = -Infinity;
  private watermark = -Infinity;
  private nextDue = Infinity;
  /** The slot the previous record went to: records in event-time order mostly share it. */
  private lastSlot: WindowSlot | undefined;

  /**
   * Each slot keeps the holds of its records until its result is acknowledged (so the source commits no offset of a
   * record still in an open window). `clocked`: the watermark moves with the input's event-time clock
   * (`advanceTo`), not with the records.
   */
  constructor(
    private readonly shape: WindowShape,
    private readonly clocked: boolean,
  ) {}

  private slotFor(start: number): WindowSlot {
    let slot = this.slots.get(start);
    if (!slot) {
      slot = { start, end: start + this.shape.size, fired: false, panes: new Map(), holds: [], heldFor: -1 };
      this.slots.set(start, slot);
      const order = this.order;
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
      if (slot.end < this.nextDue) this.nextDue = slot.end;
    }
    return slot;
  }

  /** Results of the slot (of only `panes` when given) into `out`; its holds go with them, to be released once the
   * results are acknowledged downstream. */
  private emitSlot(slot: WindowSlot, out: Rec[], releases: Hold[], panes: Iterable<Pane> = slot.panes.values()): void {
    const { aggs } = this.shape;
    const { keyField, timeField } = this.shape.cfg;
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
  }

  /** Fire windows the watermark has passed, and purge those past their lateness (always a prefix of `order`). */
  advance(out: Rec[], releases: Hold[]): void {
    const { allowedLatenessMs } = this.shape.cfg;
    const watermark = this.watermark;
    let nextDue = Infinity;
    let purged = 0;
    for (let i = 0; i < this.order.length; i++) {
      const slot = this.slots.get(this.order[i]!)!;
      if (!slot.fired) {
        if (slot.end > watermark) {
          nextDue = Math.min(nextDue, slot.end);
          continue;
        }
        slot.fired = true;
        this.emitSlot(slot, out, releases);
      }
      const purgeAt = slot.end + allowedLatenessMs;
      if (purgeAt <= watermark && purged === i) {
        this.slots.delete(slot.start);
        if (slot === this.lastSlot) this.lastSlot = undefined;
        purged++;
      } else nextDue = Math.min(nextDue, purgeAt);
    }
    this.nextDue = nextDue;
    if (purged) this.order = this.order.slice(purged);
  }

  /** Records `batch[from]` .. `batch[to - 1]` into their windows. */
  add(batch: Rec[], from: number, to: number, out: Rec[], late: Rec[], releases: Hold[]): void {
    const { size, slide, adders, aggs, ctx, cfg } = this.shape;
    const { timeField, keyField, allowedLatenessMs } = cfg;
    for (let i = from; i < to; i++) {
      const r = batch[i]!;
      const ts = r[timeField];
      if (typeof ts !== 'number' || !Number.isFinite(ts)) {
        void ctx.error(
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
        if (start + size + allowedLatenessMs <= this.watermark) continue; // purged: too late for this window
        const last = this.lastSlot;
        const slot = last !== undefined && last.start === start ? last : this.slotFor(start);
        this.lastSlot = slot;
        if (slot.heldFor !== this.shape.batchNo) {
          slot.heldFor = this.shape.batchNo;
          slot.holds.push(ctx.hold());
        }
        let pane = slot.panes.get(key);
        if (!pane) slot.panes.set(key, (pane = { key, aggs: aggs.map(newAgg) }));
        for (let a = 0; a < adders.length; a++) adders[a]!(pane.aggs[a]!, r);
        placed = true;
        if (slot.fired || slot.end <= this.watermark) {
          // A record for a window the watermark has already passed: fire (again) with the updated result.
          slot.fired = true;
          this.emitSlot(slot, out, releases, [pane]);
        }
      }
      if (!placed) {
        late.push(r);
        continue;
      }
      if (ts > this.maxTs) {
        this.maxTs = ts;
        if (this.clocked) continue;
        this.watermark = ts - cfg.watermarkDelayMs;
        if (this.watermark >= this.nextDue) this.advance(out, releases);
      }
    }
  }

  /** The input's clock moved: the watermark follows it, `watermarkDelayMs` behind; true when windows are due. */
  advanceTo(clock: number): boolean {
    const w = clock - this.shape.cfg.watermarkDelayMs;
    if (w > this.watermark) this.watermark = w;
    return this.watermark >= this.nextDue;
  }

  /** The watermark and the newest event time seen (for the metrics). */
  times(): { watermark: number; newest: number } {
    return { watermark: this.watermark, newest: this.maxTs };
  }

  /** The input has ended: every open window fires. */
  fireAll(out: Rec[], releases: Hold[]): void {
    this.watermark = Infinity;
    this.advance(out, releases);
  }
}
