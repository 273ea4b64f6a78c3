/**
 * How a node type is declared: one spec per type is the single source for validation, the JSON Schema,
 * the palette, the inspector form and `sluice nodes`.
 */
import type { z } from 'zod';
import type { NodeTypeBasics } from '../../shared/spec';
import type { MediaHooks, MediaRole } from './media';
import type { NodeContext, NodeInstance } from './node';

export type { FusableStep, Hold, NodeContext, NodeInstance, Rec, SourceContext, Watermark } from './node';
export { bytesItem, bytesOf } from './node';

/** What kind of problem a lint found: an expression that does not compile, or fields that do not agree. */
export type LintKind = 'expression' | 'config';

/** Reports a problem with one config field during lint (`kind` says which; default `config`). */
export type LintReport = (field: string, message: string, kind?: LintKind) => void;

/**
 * A node type. `C` is the context its `create` takes: `NodeContext`, or one with the abilities it opts into
 * (`SourceContext`, `MediaNodeContext`); the flow's runner gives every node all of them.
 */
export interface NodeSpec<
  S extends z.ZodObject = z.ZodObject,
  C extends NodeContext = NodeContext,
> extends NodeTypeBasics {
  config: S;
  /**
   * Stateless per-batch operators may be chained: run inside the upstream operator's call, with no queue between
   * them (Flink's operator chaining). Metrics still count per node.
   */
  chainable?: boolean;
  /** A media node: its role in the group of media nodes that runs as one ffmpeg process. */
  media?: MediaRole;
  /** A media source's ffmpeg input, a media sink's or packager's ffmpeg output. */
  mediaHooks?: MediaHooks<z.output<S>>;
  /**
   * A media sink whose stream comes back to Node through a pipe (its output's target is `pipe:<fd>`), as a
   * packager's does, but lossy: what it cannot take at once is dropped, never holding up the group's process.
   */
  mediaPipe?: 'lossy';
  /** The node keeps references to records after emitting them, so downstream must not change them in place. */
  keepsEmitted?: boolean;
  /** A source that sends watermarks with its records (`ctx.watermark`): the nodes downstream run on its clock. */
  eventTime?: boolean;
  /** Checks beyond the schema (expressions compile, fields agree). */
  lint?(config: z.output<S>, report: LintReport): void;
  create(config: z.output<S>, ctx: C): NodeInstance;
}

/** Declare a node type (keeps the config type flowing from the schema into `create`). */
export function defineNode<S extends z.ZodObject, C extends NodeContext = NodeContext>(
  spec: NodeSpec<S, C>,
): NodeSpec<S, C> {
  return spec;
}
