/**
 * A pipeline document that passed validation: every node with its spec and its config with defaults applied.
 * What the planner, the runtime and the lints read.
 */
import type { PipelineDocument } from '../../shared/document';
import type { NodeSpec } from '../contract/spec';

export interface ResolvedNode {
  id: string;
  spec: NodeSpec;
  /** The config with defaults applied. */
  config: unknown;
}

/** A document that passed validation, ready to plan and run. */
export interface ResolvedPipeline {
  doc: PipelineDocument;
  nodes: ResolvedNode[];
  /** Node ids in topological order (sources first). */
  order: string[];
}

/** The document with every node's config as resolved (defaults filled in): what the CLI and the workers read. */
export function resolvedDocument(pipeline: ResolvedPipeline): PipelineDocument {
  const configs = new Map(pipeline.nodes.map((n) => [n.id, n.config as Record<string, unknown>]));
  return { ...pipeline.doc, nodes: pipeline.doc.nodes.map((n) => ({ ...n, config: configs.get(n.id) ?? n.config })) };
}
