/**
 * The order nodes run in (sources first), and the nodes on cycles when the edges form one.
 */
import type { PipelineEdge } from '../../shared/document';

/** Find the nodes on cycles (those left after Kahn's algorithm removes every node it can). */
export function topoOrder(ids: string[], edges: PipelineEdge[]): { order: string[]; cyclic: string[] } {
  const indeg = new Map(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (!indeg.has(e.from.node) || !indeg.has(e.to.node)) continue;
    indeg.set(e.to.node, indeg.get(e.to.node)! + 1);
    next.get(e.from.node)!.push(e.to.node);
  }
  const queue = ids.filter((id) => indeg.get(id) === 0);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const n of next.get(id)!) {
      indeg.set(n, indeg.get(n)! - 1);
      if (indeg.get(n) === 0) queue.push(n);
    }
  }
  // What Kahn's algorithm leaves is the cycles plus whatever hangs below them; peel off the nodes whose outputs
  // lead nowhere within the remainder, so that only nodes on a cycle are named.
  const rest = new Set(ids.filter((id) => !order.includes(id)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of rest) {
      if (!next.get(id)!.some((n) => rest.has(n))) {
        rest.delete(id);
        changed = true;
      }
    }
  }
  return { order, cyclic: [...rest] };
}

/**
 * The edge that closes a cycle: walking from the nodes on cycles in the order given, along edges in document order,
 * the first edge that leads back to a node still on the walk's path.
 */
export function closingEdge(cyclic: string[], edges: PipelineEdge[]): PipelineEdge | undefined {
  const on = new Set(cyclic);
  const out = new Map<string, PipelineEdge[]>(cyclic.map((id) => [id, []]));
  for (const e of edges) if (on.has(e.from.node) && on.has(e.to.node)) out.get(e.from.node)!.push(e);
  const state = new Map<string, 'path' | 'done'>();
  const walk = (id: string): PipelineEdge | undefined => {
    state.set(id, 'path');
    for (const e of out.get(id)!) {
      const s = state.get(e.to.node);
      if (s === 'path') return e;
      if (!s) {
        const found = walk(e.to.node);
        if (found) return found;
      }
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of cyclic) {
    if (state.has(id)) continue;
    const found = walk(id);
    if (found) return found;
  }
  return undefined;
}
