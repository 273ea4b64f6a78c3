/**
 * A set of node types to validate and run documents against. The composition roots (CLI, web host, Electron main,
 * the schema script) make one from the built-in node types (nodes/registry.ts) and hand it to the rest.
 */
import type { NodeTypeInfo } from '../../shared/spec';
import { describeNode } from './describe';
import type { NodeSpec } from './spec';

export interface NodeRegistry {
  get(type: string): NodeSpec | undefined;
  all(): readonly NodeSpec[];
  /** Every node type, described for the studio and the CLI (computed once). */
  describe(): NodeTypeInfo[];
}

/** Make a registry from specs (the built-in ones, or those extended by an embedding program). */
export function createRegistry(specs: readonly NodeSpec[]): NodeRegistry {
  const byType = new Map(specs.map((s) => [s.type, s]));
  let infos: NodeTypeInfo[] | undefined;
  return { get: (type) => byType.get(type), all: () => specs, describe: () => (infos ??= specs.map(describeNode)) };
}
