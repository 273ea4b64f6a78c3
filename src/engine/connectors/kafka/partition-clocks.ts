/**
 * A Kafka source's event-time clock, per partition, as Flink's Kafka source keeps it: each partition's clock is the
 * largest event time read from it; the source's clock is the minimum over the partitions it holds that are not
 * idle. A partition with no records for `idleTimeoutMs` is idle (Flink's `withIdleness`) until it has records
 * again; a partition just assigned starts with no clock and holds the others back until it has records or goes
 * idle. Time spent waiting for queue room downstream does not count towards idleness (nothing is read meanwhile;
 * Flink pauses its idleness clock under back pressure likewise).
 */
import type { EventTimeMetrics } from '../../../shared/metrics';
import { NO_WATERMARK, sameMark, type Watermark } from '../../runtime/watermark';

interface PartitionClock {
  /** `topic/partition`. */
  label: string;
  /** Largest event time read from it (-Infinity: none yet). */
  time: number;
  /** When it last had records, on the active clock. */
  activeAt: number;
  idle: boolean;
}

export class PartitionClocks {
  private readonly parts = new Map<string, PartitionClock>();
  private blockedMs = 0;
  private blockedSince: number | undefined;
  private sent: Watermark = NO_WATERMARK;

  constructor(
    /** The source's node id, to name the partitions in what the studio shows. */
    private readonly nodeId: string,
    /** 0: partitions never go idle. */
    readonly idleTimeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Wall time less the time spent waiting for queue room. */
  private activeNow(): number {
    const t = this.now();
    return t - this.blockedMs - (this.blockedSince === undefined ? 0 : t - this.blockedSince);
  }

  /** The source waits for queue room downstream (back pressure): idleness does not count meanwhile. */
  blocked(): void {
    this.blockedSince ??= this.now();
  }

  unblocked(): void {
    if (this.blockedSince === undefined) return;
    this.blockedMs += this.now() - this.blockedSince;
    this.blockedSince = undefined;
  }

  /** The partitions this member holds after a rebalance (topic → partitions): kept ones keep their clock. */
  assign(assignment: Record<string, number[]>): void {
    const now = this.activeNow();
    const keep = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const p of partitions) {
        const label = `${topic}/${p}`;
        keep.add(label);
        if (!this.parts.has(label)) this.parts.set(label, { label, time: -Infinity, activeAt: now, idle: false });
      }
    }
    for (const label of [...this.parts.keys()]) if (!keep.has(label)) this.parts.delete(label);
  }

  /** Records were read from a partition (and sent on); `newest` is the largest event time among them. */
  seen(topic: string, partition: number, newest: number): void {
    const label = `${topic}/${partition}`;
    let c = this.parts.get(label);
    if (!c) this.parts.set(label, (c = { label, time: -Infinity, activeAt: 0, idle: false }));
    if (newest > c.time) c.time = newest;
    c.activeAt = this.activeNow();
    c.idle = false;
  }

  /** Mark the partitions that have had no records for the idle timeout; true when one became idle. */
  checkIdle(): boolean {
    if (this.idleTimeoutMs <= 0) return false;
    const now = this.activeNow();
    let changed = false;
    for (const c of this.parts.values()) {
      if (!c.idle && now - c.activeAt >= this.idleTimeoutMs) {
        c.idle = true;
        changed = true;
      }
    }
    return changed;
  }

  /** The source's clock now. */
  private current(): Watermark {
    let min: PartitionClock | undefined;
    const idleParts: string[] = [];
    for (const c of this.parts.values()) {
      if (c.idle) idleParts.push(`${this.nodeId} ${c.label}`);
      else if (!min || c.time < min.time) min = c;
    }
    return {
      time: Math.max(this.sent.time, min ? min.time : this.sent.time),
      idle: this.parts.size > 0 && !min,
      ...(min ? { heldBy: `${this.nodeId} ${min.label}` } : {}),
      ...(idleParts.length ? { idleParts } : {}),
    };
  }

  /** The clock to send, when it differs from the last one sent (then taken as sent). */
  take(): Watermark | undefined {
    if (!this.parts.size) return undefined;
    const mark = this.current();
    if (sameMark(mark, this.sent)) return undefined;
    this.sent = mark;
    return mark;
  }

  metrics(): EventTimeMetrics {
    const m: EventTimeMetrics = { idleTimeoutMs: this.idleTimeoutMs, partitions: {} };
    let newest = -Infinity;
    for (const c of this.parts.values()) {
      m.partitions![c.label] = Number.isFinite(c.time) ? { time: c.time, idle: c.idle } : { idle: c.idle };
      if (c.time > newest) newest = c.time;
    }
    if (Number.isFinite(this.sent.time)) m.watermark = this.sent.time;
    if (Number.isFinite(newest)) m.newest = newest;
    if (m.watermark !== undefined && m.newest !== undefined) m.trailMs = m.newest - m.watermark;
    if (this.sent.heldBy) m.heldBy = this.sent.heldBy;
    if (this.sent.idleParts?.length) m.idle = [...this.sent.idleParts];
    return m;
  }
}
