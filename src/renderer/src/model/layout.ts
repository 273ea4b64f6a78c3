/**
 * Auto-layout, left to right: dagre ranks the nodes by their edges (sources left, sinks right) and orders each
 * rank to cut crossings. Picked over elkjs for being small and synchronous; our nodes have few ports, so ELK's
 * port-aware routing would add 1.5 MB for little.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { PipelineDocument, Position } from '../../../shared/document';
import { moveNodes } from '../../../shared/edit/commands';

export interface NodeSize {
  width: number;
  height: number;
}

/** The size a node is laid out with when the canvas has not measured it. */
export const DEFAULT_NODE_SIZE: NodeSize = { width: 190, height: 96 };

/** Lay out `ids` (default: every node) left to right; other nodes keep their places. */
export function autoLayout(
  doc: PipelineDocument,
  sizes: ReadonlyMap<string, NodeSize> = new Map(),
  ids?: ReadonlySet<string>,
): PipelineDocument {
  const chosen = ids ?? new Set(doc.nodes.map((n) => n.id));
  if (chosen.size === 0) return doc;
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 130, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of doc.nodes) if (chosen.has(n.id)) g.setNode(n.id, { ...(sizes.get(n.id) ?? DEFAULT_NODE_SIZE) });
  for (const e of doc.edges)
    if (chosen.has(e.from.node) && chosen.has(e.to.node)) g.setEdge(e.from.node, e.to.node, {}, e.id);
  layout(g);
  // Keep the laid-out group where its top-left corner was, so a partial layout does not jump across the canvas.
  const before = doc.nodes.filter((n) => chosen.has(n.id));
  const left = Math.min(...before.map((n) => n.position.x));
  const top = Math.min(...before.map((n) => n.position.y));
  const placed = new Map<string, Position>();
  for (const id of chosen) {
    const p = g.node(id) as { x: number; y: number; width: number; height: number } | undefined;
    if (p) placed.set(id, { x: p.x - p.width / 2, y: p.y - p.height / 2 });
  }
  const minX = Math.min(...[...placed.values()].map((p) => p.x));
  const minY = Math.min(...[...placed.values()].map((p) => p.y));
  for (const [id, p] of placed) placed.set(id, { x: p.x - minX + left, y: p.y - minY + top });
  return moveNodes(doc, placed);
}
