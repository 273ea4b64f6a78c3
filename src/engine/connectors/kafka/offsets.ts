/**
 * Which offsets a source may commit: per partition, the batches emitted and not yet acknowledged downstream. A
 * partition's committable offset is the first offset of its oldest unacknowledged batch, or one past the last
 * acknowledged when none is pending — so a commit never skips a record that is still in flight, whatever order the
 * acknowledgements come in (a window acknowledges when its result is written, not in arrival order).
 */
export class OffsetTracker {
  /** Pending batches per partition: first offset → last offset. */
  private readonly pending = new Map<string, Map<number, number>>();
  /** One past the highest offset emitted, per partition. */
  private readonly next = new Map<string, number>();
  /** What was last committed, per partition, so that commits are sent only when something moved. */
  private readonly committed = new Map<string, number>();

  private static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  /** Offsets `first`..`last` of a partition were emitted as one batch. */
  emitted(topic: string, partition: number, first: number, last: number): void {
    const k = OffsetTracker.key(topic, partition);
    let p = this.pending.get(k);
    if (!p) this.pending.set(k, (p = new Map()));
    p.set(first, last);
    this.next.set(k, Math.max(this.next.get(k) ?? 0, last + 1));
  }

  /** One past the highest offset emitted from a partition since this member got it (undefined: none yet). */
  nextOffset(topic: string, partition: number): number | undefined {
    return this.next.get(OffsetTracker.key(topic, partition));
  }

  acknowledged(topic: string, partition: number, first: number): void {
    this.pending.get(OffsetTracker.key(topic, partition))?.delete(first);
  }

  /** The offsets to commit now (Kafka's convention: the next offset to read), for partitions that moved. */
  takeCommits(): { topic: string; partition: number; offset: string }[] {
    const out: { topic: string; partition: number; offset: string }[] = [];
    for (const [k, next] of this.next) {
      const p = this.pending.get(k);
      let offset = next;
      if (p) for (const first of p.keys()) offset = Math.min(offset, first);
      if (this.committed.get(k) === offset) continue;
      this.committed.set(k, offset);
      const [topic, partition] = k.split('\u0000') as [string, string];
      out.push({ topic, partition: Number(partition), offset: String(offset) });
    }
    return out;
  }

  /** A commit of these did not go through: take them again at the next `takeCommits`. */
  uncommit(offsets: { topic: string; partition: number }[]): void {
    for (const o of offsets) this.committed.delete(OffsetTracker.key(o.topic, o.partition));
  }

  /** After a rebalance: forget every partition not in `assignment` (topic → partitions). */
  keepOnly(assignment: Record<string, number[]>): void {
    for (const k of [...this.next.keys()]) {
      const [topic, partition] = k.split('\u0000') as [string, string];
      if (!assignment[topic]?.includes(Number(partition))) this.forget(topic, Number(partition));
    }
  }

  /** A partition was taken away (rebalance): forget it; its new owner starts from the last commit. */
  forget(topic: string, partition: number): void {
    const k = OffsetTracker.key(topic, partition);
    this.pending.delete(k);
    this.next.delete(k);
    this.committed.delete(k);
  }

  /** Records emitted and not yet acknowledged. */
  get inFlight(): number {
    let n = 0;
    for (const p of this.pending.values()) for (const [first, last] of p) n += last - first + 1;
    return n;
  }
}
