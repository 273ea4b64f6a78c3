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
  const wired = new Set<string>();
  for (const e of doc.edges)
    if (chosen.has(e.from.node) && chosen.has(e.to.node)) {
      g.setEdge(e.from.node, e.to.node, {}, e.id);
      wired.add(e.from.node).add(e.to.node);
    }
  // Nodes with no wire among them would all share the first rank, stacked in a column: they go in a row instead,
  // in the order they stand from left to right (as a pipeline is read before it is wired).
  const loose = doc.nodes
    .filter((n) => chosen.has(n.id) && !wired.has(n.id))
    .sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y);
  for (let i = 1; i < loose.length; i++) g.setEdge(loose[i - 1]!.id, loose[i]!.id, {}, `row-${i}`);
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

/** Room kept between a placed node and its neighbours. */
const GAP = 30;

/** How far from where it was asked for a free place is looked for, in half node sizes each way. */
const SEARCH = 16;

/**
 * Where a node added at `at` goes so that it covers no other node: there if it is free, else the nearest free place
 * around it (looked for on a grid of half a node's size; to the right and below first when two are as near).
 */
export function freeSpot(
  doc: PipelineDocument,
  at: Position,
  sizes: ReadonlyMap<string, NodeSize> = new Map(),
  size: NodeSize = DEFAULT_NODE_SIZE,
): Position {
  const boxes = doc.nodes.map((n) => ({ ...n.position, ...(sizes.get(n.id) ?? DEFAULT_NODE_SIZE) }));
  const free = (p: Position) =>
    boxes.every(
      (b) =>
        p.x + size.width + GAP <= b.x ||
        b.x + b.width + GAP <= p.x ||
        p.y + size.height + GAP <= b.y ||
        b.y + b.height + GAP <= p.y,
    );
  if (free(at)) return at;
  const stepX = (size.width + GAP) / 2;
  const stepY = (size.height + GAP) / 2;
  const candidates: { p: Position; d: number }[] = [];
  for (let i = -SEARCH; i <= SEARCH; i++)
    for (let j = -SEARCH; j <= SEARCH; j++) {
      const dx = i * stepX;
      const dy = j * stepY;
      // Nearer first; on a tie, right of and below before left of and above.
      candidates.push({
        p: { x: Math.round(at.x + dx), y: Math.round(at.y + dy) },
        d: dx * dx + dy * dy - (dx + dy) * 1e-3,
      });
    }
  candidates.sort((a, b) => a.d - b.d);
  return candidates.find((c) => free(c.p))?.p ?? at;
}

/** The sizes the canvas measured, by node id. */
export function nodeSizes(
  nodes: readonly { id: string; measured?: { width?: number; height?: number } }[],
): Map<string, NodeSize> {
  return new Map(
    nodes.map((n) => [
      n.id,
      {
        width: n.measured?.width ?? DEFAULT_NODE_SIZE.width,
        height: n.measured?.height ?? DEFAULT_NODE_SIZE.height,
      },
    ]),
  );
}
