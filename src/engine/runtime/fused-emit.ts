/**
 * A source's records made one at a time (`emitEach`), run fused with the chain of per-record operators its port
 * feeds (see fusion.ts): one generated loop, no batch between the operators. One batch every `SAMPLE_EVERY_MS`
 * goes the batch way instead, so that the fused operators are timed and their record sizes sampled.
 */
import type { FusableStep, Rec } from '../contract/node';
import { fill, fusedLoop, type Fill, type FusedLoop, type FusedState } from './fusion';
import type { NodeCounters } from './node-counters';
import type { BatchQueue } from './queue';
import type { BatchSizer } from './size';
import { Ticket } from './ticket';

/** A source feeding a fused chain sends one batch the unfused way every this many ms. */
const SAMPLE_EVERY_MS = 20;

/** What the fused emitter needs of a node runner (the runner is one; kept as an interface so neither imports the other). */
export interface FusionMember {
  readonly stats: NodeCounters;
  readonly failed: boolean;
  readonly instance: { step?: FusableStep } | undefined;
  /** The chained runner fed by an output port, with the edge counter. */
  chainedTo(port: string): { runner: FusionMember; port: string; counter: BatchQueue } | undefined;
  sizerFor(port: string): BatchSizer;
  /** Time every batch (a fused operator sees only the sampled ones). */
  timeEveryBatch(): void;
  send(port: string, batch: Rec[], ticket: Ticket | undefined): Promise<void> | void;
  sendAndRelease(port: string, batch: Rec[], own: Ticket): Promise<void> | void;
  handle(port: string, batch: Rec[], size: number, ticket?: Ticket): Promise<void> | void;
}

/** A chain of per-record operators fed from one output port, run as one generated loop. */
interface Fusion {
  /** The fused operators in order, with the edge counter into each. */
  stages: { runner: FusionMember; port: string; counter: BatchQueue; step: FusableStep; sizer: BatchSizer }[];
  /** The source port's sizer. */
  sizer: BatchSizer;
  loop: FusedLoop;
  state: FusedState;
}

export class FusedEmitter {
  /** Per output port: the fused chain it feeds (null: none), built on first use. */
  private readonly fusions = new Map<string, Fusion | null>();
  private fillBatch: Fill | undefined;
  private lastSampleAt = -Infinity;
  private eachCalls = 0;

  constructor(
    private readonly source: FusionMember,
    private readonly enabled: boolean,
  ) {}

  /** A batch made by `produce(from..from+count-1)`, for the plain way (no fusion). */
  batch(produce: (i: number) => Rec, from: number, count: number): Rec[] {
    return (this.fillBatch ??= fill())(produce, from, count);
  }

  /** The fused chain `port` feeds, or null when this batch should go the batch way. */
  due(port: string): Fusion | null {
    const fusion = this.fusionFor(port);
    if (!fusion || this.sampleDue() || fusion.stages.some((s) => s.runner.failed)) return null;
    return fusion;
  }

  /**
   * The chain of per-record operators that `port` feeds through chained edges, as far as it goes: none when the
   * port is not chained or the next node has no step.
   */
  private fusionFor(port: string): Fusion | null {
    let f = this.fusions.get(port);
    if (f !== undefined) return f;
    const stages: Fusion['stages'] = [];
    if (!this.enabled) {
      this.fusions.set(port, null);
      return null;
    }
    for (let link = this.source.chainedTo(port); link; link = link.runner.chainedTo('out')) {
      const step = link.runner.instance?.step;
      if (!step) break;
      stages.push({
        runner: link.runner,
        port: link.port,
        counter: link.counter,
        step,
        sizer: link.runner.sizerFor('out'),
      });
      link.runner.timeEveryBatch();
    }
    f =
      stages.length === 0
        ? null
        : {
            stages,
            sizer: this.source.sizerFor(port),
            loop: fusedLoop(stages.map((s) => s.step)),
            state: { at: -1, stage: 0, record: undefined, counts: stages.map(() => 0) },
          };
    this.fusions.set(port, f);
    return f;
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

  /** Run the records through the fused chain, counting for each node what it would have seen batch by batch. */
  run(fusion: Fusion, from: number, count: number, produce: (i: number) => Rec): Promise<void> | void {
    const { stages, state } = fusion;
    const out: Rec[] = [];
    fusion.loop(produce, from, count, out, state);
    const stopped = state.at;
    const produced = stopped < 0 ? count : stopped + 1;
    const stats = this.source.stats;
    const ticket = new Ticket(() => {
      stats.acknowledged += produced;
    });
    stats.recordsOut += produced;
    let entering = produced;
    let enteringBytes = fusion.sizer.estimate(produced);
    stats.bytesOut += enteringBytes;
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
      const rest = this.run(fusion, from + produced, count - produced, produce);
      if (rest) await rest;
    })();
  }
}
