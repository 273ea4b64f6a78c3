/**
 * The window operator: `scope: all` keeps one set of windows on the
 * input's clock; `scope: partition` one set per Kafka partition the records came from, plus one for the rest.
 */
import type { Hold, NodeInstance, Rec, Watermark } from '../../../contract/node';
import type { KafkaOrigin } from '../../kafka/origin';
import { forEachPartitionRun, partKey, windowTimes } from './partitions';
import { EventTimeWindows, type WindowShape } from './windows';

/** Send a batch's results and late records. */
function sendResults(shape: WindowShape, out: Rec[], late: Rec[], releases: Hold[]): Promise<void> | void {
  const { ctx } = shape;
  if (late.length === 0) return out.length ? ctx.emit('out', out, releases) : undefined;
  ctx.count('late', late.length);
  const a = out.length ? ctx.emit('out', out, releases) : undefined;
  const b = ctx.emit('late', late);
  return a && b ? Promise.all([a, b]).then(() => undefined) : (a ?? b);
}

export class WindowOperator implements NodeInstance {
  private readonly shared: EventTimeWindows;
  private readonly byPartition = new Map<string, EventTimeWindows>();
  /** The input's last clock (what holds it, which partitions are idle), for the metrics. */
  private clock: Watermark | undefined;
  readonly watermarkDelayMs: number;
  readonly onWatermark: ((mark: Watermark) => Promise<void> | void) | undefined;

  constructor(private readonly shape: WindowShape) {
    const clocked = shape.ctx.eventTime && shape.cfg.scope === 'all';
    this.shared = new EventTimeWindows(shape, clocked);
    this.watermarkDelayMs = shape.cfg.watermarkDelayMs;
    this.onWatermark = clocked ? (mark) => this.clockMoved(mark) : undefined;
  }

  private windowsOf(origin: KafkaOrigin | undefined): EventTimeWindows {
    if (!origin) return this.shared;
    const k = partKey(origin);
    let w = this.byPartition.get(k);
    if (!w) this.byPartition.set(k, (w = new EventTimeWindows(this.shape, false)));
    return w;
  }

  private clockMoved(mark: Watermark): Promise<void> | void {
    this.clock = mark;
    if (!this.shared.advanceTo(mark.time)) return;
    const out: Rec[] = [];
    const releases: Hold[] = [];
    this.shared.advance(out, releases);
    if (out.length) return this.shape.ctx.emit('out', out, releases);
    for (const h of releases) h.release();
  }

  metrics() {
    const sets: [string, EventTimeWindows][] =
      this.shape.cfg.scope === 'all' ? [['', this.shared]] : [...this.byPartition];
    return { eventTime: windowTimes(sets, this.clock) };
  }

  process(_port: string, batch: Rec[]): Promise<void> | void {
    const out: Rec[] = [];
    const late: Rec[] = [];
    const releases: Hold[] = [];
    this.shape.batchNo++;
    if (this.shape.cfg.scope === 'all') this.shared.add(batch, 0, batch.length, out, late, releases);
    else forEachPartitionRun(batch, (origin, i, j) => this.windowsOf(origin).add(batch, i, j, out, late, releases));
    return sendResults(this.shape, out, late, releases);
  }

  finish(): Promise<void> | void {
    const out: Rec[] = [];
    const releases: Hold[] = [];
    this.shared.fireAll(out, releases);
    for (const w of this.byPartition.values()) w.fireAll(out, releases);
    return this.shape.ctx.emit('out', out, releases);
  }
}
