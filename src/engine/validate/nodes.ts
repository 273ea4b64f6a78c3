/**
 * Pass 2, the nodes: each entry's shape and id, its type in the registry, no secrets in its config, its config
 * against its spec, and the spec's own lint (codes `structure`, `duplicate-id`, `unknown-node-type`, `secret`,
 * `config`, `expression`).
 */
import type { PipelineDocument } from '../../shared/document';
import type { ValidationIssue } from '../../shared/validation';
import type { NodeRegistry } from '../contract/registry';
import { nodeEnvelopeSchema } from '../document/schema';
import type { ResolvedNode } from '../document/resolved';
import { findSecrets } from '../secrets/scan';
import { parseEntry } from './entries';
import { ParameterResolver } from '../params/resolve';
import { distance, ptr, zodIssues } from './issues';

function nearestType(type: string, registry: NodeRegistry): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const s of registry.all()) {
    const d = distance(type.toLowerCase(), s.type);
    if (d < bestD) [best, bestD] = [s.type, d];
  }
  return bestD <= Math.max(3, Math.floor(type.length / 2)) ? best : undefined;
}

export interface NodesResult {
  /** The nodes that passed, resolved. */
  nodes: ResolvedNode[];
  /** Their entries in the document. */
  docNodes: PipelineDocument['nodes'];
  /** Every id seen (also of nodes that failed their own checks), with its index. */
  seen: Map<string, number>;
}

export function checkNodes(
  rawNodes: unknown[],
  registry: NodeRegistry,
  issues: ValidationIssue[],
  params: ParameterResolver = new ParameterResolver({}),
): NodesResult {
  const nodes: ResolvedNode[] = [];
  const docNodes: PipelineDocument['nodes'] = [];
  const seen = new Map<string, number>();
  rawNodes.forEach((n, i) => {
    const base = ptr('nodes', i);
    const node = parseEntry(nodeEnvelopeSchema, n, 'node', i, seen, issues);
    if (!node) return;
    const spec = registry.get(node.type);
    if (!spec) {
      const near = nearestType(node.type, registry);
      issues.push({
        code: 'unknown-node-type',
        pointer: base + '/type',
        nodeId: node.id,
        message: `unknown node type "${node.type}"${near ? `; did you mean "${near}"?` : ''}`,
      });
      return;
    }
    const secrets = findSecrets(node.config, '', (name) => params.isSecret(name));
    for (const s of secrets) {
      issues.push({
        code: 'secret',
        pointer: base + '/config' + s.pointer,
        nodeId: node.id,
        message: `secrets are never kept in pipeline files, and this looks like one (${s.why}): keep it in a connection profile (the app's settings) and its secret in the secret store or SLUICE_SECRET_<PROFILE>`,
      });
    }
    if (secrets.length) return;
    const before = issues.length;
    const { config, notes, resolved } = params.config(node.config, base + '/config', node.id, issues);
    if (!resolved || issues.length > before) return;
    const cfg = spec.config.safeParse(config);
    if (!cfg.success) {
      // A value that came from a parameter says so: which one, its value and where that came from.
      const found = zodIssues(cfg.error, base + '/config', { nodeId: node.id }, 'config').map((i) => {
        const note = ParameterResolver.explain(notes, i.pointer);
        return note ? { ...i, message: `${i.message} — ${note}` } : i;
      });
      issues.push(...found);
      return;
    }
    spec.lint?.(cfg.data, (field, message, kind = 'config') =>
      issues.push({
        code: kind,
        pointer: base + ptr('config', field),
        nodeId: node.id,
        message: `"${field}": ${message}`,
      }),
    );
    nodes.push({ id: node.id, spec, config: cfg.data });
    docNodes.push(node);
  });

  return { nodes, docNodes, seen };
}
