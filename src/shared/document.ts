/**
 * The pipeline document, version 1: the file format users read, diff and commit.
 */
import type { ParameterDeclaration } from './parameters';

export const PIPELINE_VERSION = 1;

export interface Position {
  x: number;
  y: number;
}

export interface PipelineNode {
  id: string;
  type: string;
  position: Position;
  config: Record<string, unknown>;
}

export interface PortRef {
  node: string;
  port: string;
}

/** What a full queue does: `block` makes the producer wait (back pressure); `drop` discards new records, counted. */
export type OverflowPolicy = 'block' | 'drop';

export interface EdgeQueueSettings {
  maxRecords?: number;
  maxBytes?: number;
  overflow?: OverflowPolicy;
}

export interface PipelineEdge {
  id: string;
  from: PortRef;
  to: PortRef;
  queue?: EdgeQueueSettings;
}

/** How the pipeline's data part runs when deployed to Flink (a connection profile's values stand where these are left out). */
export interface FlinkSettings {
  /** How often Flink checkpoints: Kafka offsets, window state, and (exactly once) the sinks' writes become final. */
  checkpointIntervalMs?: number;
  /**
   * exactly-once: aligned checkpoints, transactional Kafka writes (readers with read_committed see each result once),
   * Redis sinks only in modes a replay cannot add to twice. at-least-once: no transactions; a restart may write a
   * result again.
   */
  checkpointMode?: CheckpointMode;
  /** Parallelism of every operator. */
  parallelism?: number;
}

export type CheckpointMode = 'exactly-once' | 'at-least-once';

/** Their bounds and defaults, declared once (the schema, the compiler and the inspector read them). */
export const FLINK_SETTINGS = {
  checkpointIntervalMs: { min: 100, max: 3_600_000 },
  checkpointMode: { values: ['exactly-once', 'at-least-once'] as const, default: 'exactly-once' as const },
  parallelism: { min: 1, max: 10_000 },
};

export interface PipelineDocument {
  version: number;
  name: string;
  description?: string;
  /** Parameters by name: any config value may be `${name}` (see shared/parameters.ts). */
  parameters?: Record<string, ParameterDeclaration>;
  /** Settings for running the data part on Apache Flink. */
  flink?: FlinkSettings;
  nodes: PipelineNode[];
  edges: PipelineEdge[];
}

/** An edge's queue: its bounds and defaults, declared once (the schema, the flow and the inspector read them). */
export const QUEUE = {
  maxRecords: { min: 1, max: 10_000_000, default: 1000 },
  maxBytes: { min: 1024, default: 64 * 1024 * 1024 },
  overflow: { values: ['block', 'drop'] as const, default: 'block' as const },
};
export const DEFAULT_QUEUE_RECORDS = QUEUE.maxRecords.default;
export const DEFAULT_QUEUE_BYTES = QUEUE.maxBytes.default;

/** Key order of the known objects; keys not listed follow in alphabetical order. */
const KEY_ORDER: Record<string, readonly string[]> = {
  document: ['version', 'name', 'description', 'parameters', 'flink', 'nodes', 'edges'],
  parameter: ['type', 'default', 'description', 'secret'],
  flink: ['checkpointIntervalMs', 'checkpointMode', 'parallelism'],
  node: ['id', 'type', 'position', 'config'],
  edge: ['id', 'from', 'to', 'queue'],
  ref: ['node', 'port'],
  position: ['x', 'y'],
  queue: ['maxRecords', 'maxBytes', 'overflow'],
};

function ordered(value: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (value[k] !== undefined) out[k] = value[k];
  for (const k of Object.keys(value).sort()) if (!(k in out) && value[k] !== undefined) out[k] = value[k];
  return out;
}

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src).sort()) out[k] = sortedDeep(src[k]);
    return out;
  }
  return value;
}

/**
 * Serialize a document with a stable key order and 2-space indent, so that a one-field change is a one-line diff.
 * Config keys are sorted alphabetically at every depth.
 */
export function serializeDocument(doc: PipelineDocument): string {
  const o = KEY_ORDER;
  const shaped = ordered(
    {
      ...doc,
      parameters: doc.parameters
        ? Object.fromEntries(Object.entries(doc.parameters).map(([k, p]) => [k, ordered({ ...p }, o.parameter!)]))
        : undefined,
      nodes: doc.nodes.map((n) =>
        ordered({ ...n, position: ordered({ ...n.position }, o.position!), config: sortedDeep(n.config) }, o.node!),
      ),
      edges: doc.edges.map((e) =>
        ordered(
          {
            ...e,
            from: ordered({ ...e.from }, o.ref!),
            to: ordered({ ...e.to }, o.ref!),
            queue: e.queue ? ordered({ ...e.queue }, o.queue!) : undefined,
          },
          o.edge!,
        ),
      ),
    },
    o.document!,
  );
  return JSON.stringify(shaped, null, 2) + '\n';
}
