/**
 * At-least-once bookkeeping: one ticket per batch a source emits, counted per delivery, never per record.
 *
 * A ticket is held once for every delivery of its batch (a queue slot or a chained call) and for every delivery of
 * a batch derived from it while a node processes it; a node releases its delivery when it has finished with the
 * batch. Nodes that keep records past `process` take a hold of their own (`NodeContext.hold`): a window holds the
 * tickets of its records until its result has been acknowledged downstream, a sink until its write is done. When
 * the count reaches zero every record derived from the batch is accounted for, and the ticket's `done` runs: the
 * source counts the batch acknowledged (and, for Kafka, may commit its offsets).
 *
 * What does not release: a node in error (its input is discarded, so the source is never told it was handled)
 * and a batch discarded by a stop. What releases without delivery: a record a node drops or reports as an error,
 * and a batch a `drop` queue discards (that policy trades at-least-once for never waiting).
 */
import type { Trace } from './trace';

export interface Hold {
  release(): void;
}

export class Ticket implements Hold {
  private pending = 1;
  /** Set on the batches followed for the latency waterfall (one per source a second). */
  trace: Trace | undefined;

  /** Starts held once, by its creator, who releases it after sending the batch. */
  constructor(private readonly done: () => void) {}

  hold(): this {
    this.pending++;
    return this;
  }

  release(): void {
    if (--this.pending === 0) this.done();
  }
}

/** A hold on nothing: what `NodeContext.hold` gives outside any batch. */
export const NO_HOLD: Hold = { release: () => undefined };
