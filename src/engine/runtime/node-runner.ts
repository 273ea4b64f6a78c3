/**
 * Runs one node inside a flow: its lifecycle (open, process or run, finish, close), its metrics, its errors.
 */
import { roundFine, roundRate, type NodeMetrics, type NodeState } from '../../shared/metrics';
import type { FusableStep, NodeContext, NodeInstance, NodeSpec, Rec } from '../contract/spec';
import { fill, fusedLoop, type Fill, type FusedLoop, type FusedState } from './fusion';
import type { WireTap } from './tap';
import { Trace, TRACE_EVERY_MS } from './trace';
import { NO_HOLD, Ticket, type Hold } from './ticket';
import type { WorkerContext } from '../workers/context';
import { BatchSizer } from './size';
import { LatencySampler } from './latency';
import type { BatchQueue } from './queue';
import { MEDIA_KINDS, type MediaGroup } from '../media/group';
import { parsePortType } from '../../shared/ports';
import { yieldToEventLoop } from '../support/yield';
import { InputClocks, type Watermark } from './watermark';

/** One batch in this many is timed for a node's processing-time quantiles (two clock reads per timed batch). */
const TIMED_EVERY = 8;
/**
 * A source feeding a fused chain sends one batch the unfused way every this many ms, so that the fused operators
 * are timed (every such batch) and their record sizes sampled.
 */
const SAMPLE_EVERY_MS = 20;

export interface RunnerEvents {
  onState(nodeId: string, state: NodeState): void;
  onError(nodeId: string, message: string, count: number, record?: Rec): void;
}

/** The counters a rate is computed from. */
export type CounterSnapshot = Pick<NodeCounters, 'recordsIn' | 'recordsOut' | 'bytesIn' | 'bytesOut'>;

/** Counters of one node, read by the flow at every metrics tick. */
export class NodeCounters {
  recordsIn = 0;
  recordsOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  errors = 0;
  dropped = 0;
  /** Sources: records whose batch every node downstream has finished with (at-least-once bookkeeping). */
  acknowledged = 0;
  lastError: string | undefined;
  readonly counters: Record<string, number> = {};
  readonly latency = new LatencySampler();
}

const isFailed = (s: { runner: NodeRunner }): boolean => s.runner.failed;

/** A window's results go on with the trace of a batch they were computed from, if one was followed. */
const tracedHold = (holds: Hold[]): Trace | undefined => {
  for (const h of holds) if (h instanceof Ticket && h.trace) return h.trace;
  return undefined;
};

/** A chain of per-record operators fed from one output port, run as one generated loop (see fusion.ts). */
interface Fusion {
  /** The fused operators in order, with the edge counter into each. */
  stages: { runner: NodeRunner; port: string; counter: BatchQueue; step: FusableStep; sizer: BatchSizer }[];
  /** The source port's sizer. */
  sizer: BatchSizer;
  loop: FusedLoop;
  state: FusedState;
}

export interface RunnerOptions {
  /** Time batches for the processing-time quantiles (default true). */
  timing?: boolean;
  /** A trace was started (the flow keeps the latest for the latency waterfall). */
  onTrace?: (trace: Trace) => void;
  /** Shared by the runners of a flow: how many wires are being watched (fusion steps aside while any is). */
  taps?: { active: number };
  exclusiveInput?: boolean;
  fusion?: boolean;
  media?: MediaGroup;
  /** Where a record a node reports with its error goes (a Kafka source's dead-letter topic), if anywhere. */
  deadLetter?: (nodeId: string, error: string, record: Rec) => Promise<void> | undefined;
  /** The run is a member of Kafka consumer groups: see `NodeContext.worker`. */
  worker?: WorkerContext;
  /** Every source upstream sends watermarks: see `NodeContext.eventTime`. */
  clocked?: boolean;
}

