/**
 * Runs one node inside a flow: its lifecycle (open, process or run, finish, close), its metrics, its errors.
 */
import type { NodeMetrics, NodeState } from '../../shared/metrics';
import type { NodeInstance, NodeSpec, Rec } from '../contract/spec';
import { PortTaps, type WireTap } from './tap';
import { SourceTracer, tracedHold } from './trace';
import type { RunnerEvents, RunnerOptions } from './runner-options';
import { NO_HOLD, Ticket, type Hold } from './ticket';
import { BatchSizer } from './size';
import type { BatchQueue } from './queue';
import { MEDIA_KINDS, parsePortType } from '../../shared/ports';
import { yieldToEventLoop } from '../support/yield';
import type { Watermark } from './watermark';
import { NodeCounters, nodeMetrics, type CounterSnapshot } from './node-counters';
import { FusedEmitter, type FusionMember } from './fused-emit';
import { MarkRouter, type MarkHost, type MarkReceiver } from './mark-router';
import { runnerContext, type ContextHost, type RunnerContext } from './node-context';

export type { CounterSnapshot, RunnerEvents, RunnerOptions };

/** One batch in this many is timed for a node's processing-time quantiles (two clock reads per timed batch). */
const TIMED_EVERY = 8;

export class NodeRunner implements FusionMember, MarkHost, MarkReceiver, ContextHost {
  state: NodeState = 'idle';
  readonly stats = new NodeCounters();
  instance: NodeInstance | undefined;
  private waitMs = 0;
  /** Batches handled, and whether the current one is being timed. */
  private batches = 0;
  private timing = false;
  private wake: (() => void) | undefined;
  private readonly ctx: RunnerContext;
  private readonly sizers = new Map<string, BatchSizer>();
  /** Output ports wired straight into a chained downstream runner (no queue); the queue object only counts. */
  private readonly chained = new Map<string, { runner: NodeRunner; port: string; counter: BatchQueue }>();
  /** Watchers of the wires leaving each output port. */
  private readonly taps: PortTaps;
  /** The ticket of the batch being processed: what this node emits meanwhile derives from it. */
  private current: Ticket | undefined;
  private readonly isSource: boolean;
  /** Batches are timed one in this many; 1 for a fused operator, which sees only the sampled batches. */
  private timeEvery = TIMED_EVERY;
  private readonly fusion: boolean;
  /** Set on a chained runner: resolves when the runner feeding it has finished. */
  private upstreamFinished: Promise<void> | undefined;
  private signalUpstreamFinished: (() => void) | undefined;
  private readonly marks: MarkRouter;
  private readonly fused: FusedEmitter;
  /** A source's latency traces (when the flow follows them). */
  private readonly tracer: SourceTracer | undefined;

  constructor(
    readonly id: string,
    readonly spec: NodeSpec,
    private readonly config: unknown,
    readonly inputs: { port: string; queue: BatchQueue }[],
    /** Output port name → the queues of the edges leaving it. */
    private readonly outputs: Map<string, BatchQueue[]>,
    signal: AbortSignal,
    private readonly events: RunnerEvents,
    private readonly options: RunnerOptions = {},
  ) {
    this.fusion = options.fusion ?? true;
    // Media inputs carry nothing through Node (the group's ffmpeg process does): a node with only those is a source.
    this.isSource = spec.inputs.every((p) => MEDIA_KINDS.has(parsePortType(p.type)?.kind ?? ''));
    for (const { queue } of inputs) queue.onReady = () => this.wakeUp();
    this.taps = new PortTaps(options.taps);
    this.marks = new MarkRouter(this, inputs.length);
    this.fused = new FusedEmitter(this, this.fusion);
    const media = options.media;
    const capture = media && { by: [media.video.id, media.encoder.id], startedAt: () => media.startedAt };
    if (this.isSource && options.onTrace) this.tracer = new SourceTracer(id, options.onTrace, capture);
    this.ctx = runnerContext(this, signal, events, options);
  }

  /** Feed `runner`'s input `port` straight from this runner's output `port` (operator chaining). */
  chainTo(outPort: string, runner: NodeRunner, inPort: string, counter: BatchQueue): void {
    this.chained.set(outPort, { runner, port: inPort, counter });
    runner.upstreamFinished = new Promise((r) => (runner.signalUpstreamFinished = r));
  }

  showState(state: NodeState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.onState(this.id, state);
  }

  holdCurrent(): Hold {
    return this.current?.hold() ?? NO_HOLD;
  }

  sendMark(mark: Watermark): Promise<void> | void {
    return this.marks.emit(mark);
  }

