/**
 * How a node type is declared: one spec per type is the single source for validation, the JSON Schema,
 * the palette, the inspector form and `sluice nodes`.
 */
import { z } from 'zod';
import type { ConfigFieldInfo, NodeTypeBasics, NodeTypeInfo } from '../../shared/spec';
import type { MediaGroup, MediaRole, OutputPlace } from '../media/group';
import type { MediaInput, MediaOutput } from '../media/command';
import type { PreviewTap } from '../media/preview';
import type { Hold } from '../runtime/ticket';
import type { EventTimeMetrics, KafkaNodeMetrics, MediaNodeMetrics } from '../../shared/metrics';
import type { LiveStateView } from '../../shared/live-state';
import type { WorkerContext } from '../workers/context';
import type { Watermark } from '../runtime/watermark';

export type { Hold, Watermark };

/** A record travelling on a `record` port: a plain JSON object. */
export type Rec = Record<string, unknown>;

/** On a `bytes` port each item of a batch is a chunk of bytes; these convert at the port, where the type is known. */
export const bytesItem = (chunk: Uint8Array): Rec => chunk as unknown as Rec;
export const bytesOf = (batch: readonly Rec[]): Uint8Array[] => batch as unknown as Uint8Array[];

/** What a running node can do towards its flow. */
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
   * A source's `emit` that says when the batch is acknowledged: `acknowledged` runs once every record derived from
   * it has been handled downstream (written by the sinks, or accounted for by a window's result). A Kafka source
   * commits its offsets then.
   */
  emitTracked(port: string, batch: Rec[], acknowledged: () => void): Promise<void> | void;
  /**
   * A source's `emit` of records that carry no event time of their own (video fragments): `capturedAt` is when what
   * they hold was captured (ms since the epoch), which the latency waterfall measures from.
   */
  emitCaptured(port: string, batch: Rec[], capturedAt: number): Promise<void> | void;
  /**
   * Keep the batch being processed unacknowledged until `release()`: for a node that keeps records past `process`
   * (a window, until its result is acknowledged) or writes them asynchronously (a sink, until the write is done).
   */
  hold(): Hold;
  /**
   * Send the `count` records `produce(from)`, `produce(from + 1)`, ... on an output port: for sources that make
   * records one at a time. Where the port feeds chained per-record operators, the engine runs them on each record
   * as it is made (fused, no batch in between); otherwise it is `emit` of the records in one batch.
   */
  emitEach(port: string, from: number, count: number, produce: (i: number) => Rec): Promise<void> | void;
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
  /** Aborted when the run is asked to stop; sources end their loop. */
  readonly signal: AbortSignal;
  /**
   * No other node holds the records arriving here (each came down a single path of edges from where it was made,
   * through nodes that keep no reference to what they emit): the node may change them in place instead of
   * copying. Flink's object reuse, decided by the flow from the graph rather than promised by the user.
   */
  readonly exclusiveInput: boolean;
  /** A media node: the group it runs in, as one ffmpeg process with the media nodes wired to it. */
  readonly media?: MediaGroup;
  /**
   * Show a passing state: `restarting` while a crashed process waits to start again, `reconnecting` while a
   * connection is being made again; then `running`.
   */
  status(state: 'restarting' | 'reconnecting' | 'running'): void;
  /**
   * Set when the run is a member of Kafka consumer groups (`sluice run --worker`): which partitions this member
   * holds, and where keyed state is checkpointed so that another member can take a partition over.
   */
  readonly worker?: WorkerContext;
  /**
   * Every source upstream of this node sends its event-time clock with its records (watermarks, see
   * runtime/watermark.ts): the node's `onWatermark` is called as the clock moves. When false (a source upstream
   * knows no event time), a window keeps a watermark of its own from the records it sees.
   */
  readonly eventTime: boolean;
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

/** A running node. Sources implement `run`; others `process`. */
export interface NodeInstance {
  open?(): Promise<void> | void;
  /** Sources: produce until `ctx.signal` aborts or the source is exhausted. */
  run?(): Promise<void>;
  /** A batch arriving on an input port. */
  process?(port: string, batch: Rec[]): Promise<void> | void;
  /** All inputs have ended: emit what is still held (e.g. open windows). */
  finish?(): Promise<void> | void;
  /** Release resources; called once, after finish or on error. */
  close?(): Promise<void> | void;
  /** The last records kept, for nodes that keep some (the debug sink). */
  peek?(): unknown[];
  /** A per-record operator: the engine may run `step` fused with the source feeding it instead of `process`. */
  step?: FusableStep;
  /** A media node's figures for the metrics tick. */
  mediaMetrics?(): MediaNodeMetrics | undefined;
  /**
   * A source with a dead-letter destination: take a record a node downstream could not handle (`undefined`: not
   * one of this source's records, or no destination).
   */
  deadLetter?(nodeId: string, error: string, record: Rec): Promise<void> | undefined;
  /** A node that carries video of its own (fMP4 from Kafka): the studio can watch it. */
  preview?: PreviewTap;
  /** A Kafka node's figures for the metrics tick. */
  kafkaMetrics?(): KafkaNodeMetrics | undefined;
  /** A Redis sink: what it keeps in Redis now, read from Redis, for the live-state panel. */
  liveState?(): Promise<Omit<LiveStateView, 'nodeId'>>;
  /** The event-time clock of the node's inputs moved (only where `ctx.eventTime`): a window fires what it passes. */
  onWatermark?(mark: Watermark): Promise<void> | void;
  /** A window: how far behind its input's clock the watermark it sends on is (its bounded out-of-orderness). */
  readonly watermarkDelayMs?: number;
  /** Watermark figures for the metrics tick (windows, sources that send watermarks). */
  eventTimeMetrics?(): EventTimeMetrics | undefined;
}

/** Reports a problem with one config field during lint, e.g. an expression that does not compile. */
export type LintReport = (field: string, message: string) => void;

export interface NodeSpec<S extends z.ZodObject = z.ZodObject> extends NodeTypeBasics {
  config: S;
  /**
   * Stateless per-batch operators may be chained: run inside the upstream operator's call, with no queue between
   * them (Flink's operator chaining). Metrics still count per node.
   */
  chainable?: boolean;
  /** A media node: its role in the group of media nodes that runs as one ffmpeg process. */
  media?: MediaRole;
  /** A media source's ffmpeg input, a media sink's or packager's ffmpeg output. */
  mediaHooks?: {
    input?(config: z.output<S>, startMs: number): MediaInput;
    output?(config: z.output<S>, place: OutputPlace): MediaOutput;
  };
  /** The node keeps references to records after emitting them, so downstream must not change them in place. */
  keepsEmitted?: boolean;
  /** A source that sends watermarks with its records (`ctx.watermark`): the nodes downstream run on its clock. */
  eventTime?: boolean;
  /** Checks beyond the schema (expressions compile, fields agree). */
  lint?(config: z.output<S>, report: LintReport): void;
  create(config: z.output<S>, ctx: NodeContext): NodeInstance;
}

/** Declare a node type (keeps the config type flowing from the schema into `create`). */
export function defineNode<S extends z.ZodObject>(spec: NodeSpec<S>): NodeSpec<S> {
  return spec;
}

/** The JSON Schema of a node's config, as a user writes it (fields with defaults are optional). */
export function configJsonSchema(spec: NodeSpec): Record<string, unknown> {
  const schema = z.toJSONSchema(spec.config, { io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

function typeName(s: Record<string, unknown>): string {
  if (Array.isArray(s.enum)) return 'enum';
  if (typeof s.type === 'string')
    return s.type === 'array' && s.items ? `${typeName(s.items as Record<string, unknown>)}[]` : s.type;
  if (Array.isArray(s.anyOf)) return (s.anyOf as Record<string, unknown>[]).map(typeName).join(' | ');
  return 'any';
}

/** The serializable description of a node type, derived from its spec. */
export function describeNode(spec: NodeSpec): NodeTypeInfo {
  const schema = configJsonSchema(spec);
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const fields: ConfigFieldInfo[] = Object.entries(props).map(([name, p]) => {
    const field: ConfigFieldInfo = {
      name,
      type: typeName(p),
      description: typeof p.description === 'string' ? p.description : '',
      required: required.has(name),
    };
    if ('default' in p) field.default = p.default;
    if (typeof p.unit === 'string') field.unit = p.unit;
    if (Array.isArray(p.enum)) field.enum = p.enum;
    return field;
  });
  return {
    type: spec.type,
    category: spec.category,
    title: spec.title,
    description: spec.description,
    inputs: spec.inputs,
    outputs: spec.outputs,
    fields,
    configSchema: schema,
    ...(spec.media ? { media: spec.media } : {}),
  };
}