export class NodeRunner {
  state: NodeState = 'idle';
  readonly stats = new NodeCounters();
  instance: NodeInstance | undefined;
  private waitMs = 0;
  /** Batches handled, and whether the current one is being timed. */
  private batches = 0;
  private timing = false;
  private wake: (() => void) | undefined;
  private readonly ctx: NodeContext;
  private readonly sizers = new Map<string, BatchSizer>();
  /** Output ports wired straight into a chained downstream runner (no queue); the queue object only counts. */
  private readonly chained = new Map<string, { runner: NodeRunner; port: string; counter: BatchQueue }>();
  /** Watchers of the wires leaving each output port. */
  private readonly taps = new Map<string, Set<WireTap>>();
  private tapCount = 0;
  /** Per output port: the fused chain it feeds (null: none), built on first use. */
  private readonly fusions = new Map<string, Fusion | null>();
  private fillBatch: Fill | undefined;
  private lastSampleAt = -Infinity;
  private eachCalls = 0;
  /** The ticket of the batch being processed: what this node emits meanwhile derives from it. */
  private current: Ticket | undefined;
  private readonly isSource: boolean;
  /** Batches are timed one in this many; 1 for a fused operator, which sees only the sampled batches. */
  private timeEvery = TIMED_EVERY;
  private readonly fusion: boolean;
  /** Set on a chained runner: resolves when the runner feeding it has finished. */
  private upstreamFinished: Promise<void> | undefined;
  private signalUpstreamFinished: (() => void) | undefined;
  /** The event-time clocks of the input wires (one for a chained runner: the runner feeding it). */
  private readonly clocks: InputClocks;
  /** A source's sends still waiting for queue room: a watermark sent meanwhile waits for them (never overtakes). */
  private outBusy = 0;
  private deferredMark: Watermark | undefined;

  constructor(
    readonly id: string,
    readonly spec: NodeSpec,
    private readonly config: unknown,
    readonly inputs: { port: string; queue: BatchQueue }[],
    /** Output port name → the queues of the edges leaving it. */
    private readonly outputs: Map<string, BatchQueue[]>,
    private readonly signal: AbortSignal,
    private readonly events: RunnerEvents,
    private readonly options: RunnerOptions = {},
  ) {
    this.fusion = options.fusion ?? true;
    // Media inputs carry nothing through Node (the group's ffmpeg process does): a node with only those is a source.
    this.isSource = spec.inputs.every((p) => MEDIA_KINDS.has(parsePortType(p.type)?.kind ?? ''));
    for (const { queue } of inputs) queue.onReady = () => this.wakeUp();
    this.clocks = new InputClocks(inputs.length);
    this.ctx = {
      nodeId: this.id,
      signal: this.signal,
      exclusiveInput: options.exclusiveInput ?? false,
      media: options.media,
      worker: options.worker,
      eventTime: options.clocked ?? false,
      watermark: (mark) => this.emitMark(mark),
      emit: (port, batch, releases) => this.emit(port, batch, releases),
      emitTracked: (port, batch, acknowledged) => this.emit(port, batch, undefined, acknowledged),
      emitCaptured: (port, batch, capturedAt) => this.emit(port, batch, undefined, undefined, capturedAt),
      hold: () => this.current?.hold() ?? NO_HOLD,
      emitEach: (port, from, count, produce) => this.emitEach(port, from, count, produce),
      error: (message, record) => this.reportError(message, record),
      status: (state) => {
        if (!this.failed) this.setState(state);
      },
      drop: (count) => {
        this.stats.dropped += count;
      },
      count: (name, n = 1) => {
        this.stats.counters[name] = (this.stats.counters[name] ?? 0) + n;
      },
    };
  }

  /** Feed `runner`'s input `port` straight from this runner's output `port` (operator chaining). */
  chainTo(outPort: string, runner: NodeRunner, inPort: string, counter: BatchQueue): void {
    this.chained.set(outPort, { runner, port: inPort, counter });
    runner.upstreamFinished = new Promise((r) => (runner.signalUpstreamFinished = r));
  }

  private setState(state: NodeState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.onState(this.id, state);
  }

  private reportError(message: string, record?: Rec): Promise<void> | void {
    this.stats.errors++;
    this.stats.lastError = message;
    this.events.onError(this.id, message, this.stats.errors, record);
    const written = record && this.options.deadLetter?.(this.id, message, record);
    if (!written) return;
    // The batch being processed is acknowledged only once the record is in the dead-letter topic.
    const hold = this.current?.hold();
    return written.then(
      () => hold?.release(),
      (err: unknown) => {
        this.stats.errors++;
        this.events.onError(
          this.id,
          `could not write to the dead-letter topic: ${(err as Error).message}`,
          this.stats.errors,
        );
      },
    );
  }

