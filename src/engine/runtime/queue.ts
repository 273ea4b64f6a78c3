/**
 * A bounded queue of record batches: one per edge. Capacity counts records (and bytes); when full, a `block`
 * queue makes its producer wait (back pressure) and a `drop` queue discards the new batch and counts it.
 */
import type { OverflowPolicy } from '../../shared/document';
import type { Rec } from '../contract/spec';
import type { Ticket } from './ticket';
import type { Watermark } from './watermark';

/** The batch slot of a watermark in the queue: no records. */
const NO_RECORDS: Rec[] = [];

export class BatchQueue {
  /** Taken slots are cleared, so a consumed batch is not kept alive until the array is compacted. */
  private batches: (Rec[] | undefined)[] = [];
  private sizes: number[] = [];
  private tickets: (Ticket | undefined)[] = [];
  /** Watermarks travel in order with the batches (see watermark.ts); a slot holds a batch or a mark. */
  private marks: (Watermark | undefined)[] = [];
  private head = 0;
  /** Records held. */
  length = 0;
  /** Approximate bytes held. */
  bytes = 0;
  closed = false;
  /** Records accepted since the start. */
  accepted = 0;
  /** Records discarded by a `drop` policy since the start. */
  dropped = 0;
  /** The consumer has a use for watermarks (a window, or a node with outputs); a plain sink has none. */
  wantsMarks = true;
  /** Called when data arrives or the queue closes (the consumer's wake-up). */
  onReady: () => void = () => undefined;

  private spaceWaiters: (() => void)[] = [];
  private fullSince: number | undefined;
  private fullMs = 0;

  constructor(
    readonly maxRecords: number,
    readonly maxBytes: number,
    readonly overflow: OverflowPolicy,
  ) {}

  get full(): boolean {
    return this.length >= this.maxRecords || this.bytes >= this.maxBytes;
  }

  /**
   * Offer a batch. Returns nothing when it was taken (or dropped by policy), or a promise that settles once it
   * has been taken. A batch is taken whenever the queue is not full, so it may pass the limit by one batch.
   */
  push(batch: Rec[], size: number, ticket?: Ticket): Promise<void> | void {
    if (this.closed) return;
    if (this.full) {
      if (this.overflow === 'drop') {
        this.dropped += batch.length;
        ticket?.release(); // discarded by the policy the user chose: nothing will ever handle it
        return;
      }
      return new Promise<void>((resolve) => this.spaceWaiters.push(resolve)).then(() => this.push(batch, size, ticket));
    }
    this.batches.push(batch);
    this.sizes.push(size);
    this.tickets.push(ticket);
    this.marks.push(undefined);
    this.length += batch.length;
    this.bytes += size;
    this.accepted += batch.length;
    if (this.full && this.fullSince === undefined) this.fullSince = performance.now();
    this.onReady();
  }

  /**
   * Queue a watermark behind what is queued. Never waits: it holds no records, and its producer has waited for the
   * batches before it. A mark still queued behind no batch is replaced by the newer one (marks only move forward).
   */
  pushMark(mark: Watermark): void {
    if (this.closed || !this.wantsMarks) return;
    const last = this.batches.length - 1;
    if (last >= this.head && this.marks[last] !== undefined) this.marks[last] = mark;
    else {
      this.batches.push(NO_RECORDS);
      this.sizes.push(0);
      this.tickets.push(undefined);
      this.marks.push(mark);
    }
    this.onReady();
  }

  /** Take the oldest batch (or watermark), or undefined when empty. */
  shift(): { batch: Rec[]; size: number; ticket: Ticket | undefined; mark?: Watermark } | undefined {
    if (this.head >= this.batches.length) return undefined;
    const batch = this.batches[this.head]!;
    const size = this.sizes[this.head]!;
    const ticket = this.tickets[this.head];
    const mark = this.marks[this.head];
    this.batches[this.head] = undefined;
    this.tickets[this.head] = undefined;
    this.marks[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.tickets = this.tickets.slice(this.head);
      this.marks = this.marks.slice(this.head);
      this.head = 0;
    }
    if (mark) return { batch, size, ticket, mark };
    this.length -= batch.length;
    this.bytes -= size;
    if (!this.full) {
      if (this.fullSince !== undefined) {
        this.fullMs += performance.now() - this.fullSince;
        this.fullSince = undefined;
      }
      if (this.spaceWaiters.length) {
        const waiters = this.spaceWaiters;
        this.spaceWaiters = [];
        for (const w of waiters) w();
      }
    }
    return { batch, size, ticket };
  }

  get empty(): boolean {
    return this.head >= this.batches.length;
  }

  /** No more batches will come; waiting producers are released and their batches discarded. */
  close(): void {
    this.closed = true;
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
    this.onReady();
  }

  /** Discard everything held (used when the consumer has failed); returns the number of records discarded. */
  clear(): number {
    let n = 0;
    for (let b = this.shift(); b; b = this.shift()) n += b.batch.length;
    return n;
  }

  /** Milliseconds spent full since the last call (the back-pressure measure), then reset. */
  takeFullMs(now: number): number {
    let ms = this.fullMs;
    if (this.fullSince !== undefined) {
      ms += now - this.fullSince;
      this.fullSince = now;
    }
    this.fullMs = 0;
    return ms;
  }
}
