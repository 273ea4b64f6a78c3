/**
 * A node's watermarks (see watermark.ts): the clock of its input wires, what it sends on, and a source's marks
 * held behind its sends that wait for queue room, so that a watermark never overtakes a record.
 */
import type { NodeInstance } from '../contract/node';
import type { BatchQueue } from './queue';
import { InputClocks, type Watermark } from './watermark';

/** A runner a watermark can be handed to straight (a chained one). */
export interface MarkReceiver {
  receiveMark(index: number, mark: Watermark): Promise<void> | void;
}

/** What the router needs of its node runner. */
export interface MarkHost {
  readonly instance: NodeInstance | undefined;
  readonly failed: boolean;
  /** Every source upstream sends watermarks (the node's `onWatermark` is called). */
  readonly eventTime: boolean;
  fail(err: unknown): void;
  /** Where marks go: chained runners, and the queues whose consumers want them (asked once the node is open). */
  markTargets(): { links: MarkReceiver[]; queues: BatchQueue[] };
}

export class MarkRouter {
  private readonly clocks: InputClocks;
  /** A source's sends still waiting for queue room: a watermark sent meanwhile waits for them (never overtakes). */
  private outBusy = 0;
  private deferred: Watermark | undefined;
  private targetsCache: { links: MarkReceiver[]; queues: BatchQueue[] } | undefined;

  constructor(
    private readonly host: MarkHost,
    inputs: number,
  ) {
    this.clocks = new InputClocks(inputs);
  }

  private targets(): { links: MarkReceiver[]; queues: BatchQueue[] } {
    return (this.targetsCache ??= this.host.markTargets());
  }

  /** A source's send that waits for queue room: watermarks sent meanwhile are held until it is through. */
  busyUntil(sent: Promise<void>): Promise<void> {
    this.outBusy++;
    return sent.finally(() => {
      if (--this.outBusy !== 0 || !this.deferred) return;
      const mark = this.deferred;
      this.deferred = undefined;
      void this.emit(mark);
    });
  }

  /** A source's watermark, sent behind every batch it has sent. */
  emit(mark: Watermark): Promise<void> | void {
    if (this.outBusy > 0) {
      this.deferred = mark;
      return;
    }
    const sent = this.send(mark);
    return sent && this.busyUntil(sent);
  }

  /** Send a watermark down every wire leaving this node, behind what was sent before it. */
  private send(mark: Watermark): Promise<void> | void {
    const t = this.targets();
    for (let i = 0; i < t.queues.length; i++) t.queues[i]!.pushMark(mark);
    if (t.links.length === 0) return;
    if (t.links.length === 1) return t.links[0]!.receiveMark(0, mark);
    const waits = t.links.map((r) => r.receiveMark(0, mark)).filter((w): w is Promise<void> => !!w);
    if (waits.length) return Promise.all(waits).then(() => undefined);
  }

  /**
   * A watermark arrived on input `index`. When the node's clock moves, the node sees it first (a window fires what
   * it passes), then it goes on downstream — a window's as its own watermark, its delay taken off.
   */
  receive(index: number, mark: Watermark): Promise<void> | void {
    const next = this.clocks.update(index, mark);
    if (!next) return;
    const host = this.host;
    const inst = host.instance;
    const delay = inst?.watermarkDelayMs ?? 0;
    const targets = this.targets();
    const onward =
      delay && (targets.links.length || targets.queues.length) ? { ...next, time: next.time - delay } : next;
    let r: Promise<void> | void = undefined;
    try {
      r = host.failed || !host.eventTime ? undefined : inst?.onWatermark?.(next);
    } catch (err) {
      host.fail(err);
    }
    if (!r) return this.send(onward);
    return r.then(
      () => this.send(onward),
      (err: unknown) => {
        host.fail(err);
        return this.send(onward);
      },
    );
  }
}
