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