  /** Create and open the node instance; a failure puts the node in the error state. */
  async open(): Promise<void> {
    this.setState('starting');
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
  private emit(
    port: string,
    batch: Rec[],
    releases?: Hold[],
    acknowledged?: () => void,
    capturedAt?: number,
  ): Promise<void> | void {
    if (!this.isSource && !releases) return this.send(port, batch, this.current);
    const n = batch.length;
    const trace = releases ? tracedHold(releases) : this.traceDue() ? this.startTrace(batch, capturedAt) : undefined;
    const own = new Ticket(() => {
      if (this.isSource) this.stats.acknowledged += n;
      if (releases) for (const h of releases) h.release();
      else trace?.acknowledged();
      acknowledged?.();
    });
    own.trace = trace;
    const sent = this.sendAndRelease(port, batch, own);
    return sent && this.isSource ? this.busyUntil(sent) : sent;
  }

  /** A source's send that waits for queue room: watermarks sent meanwhile are held until it is through. */
  private busyUntil(sent: Promise<void>): Promise<void> {
    this.outBusy++;
    return sent.finally(() => {
      if (--this.outBusy !== 0 || !this.deferredMark) return;
      const mark = this.deferredMark;
      this.deferredMark = undefined;
      void this.emitMark(mark);
    });
  }

  /** A source's watermark, sent behind every batch it has sent (see watermark.ts). */
  private emitMark(mark: Watermark): Promise<void> | void {
    if (this.outBusy > 0) {
      this.deferredMark = mark;
      return;
    }
    const sent = this.sendMark(mark);
    return sent && this.busyUntil(sent);
  }

  /** Where this node's watermarks go: chained runners, and the queues whose consumers want them (known once open). */
  private markTargets: { links: NodeRunner[]; queues: BatchQueue[] } | undefined;

  private targets(): { links: NodeRunner[]; queues: BatchQueue[] } {
    return (this.markTargets ??= {
      links: [...this.chained.values()].map((l) => l.runner),
      queues: [...this.outputs.values()].flat().filter((q) => q.wantsMarks),
    });
  }

  /** Send a watermark down every wire leaving this node, behind what was sent before it. */
  private sendMark(mark: Watermark): Promise<void> | void {
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
  receiveMark(index: number, mark: Watermark): Promise<void> | void {
    const next = this.clocks.update(index, mark);
    if (!next) return;
    const inst = this.instance;
    const delay = inst?.watermarkDelayMs ?? 0;
    const targets = this.targets();
    const onward =
      delay && (targets.links.length || targets.queues.length) ? { ...next, time: next.time - delay } : next;
    let r: Promise<void> | void = undefined;
    try {
      r = this.failed || !this.ctx.eventTime ? undefined : inst?.onWatermark?.(next);
    } catch (err) {
      this.fail(err);
    }
    if (!r) return this.sendMark(onward);
    return r.then(
      () => this.sendMark(onward),
      (err: unknown) => {
        this.fail(err);
        return this.sendMark(onward);
      },
    );
  }

  private sendAndRelease(port: string, batch: Rec[], own: Ticket): Promise<void> | void {
    const sent = this.send(port, batch, own);
    if (!sent) return own.release();
    return sent.then(() => own.release());
  }

  private sizerFor(port: string): BatchSizer {
    let sizer = this.sizers.get(port);
    if (!sizer) this.sizers.set(port, (sizer = new BatchSizer()));
    return sizer;
  }

  private lastTraceAt = -Infinity;
  private static traces = 0;

  /** Whether the next source batch should be followed for the latency waterfall (one a second). */
  private traceDue(): boolean {
    return this.isSource && !!this.options.onTrace && performance.now() - this.lastTraceAt >= TRACE_EVERY_MS;
  }

  private startTrace(batch: Rec[], capturedAt?: number): Trace {
    this.lastTraceAt = performance.now();
    const ts = capturedAt ?? (batch[0] as { ts?: unknown } | undefined)?.ts;
    // Video out of a media group: the frames were captured and encoded inside its one ffmpeg process.
    const media = this.options.media;
    const captured =
      capturedAt !== undefined && media
        ? { by: [media.video.id, media.encoder.id], frameTime: (capturedAt - media.startedAt) / 1000 }
        : undefined;
    const trace = new Trace(
      ++NodeRunner.traces,
      this.id,
      typeof ts === 'number' && Number.isFinite(ts) ? ts : undefined,
      captured,
    );
    trace.mark(this.id, 'outMs');
    this.options.onTrace!(trace);
    return trace;
  }

  /** Watch what leaves an output port; returns how to stop. */
  watch(port: string, tap: WireTap): () => void {
    let set = this.taps.get(port);
    if (!set) this.taps.set(port, (set = new Set()));
    set.add(tap);
    this.tapCount++;
    if (this.options.taps) this.options.taps.active++;
    return () => {
      if (!set.delete(tap)) return;
      this.tapCount--;
      if (this.options.taps) this.options.taps.active--;
      tap.close();
    };
  }

  /** Count a batch out of this node and deliver it to every edge of the port, each delivery holding `ticket`. */
  private send(port: string, batch: Rec[], ticket: Ticket | undefined): Promise<void> | void {
    if (batch.length === 0) return;
    if (this.tapCount !== 0) for (const t of this.taps.get(port) ?? []) t.offer(batch);
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
   * The chain of per-record operators that `port` feeds through chained edges, as far as it goes: none when the
   * port is not chained or the next node has no step.
   */
  private fusionFor(port: string): Fusion | null {
    let f = this.fusions.get(port);
    if (f !== undefined) return f;
    const stages: Fusion['stages'] = [];
    if (!this.fusion) {
      this.fusions.set(port, null);
      return null;
    }
    for (let link = this.chained.get(port); link; link = link.runner.chained.get('out')) {
      const step = link.runner.instance?.step;
      if (!step) break;
      stages.push({
        runner: link.runner,
        port: link.port,
        counter: link.counter,
        step,
        sizer: link.runner.sizerFor('out'),
      });
      link.runner.timeEvery = 1;
    }
    f =
      stages.length === 0
        ? null
        : {
            stages,
            sizer: this.sizerFor(port),
            loop: fusedLoop(stages.map((s) => s.step)),
            state: { at: -1, stage: 0, record: undefined, counts: stages.map(() => 0) },
          };
    this.fusions.set(port, f);
    return f;
  }

  /**
   * Records made one at a time by a source. Fused with the per-record operators the port feeds, except one batch
   * every `SAMPLE_EVERY_MS`, which goes the batch way so that those operators are timed and their sizes sampled.
   */
  private emitEach(port: string, from: number, count: number, produce: (i: number) => Rec): Promise<void> | void {
    if (count <= 0) return;
    const fusion = this.fusionFor(port);
    // (While a wire is watched, records go batch by batch, past every wire, where the watch sees them.)
    if (
      fusion &&
      !this.sampleDue() &&
      !fusion.stages.some(isFailed) &&
      !this.options.taps?.active &&
      !this.traceDue()
    ) {
      const sent = this.runFused(port, fusion, from, count, produce);
      return sent && this.busyUntil(sent);
    }
    return this.emit(port, (this.fillBatch ??= fill())(produce, from, count));
  }

  /** Whether this batch should go the unfused way, to time and size the fused operators (the clock is read one
   * batch in eight). */
  private sampleDue(): boolean {
    if ((++this.eachCalls & 7) !== 1) return false;
    const now = performance.now();
    if (now - this.lastSampleAt < SAMPLE_EVERY_MS) return false;
    this.lastSampleAt = now;
    return true;
  }

  private runFused(
    port: string,
    fusion: Fusion,
    from: number,
    count: number,
    produce: (i: number) => Rec,
  ): Promise<void> | void {
    const { stages, state } = fusion;
    const out: Rec[] = [];
    fusion.loop(produce, from, count, out, state);
    const stopped = state.at;
    const produced = stopped < 0 ? count : stopped + 1;
    const ticket = new Ticket(() => {
      this.stats.acknowledged += produced;
    });
    // The counts each node would have seen had the records gone batch by batch.
    this.stats.recordsOut += produced;
    let entering = produced;
    let enteringBytes = fusion.sizer.estimate(produced);
    this.stats.bytesOut += enteringBytes;
    const last = stages.length - 1;
    for (let j = 0; j <= last; j++) {
      const { runner, counter, sizer } = stages[j]!;
      counter.accepted += entering;
      const processed = state.counts[j]!;
      runner.stats.recordsIn += processed;
      runner.stats.bytesIn +=
        stopped >= 0 && state.stage === j
          ? Math.round((enteringBytes * processed) / Math.max(entering, 1))
          : enteringBytes;
      if (j === last) break;
      entering = state.counts[j + 1]! + (stopped >= 0 && state.stage === j + 1 ? 1 : 0);
      enteringBytes = sizer.estimate(entering);
      runner.stats.recordsOut += entering;
      runner.stats.bytesOut += enteringBytes;
    }
    if (stopped < 0) return stages[last]!.runner.sendAndRelease('out', out, ticket);
    const sent = stages[last]!.runner.send('out', out, ticket);
    // A record the compiled code declined: it goes through its stage the batch way (the interpreter), then the
    // rest of the records, in order.
    const { runner, port: inPort } = stages[state.stage]!;
    const record = state.record!;
    return (async () => {
      if (sent) await sent;
      const handled = runner.handle(inPort, [record], 0, ticket.hold());
      ticket.release();
      if (handled) await handled;
      const rest = this.runFused(port, fusion, from + produced, count - produced, produce);
      if (rest) await rest;
    })();
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
        this.current = undefined;
        this.fail(err);
        return;
      }
      if (!r) return this.finished(ticket);
      return r.then(
        () => this.finished(ticket),
        (err: unknown) => {
          this.current = undefined;
          this.fail(err);
        },
      );
    }
    this.timing = true;
    const t0 = performance.now();
    const w0 = this.waitMs;
    let r: Promise<void> | void;
    try {
      r = inst.process(port, batch);
    } catch (err) {
      this.timing = false;
      this.current = undefined;
      this.fail(err);
      return;
    }
    if (!r) {
      this.timing = false;
      this.stats.latency.add(performance.now() - t0 - (this.waitMs - w0), batch.length);
      return this.finished(ticket);
    }
    // An asynchronous batch: the time until it settles (other batches' downstream time may overlap it).
    return r.then(
      () => {
        this.timing = false;
        this.stats.latency.add(performance.now() - t0 - (this.waitMs - w0), batch.length);
        this.finished(ticket);
      },
      (err: unknown) => {
        this.timing = false;
        this.current = undefined;
        this.fail(err);
      },
    );
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

  private fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.reportError(message);
    this.setState('error');
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
    if (!this.failed) this.setState('running');
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
    if (!this.failed) this.setState('stopped');
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
        ? this.receiveMark(item.index, item.mark)
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
    const s = this.stats;
    const rate = (now: number, before: number | undefined): number => roundRate((now - (before ?? 0)) / seconds);
    const { p50, p99 } = s.latency.takeQuantiles();
    const m: NodeMetrics = {
      state: this.state,
      recordsInPerSec: rate(s.recordsIn, prev?.recordsIn),
      recordsOutPerSec: rate(s.recordsOut, prev?.recordsOut),
      bytesInPerSec: rate(s.bytesIn, prev?.bytesIn),
      bytesOutPerSec: rate(s.bytesOut, prev?.bytesOut),
      recordsIn: s.recordsIn,
      recordsOut: s.recordsOut,
      errors: s.errors,
      dropped: s.dropped,
      p50Ms: roundFine(p50),
      p99Ms: roundFine(p99),
    };
    if (this.isSource) m.acknowledged = s.acknowledged;
    if (s.lastError) m.lastError = s.lastError;
    if (Object.keys(s.counters).length) m.counters = { ...s.counters };
    const media = this.instance?.mediaMetrics?.();
    if (media) m.media = media;
    const kafka = this.instance?.kafkaMetrics?.();
    if (kafka) m.kafka = kafka;
    const eventTime = this.instance?.eventTimeMetrics?.();
    if (eventTime) m.eventTime = eventTime;
    return m;
  }
}