  /** Create and open the node instance; a failure puts the node in the error state. */
  async open(): Promise<void> {
    this.showState('starting');
    try {
      this.instance = this.spec.create(this.config as never, this.ctx);
      // A node that neither reacts to watermarks nor sends anything on is not sent them (a sink's queue would wake
      // its consumer for nothing).
      const wantsMarks =
        !!this.instance.onWatermark || this.chained.size > 0 || [...this.outputs.values()].some((qs) => qs.length > 0);
      for (const { queue } of this.inputs) queue.wantsMarks = wantsMarks;
      await this.instance.open?.();
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * Send a batch. What a node emits while processing a batch carries that batch's ticket; a source's batch, or one
   * sent with `releases` (a window's results), gets a ticket of its own, whose completion acknowledges the source's
   * records or releases the holds.
   */
  emitBatch(
    port: string,
    batch: Rec[],
    releases?: Hold[],
    acknowledged?: () => void,
    capturedAt?: number,
  ): Promise<void> | void {
    if (!this.isSource && !releases) return this.send(port, batch, this.current);
    const n = batch.length;
    const trace = releases ? tracedHold(releases) : this.traceDue() ? this.tracer!.start(batch, capturedAt) : undefined;
    const own = new Ticket(() => {
      if (this.isSource) this.stats.acknowledged += n;
      if (releases) for (const h of releases) h.release();
      else trace?.acknowledged();
      acknowledged?.();
    });
    own.trace = trace;
    const sent = this.sendAndRelease(port, batch, own);
    return sent && this.isSource ? this.marks.busyUntil(sent) : sent;
  }

  get eventTime(): boolean {
    return this.ctx.eventTime;
  }

  /** Where this node's watermarks go: chained runners, and the queues whose consumers want them. */
  markTargets(): { links: MarkReceiver[]; queues: BatchQueue[] } {
    return {
      links: [...this.chained.values()].map((l) => l.runner),
      queues: [...this.outputs.values()].flat().filter((q) => q.wantsMarks),
    };
  }

  /** A watermark arrived on input `index` (see MarkRouter.receive). */
  receiveMark(index: number, mark: Watermark): Promise<void> | void {
    return this.marks.receive(index, mark);
  }

  /** The chained runner an output port feeds. */
  chainedTo(port: string): { runner: NodeRunner; port: string; counter: BatchQueue } | undefined {
    return this.chained.get(port);
  }

  /** Whether the next source batch should be followed for the latency waterfall (one a second). */
  private traceDue(): boolean {
    return this.tracer !== undefined && this.tracer.due();
  }

  timeEveryBatch(): void {
    this.timeEvery = 1;
  }

  sendAndRelease(port: string, batch: Rec[], own: Ticket): Promise<void> | void {
    const sent = this.send(port, batch, own);
    if (!sent) return own.release();
    return sent.then(() => own.release());
  }

  sizerFor(port: string): BatchSizer {
    let sizer = this.sizers.get(port);
    if (!sizer) this.sizers.set(port, (sizer = new BatchSizer()));
    return sizer;
  }

  /** Watch what leaves an output port; returns how to stop. */
  watch(port: string, tap: WireTap): () => void {
    return this.taps.watch(port, tap);
  }

  /** Count a batch out of this node and deliver it to every edge of the port, each delivery holding `ticket`. */
  send(port: string, batch: Rec[], ticket: Ticket | undefined): Promise<void> | void {
    if (batch.length === 0) return;
    if (this.taps.count !== 0) this.taps.offer(port, batch);
    ticket?.trace?.mark(this.id, 'outMs');
    const size = this.sizerFor(port).size(batch);
    this.stats.recordsOut += batch.length;
    this.stats.bytesOut += size;
    // While a batch is being timed, time spent downstream (a chained operator, or waiting for queue space) is
    // taken out: it is not this node's processing time.
    const t0 = this.timing ? performance.now() : 0;
    const link = this.chained.get(port);
    let wait: Promise<void> | void = undefined;
    let waits: Promise<void>[] | undefined;
    if (link) {
      link.counter.accepted += batch.length;
      wait = link.runner.handle(link.port, batch, size, ticket?.hold());
    } else {
      for (const q of this.outputs.get(port) ?? []) {
        const w = q.push(batch, size, ticket?.hold());
        if (w) (waits ??= []).push(w);
      }
      if (waits) wait = waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
    }
    if (!t0) return wait;
    if (!wait) {
      this.waitMs += performance.now() - t0;
      return;
    }
    return wait.then(() => {
      this.waitMs += performance.now() - t0;
    });
  }

  /**
   * Records made one at a time by a source: fused with the per-record operators the port feeds (see fused-emit.ts),
   * except while a wire is watched or a trace is due, when records go batch by batch, past every wire.
   */
  emitRecords(port: string, from: number, count: number, produce: (i: number) => Rec): Promise<void> | void {
    if (count <= 0) return;
    const fusion = this.fused.due(port);
    if (fusion && !this.options.taps?.active && !this.traceDue()) {
      const sent = this.fused.run(fusion, from, count, produce);
      return sent && this.marks.busyUntil(sent);
    }
    return this.emitBatch(port, this.fused.batch(produce, from, count));
  }

  /**
   * Process one batch arriving on an input port: counted, errors contained, and one batch in
   * `TIMED_EVERY` timed for the processing-time quantiles. A failed node counts what reaches it as dropped.
   */
  handle(port: string, batch: Rec[], size: number, ticket?: Ticket): Promise<void> | void {
    const inst = this.instance;
    if (this.failed || !inst?.process) {
      // Discarded, and not acknowledged: the source must not take these records as handled.
      this.stats.dropped += batch.length;
      return;
    }
    this.stats.recordsIn += batch.length;
    this.stats.bytesIn += size;
    this.current = ticket;
    ticket?.trace?.mark(this.id, 'inMs');
    if (++this.batches % this.timeEvery !== 1 % this.timeEvery || this.options.timing === false) {
      let r: Promise<void> | void;
      try {
        r = inst.process(port, batch);
      } catch (err) {
        return this.failBatch(err, false);
      }
      if (!r) return this.finished(ticket);
      return r.then(
        () => this.finished(ticket),
        (err: unknown) => this.failBatch(err, false),
      );
    }
    return this.handleTimed(inst, port, batch, ticket);
  }

  /** A batch timed for the processing-time quantiles: time spent downstream meanwhile is not this node's. */
  private handleTimed(
    inst: NodeInstance,
    port: string,
    batch: Rec[],
    ticket: Ticket | undefined,
  ): Promise<void> | void {
    this.timing = true;
    const t0 = performance.now();
    const w0 = this.waitMs;
    const done = () => {
      this.timing = false;
      this.stats.latency.add(performance.now() - t0 - (this.waitMs - w0), batch.length);
      this.finished(ticket);
    };
    let r: Promise<void> | void;
    try {
      r = inst.process!(port, batch);
    } catch (err) {
      return this.failBatch(err, true);
    }
    // An asynchronous batch: the time until it settles (other batches' downstream time may overlap it).
    return r ? r.then(done, (err: unknown) => this.failBatch(err, true)) : done();
  }

  private failBatch(err: unknown, timed: boolean): void {
    if (timed) this.timing = false;
    this.current = undefined;
    this.fail(err);
  }

  /** This node is done with a batch: its delivery is released (what it emitted holds the ticket on its own). */
  private finished(ticket: Ticket | undefined): void {
    this.current = undefined;
    ticket?.trace?.mark(this.id, 'doneMs');
    ticket?.release();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private nextInput():
    | { index: number; port: string; batch: Rec[]; size: number; ticket: Ticket | undefined; mark?: Watermark }
    | undefined {
    for (let index = 0; index < this.inputs.length; index++) {
      const input = this.inputs[index]!;
      const item = input.queue.shift();
      if (item) return { index, port: input.port, ...item };
    }
    return undefined;
  }

  private get inputsEnded(): boolean {
    return this.inputs.every((i) => i.queue.closed && i.queue.empty);
  }

  fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.ctx.error(message);
    this.showState('error');
    // A failed node discards what reaches it (counted) so that the rest of the flow keeps moving.
    for (const { queue } of this.inputs) {
      this.stats.dropped += queue.clear();
      queue.onReady = () => {
        this.stats.dropped += queue.clear();
        this.wakeUp();
      };
    }
  }

  get failed(): boolean {
    return this.state === 'error';
  }

  /** Run until the inputs end (or, for a source, until it stops), then finish, close outputs and close. */
  async run(): Promise<void> {
    if (!this.failed) this.showState('running');
    const inst = this.instance;
    try {
      if (inst?.run && !this.failed) await inst.run();
      else if (this.upstreamFinished) await this.upstreamFinished;
      else await this.consume();
      if (!this.failed) await inst?.finish?.();
    } catch (err) {
      this.fail(err);
    }
    for (const link of this.chained.values()) link.runner.signalUpstreamFinished!();
    for (const qs of this.outputs.values()) for (const q of qs) q.close();
    try {
      await inst?.close?.();
    } catch (err) {
      this.fail(err);
    }
    if (!this.failed) this.showState('stopped');
  }

  /** Take batches from the input queues until all have ended; a failed node keeps taking them, to discard. */
  private async consume(): Promise<void> {
    let sinceYield = 0;
    for (;;) {
      const item = this.nextInput();
      if (!item) {
        if (this.inputsEnded) return;
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      const r = item.mark
        ? this.marks.receive(item.index, item.mark)
        : this.handle(item.port, item.batch, item.size, item.ticket);
      if (r) await r;
      // Let timers and I/O run between long stretches of synchronous work.
      if (++sinceYield >= 64) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
  }

  /** The node's metrics over the last `seconds`, given the counters at the previous tick. */
  snapshot(prev: CounterSnapshot | undefined, seconds: number): NodeMetrics {
    return nodeMetrics(this.state, this.stats, this.isSource, this.instance, prev, seconds);
  }
}
