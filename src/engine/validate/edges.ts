/**
 * Pass 3, the edges: each entry's shape and id, both ends on existing nodes and ports, the port types agree, and
 * the whole flows one way (codes `structure`, `duplicate-id`, `unknown-node`, `unknown-port`, `port-type`, `cycle`).
 */
import type { PipelineEdge } from '../../shared/document';
import { canFeed, portTypeFor } from '../../shared/ports';
import type { ValidationIssue } from '../../shared/validation';
import { edgeSchema } from '../document/schema';
import type { ResolvedNode } from '../document/resolved';
import { closingEdge, topoOrder } from '../document/topo-order';
import { parseEntry } from './entries';
import { ptr } from './issues';

export function checkEdges(
  rawEdges: unknown[],
  nodes: ResolvedNode[],
  seen: ReadonlyMap<string, number>,
  issues: ValidationIssue[],
): { edges: PipelineEdge[]; order: string[] } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges: PipelineEdge[] = [];
  const edgeIds = new Map<string, number>();
  rawEdges.forEach((e, i) => {
    const base = ptr('edges', i);
    const edge = parseEntry(edgeSchema, e, 'edge', i, edgeIds, issues);
    if (!edge) return;
    const ends = [
      { end: 'from', ref: edge.from, dir: 'output' as const },
      { end: 'to', ref: edge.to, dir: 'input' as const },
    ];
    const types: string[] = [];
    for (const { end, ref, dir } of ends) {
      const node = byId.get(ref.node);
      if (!node) {
        // A node that exists but failed its own checks is already reported; only truly missing ones are named here.
        if (!seen.has(ref.node))
          issues.push({
            code: 'unknown-node',
            pointer: base + ptr(end, 'node'),
            edgeId: edge.id,
            message: `edge ${end} unknown node "${ref.node}"`,
          });
        continue;
      }
      const ports = dir === 'output' ? node.spec.outputs : node.spec.inputs;
      const port = ports.find((p) => p.name === ref.port);
      if (!port) {
        const names = ports.map((p) => `"${p.name}"`).join(', ');
        issues.push({
          code: 'unknown-port',
          pointer: base + ptr(end, 'port'),
          edgeId: edge.id,
          nodeId: node.id,
          message: `node "${node.id}" (${node.spec.type}) has no ${dir} port "${ref.port}"; its ${dir} ports: ${names || 'none'}`,
        });
        continue;
      }
      types.push(portTypeFor(port.type, node.config as Record<string, unknown>));
    }
    if (types.length === 2) {
      const verdict = canFeed(types[0]!, types[1]!);
      if (!verdict.ok) issues.push({ code: 'port-type', pointer: base, edgeId: edge.id, message: verdict.reason });
    }
    edges.push(edge);
  });

  const { order, cyclic } = topoOrder(
    nodes.map((n) => n.id),
    edges,
  );
  if (cyclic.length) {
    // Named at the edge that closes the loop: the one to remove (or turn around).
    const closing = closingEdge(cyclic, edges);
    const at = closing ? rawEdges.findIndex((e) => (e as { id?: unknown } | null)?.id === closing.id) : -1;
    issues.push({
      code: 'cycle',
      pointer: at >= 0 ? ptr('edges', at) : '/edges',
      nodeId: cyclic[0],
      ...(closing ? { edgeId: closing.id } : {}),
      message: `the edges form a cycle through nodes ${cyclic.map((c) => `"${c}"`).join(', ')}${closing ? `, closed by edge "${closing.id}" (${closing.from.node} → ${closing.to.node})` : ''}; a pipeline must flow one way`,
    });
  }
  return { edges, order };
}
