/**
 * The node contract: what every running node gets from its flow (`NodeContext`) and gives it (`NodeInstance`).
 * Abilities only some nodes have are interfaces of their own that a node opts into by the context type its
 * `create` takes (`SourceContext`, `MediaNodeContext` in media.ts, `WorkerNodeContext`) and by the members of
 * `NodeAbilities` its instance has.
 */
import type { NodeMetrics } from '../../shared/metrics';
import type { LiveStateView } from '../../shared/live-state';
import type { PreviewTap } from '../media/preview';
import type { Hold } from '../runtime/ticket';
import type { Watermark } from '../runtime/watermark';

export type { Hold, Watermark };

/** A record travelling on a `record` port: a plain JSON object. */
export type Rec = Record<string, unknown>;

/** On a `bytes` port each item of a batch is a chunk of bytes; these convert at the port, where the type is known. */
export const bytesItem = (chunk: Uint8Array): Rec => chunk as unknown as Rec;
export const bytesOf = (batch: readonly Rec[]): Uint8Array[] => batch as unknown as Uint8Array[];

/** What every running node can do towards its flow. */
export interface NodeContext {
  readonly nodeId: string;
  /**
   * Send a batch on an output port. Returns a promise only when a queue is full and the caller must wait. With
   * `releases`, those holds are released once every node downstream has finished with the batch (a window's
   * results acknowledge the records they were computed from); without, the batch derives from the one being
   * processed.
   */
  emit(port: string, batch: Rec[], releases?: Hold[]): Promise<void> | void;
  /**
   * Keep the batch being processed unacknowledged until `release()`: for a node that keeps records past `process`
   * (a window, until its result is acknowledged) or writes them asynchronously (a sink, until the write is done).
   */
  hold(): Hold;
  /**
   * Report a record-level error: counted, reported to the studio, the record is skipped. With the record, it also
   * goes to the dead-letter topic of the Kafka source it came from, where that source has one; the batch being
   * processed is acknowledged only once it is there, and the promise says when.
   */
  error(message: string, record?: Rec): Promise<void> | void;
  /** Count records this node discards by its own policy. */
  drop(count: number): void;
  /** Add to a node-specific counter shown with its metrics (e.g. `late`). */
  count(name: string, n?: number): void;
  /** Aborted when the run is asked to stop; sources end their loop, retries give up. */
  readonly signal: AbortSignal;
  /**
   * No other node holds the records arriving here (each came down a single path of edges from where it was made,
   * through nodes that keep no reference to what they emit): the node may change them in place instead of
   * copying. Flink's object reuse, decided by the flow from the graph rather than promised by the user.
   */
  readonly exclusiveInput: boolean;
  /**
   * Show a passing state: `restarting` while a crashed process waits to start again, `reconnecting` while a
   * connection is being made again; then `running`.
   */
  status(state: 'restarting' | 'reconnecting' | 'waiting' | 'running'): void;
  /**
   * Every source upstream of this node sends its event-time clock with its records (watermarks, see
   * runtime/watermark.ts): the node's `onWatermark` is called as the clock moves. When false (a source upstream
   * knows no event time), a window keeps a watermark of its own from the records it sees.
   */
  readonly eventTime: boolean;
}

/** What a source can do beyond `emit`. */
export interface SourceContext extends NodeContext {
  /**
   * An `emit` that says when the batch is acknowledged: `acknowledged` runs once every record derived from it has
   * been handled downstream (written by the sinks, or accounted for by a window's result). A Kafka source commits
   * its offsets then.
   */
  emitTracked(port: string, batch: Rec[], acknowledged: () => void): Promise<void> | void;
  /**
   * An `emit` of records that carry no event time of their own (video fragments): `capturedAt` is when what they
   * hold was captured (ms since the epoch), which the latency waterfall measures from.
   */
  emitCaptured(port: string, batch: Rec[], capturedAt: number): Promise<void> | void;
  /**
   * Send the `count` records `produce(from)`, `produce(from + 1)`, ... on an output port: for sources that make
   * records one at a time. Where the port feeds chained per-record operators, the engine runs them on each record
   * as it is made (fused, no batch in between); otherwise it is `emit` of the records in one batch.
   */
  emitEach(port: string, from: number, count: number, produce: (i: number) => Rec): Promise<void> | void;
  /**
   * A source that declares `eventTime`: its clock — the largest event time it has seen (Kafka: the minimum over the
   * partitions it reads, idle ones aside) — sent behind the batches it has emitted.
   */
  watermark(mark: Watermark): Promise<void> | void;
}

/**
 * A per-record operator step the engine can fuse into generated code (`runtime/fusion.ts`): a compiled expression
 * and what the operator does with its value, written as JavaScript statements.
 */
export interface FusableStep {
  /** The compiled expression: a value, or BAIL when this record needs `evaluate`. */
  readonly fast: (record: unknown) => unknown;
  /** The interpreter, for the records `fast` declines. */
  evaluate(record: unknown): Promise<unknown>;
  /**
   * Statements run with `v` (the expression's value) and `r` (the record): `continue` drops the record, otherwise
   * `r` (reassigned to replace it) goes on. They reach `values` under the name `x`, and nothing else of the node's.
   */
  code(x: string): string;
  values: Record<string, unknown>;
}

/** What every running node may implement. Sources implement `run`; others `process`. */
export interface NodeLifecycle {
  open?(): Promise<void> | void;
  /** Sources: produce until `ctx.signal` aborts or the source is exhausted. */
  run?(): Promise<void>;
  /** A batch arriving on an input port. */
  process?(port: string, batch: Rec[]): Promise<void> | void;
  /** The event-time clock of the node's inputs moved (only where `ctx.eventTime`): a window fires what it passes. */
  onWatermark?(mark: Watermark): Promise<void> | void;
  /** All inputs have ended: emit what is still held (e.g. open windows). */
  finish?(): Promise<void> | void;
  /** Release resources; called once, after finish or on error. */
  close?(): Promise<void> | void;
}

/** A subsystem's figures for the metrics tick: the node's own part of `NodeMetrics` (media, kafka, event time). */
export type NodeMetricsPart = Partial<Pick<NodeMetrics, 'media' | 'kafka' | 'eventTime'>>;

/** Abilities some nodes have; the flow and the studio look for them. */
export interface NodeAbilities {
  /** A per-record operator: the engine may run `step` fused with the source feeding it instead of `process`. */
  step?: FusableStep;
  /** The last records kept, for nodes that keep some (the debug sink). */
  peek?(): unknown[];
  /** Figures of the node's subsystem for the metrics tick (a new subsystem adds its part to `NodeMetrics`). */
  metrics?(): NodeMetricsPart | undefined;
  /**
   * A source with a dead-letter destination: take a record a node downstream could not handle (`undefined`: not
   * one of this source's records, or no destination).
   */
  deadLetter?(nodeId: string, error: string, record: Rec): Promise<void> | undefined;
  /** A node that carries video of its own (fMP4 from Kafka): the studio can watch it. */
  preview?: PreviewTap;
  /** A Redis sink: what it keeps in Redis now, read from Redis, for the live-state panel. */
  liveState?(): Promise<Omit<LiveStateView, 'nodeId'>>;
  /** A window: how far behind its input's clock the watermark it sends on is (its bounded out-of-orderness). */
  readonly watermarkDelayMs?: number;
}

/** A running node. */
export type NodeInstance = NodeLifecycle & NodeAbilities;
