/** The generated pipeline the editor benchmark opens. */
import type { PipelineDocument, PipelineEdge, PipelineNode } from '../src/shared/document';

/**
 * `groups` copies of a 10-node, 12-edge live-room graph: two branches from one source (filter → map → key-by →
 * window → debug, and filter → map → key-by → debug) with three wires across them.
 */
export function largePipeline(groups: number): PipelineDocument {
  const nodes: PipelineNode[] = [];
  const edges: PipelineEdge[] = [];
  for (let g = 0; g < groups; g++) {
    const y = g * 260;
    const n = (id: string, type: string, col: number, row: number, config: Record<string, unknown>) =>
      nodes.push({ id: `${id}-${g}`, type, position: { x: col * 240, y: y + row * 120 }, config });
    n('room', 'live-room', 0, 0, { rate: 40, rooms: 4, seed: g + 1 });
    n('gifts', 'filter', 1, 0, { expression: "type = 'gift'" });
    n('coins', 'map', 2, 0, { expression: '{"room": room, "ts": ts, "coins": coins}' });
    n('by-room', 'key-by', 3, 0, { key: 'room' });
    n('per-second', 'window', 4, 0, { aggregates: [{ op: 'sum', field: 'coins', as: 'coins' }] });
    n('board', 'debug', 5, 0, { keep: 10 });
    n('likes', 'filter', 1, 1, { expression: "type = 'like'" });
    n('like-count', 'map', 2, 1, { expression: '{"room": room, "ts": ts, "n": count}' });
    n('likes-by-room', 'key-by', 3, 1, { key: 'room' });
    n('likes-board', 'debug', 5, 1, { keep: 10 });
    const e = (from: string, port: string, to: string) =>
      edges.push({
        id: `e${edges.length + 1}`,
        from: { node: `${from}-${g}`, port },
        to: { node: `${to}-${g}`, port: 'in' },
      });
    e('room', 'out', 'gifts');
    e('gifts', 'out', 'coins');
    e('coins', 'out', 'by-room');
    e('by-room', 'out', 'per-second');
    e('per-second', 'out', 'board');
    e('room', 'out', 'likes');
    e('likes', 'out', 'like-count');
    e('like-count', 'out', 'likes-by-room');
    e('likes-by-room', 'out', 'likes-board');
    e('per-second', 'late', 'likes-board');
    e('coins', 'out', 'likes-board');
    e('gifts', 'out', 'board');
  }
  return { version: 1, name: `Scale test (${nodes.length} nodes)`, nodes, edges };
}
