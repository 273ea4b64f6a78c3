/**
 * Event time as Flink keeps it: watermarks travel with the records, in order, from the sources to every node.
 *
 * A source that knows its records' event times sends its clock — the largest event time it has seen (a Kafka
 * source: per partition, and the minimum over the partitions it reads that are not idle) — after the batches it
 * covers. A node's clock is the minimum over its input wires (idle ones aside); it never goes back. A window
 * subtracts its delay (bounded out-of-orderness) to get its watermark, fires what that passes, and sends its
 * watermark on. A partition or input that has had no records for a while is idle: it does not hold the others back
 * until it has records again (Flink's `withIdleness`).
 */

/** A source's or node's event-time clock, as it travels down a wire. */
export interface Watermark {
  /** The largest event time seen on every input that holds the clock, ms since the epoch; -Infinity: none yet. */
  readonly time: number;
  /** Everything behind this wire is idle: a node fed by several wires takes the minimum over the others. */
  readonly idle: boolean;
  /** What holds the clock where it is, e.g. `read room-events/2`. */
  readonly heldBy?: string;
  /** Idle partitions upstream (not holding the clock back), e.g. `read room-events/1`. */
  readonly idleParts?: readonly string[];
}

export const NO_WATERMARK: Watermark = { time: -Infinity, idle: false };

/** Whether two marks say the same (a node forwards only a change). */
export function sameMark(a: Watermark, b: Watermark): boolean {
  if (a === b) return true;
  if (a.time !== b.time || a.idle !== b.idle || a.heldBy !== b.heldBy) return false;
  const x = a.idleParts ?? [];
  const y = b.idleParts ?? [];
  return x.length === y.length && x.every((p, i) => p === y[i]);
}

/**
 * The clocks of a node's input wires, combined: the minimum over the wires that are not idle; all idle, the node is
 * idle at the time it had. Monotonic: a wire that comes back behind the others does not move the node back.
 */
export class InputClocks {
  private readonly marks: Watermark[];
  private current: Watermark = NO_WATERMARK;

  constructor(inputs: number) {
    this.marks = Array.from({ length: Math.max(1, inputs) }, () => NO_WATERMARK);
  }

  /** The node's clock now. */
  get mark(): Watermark {
    return this.current;
  }

  /** A mark arrived on input `index`; returns the node's new clock, or undefined when it did not change. */
  update(index: number, mark: Watermark): Watermark | undefined {
    this.marks[index] = mark;
    let next: Watermark;
    if (this.marks.length === 1) next = mark.time >= this.current.time ? mark : { ...mark, time: this.current.time };
    else next = this.combine();
    if (sameMark(next, this.current)) return undefined;
    this.current = next;
    return next;
  }

  private combine(): Watermark {
    let min: Watermark | undefined;
    const idleParts: string[] = [];
    for (const m of this.marks) {
      if (m.idleParts) idleParts.push(...m.idleParts);
      if (m.idle) continue;
      if (!min || m.time < min.time) min = m;
    }
    const time = Math.max(this.current.time, min ? min.time : this.current.time);
    return {
      time,
      idle: !min,
      ...(min?.heldBy ? { heldBy: min.heldBy } : {}),
      ...(idleParts.length ? { idleParts } : {}),
    };
  }
}
