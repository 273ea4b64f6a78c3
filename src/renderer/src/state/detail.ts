/**
 * Which nodes and wires are drawn in full detail: zoomed in enough to read and on screen. Only those subscribe to
 * live figures, so a metrics tick re-renders what can be seen and nothing else.
 *
 * Worked out in one place from the canvas's viewport, at most every THROTTLE_MS while the view moves, instead of
 * one viewport selector per element: with 500 nodes and 600 wires that was 1,100 selector calls on every frame of
 * a pan.
 */
import type { ReactFlowState } from '@xyflow/react';
import { KeyedStore, useKeyed } from './keyed';
import { throttled } from './store';

/** Below this zoom nodes and wires are drawn without live figures (too small to read). */
export const DETAIL_ZOOM = 0.45;
/**
 * A graph of up to SMALL_GRAPH nodes keeps its detail further out, to SMALL_DETAIL_ZOOM: drawing them all in full
 * costs little, and their names, drawn larger (see legible.ts), still read — as with the demo beside a docked panel.
 */
export const SMALL_GRAPH = 60;
export const SMALL_DETAIL_ZOOM = 0.3;

/** Below which zoom a graph of `nodes` nodes is drawn without its text. */
export const detailZoom = (nodes: number): number => (nodes <= SMALL_GRAPH ? SMALL_DETAIL_ZOOM : DETAIL_ZOOM);

/** While the view moves, detail is worked out at most this often, in milliseconds. */
const THROTTLE_MS = 120;

/** A node's size before it has been measured. */
const DEFAULT_SIZE = { width: 190, height: 96 };

export const nodeDetail = new KeyedStore(false);
export const edgeDetail = new KeyedStore(false);

export const useNodeDetail = (id: string): boolean => useKeyed(nodeDetail, id);
export const useEdgeDetail = (id: string): boolean => useKeyed(edgeDetail, id);

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The screen-space boxes of every node and wire that is in view at a readable zoom. */
export function inDetail(s: Pick<ReactFlowState, 'transform' | 'width' | 'height' | 'nodeLookup' | 'edges'>): {
  nodes: Map<string, boolean>;
  edges: Map<string, boolean>;
} {
  const nodes = new Map<string, boolean>();
  const edges = new Map<string, boolean>();
  const [tx, ty, z] = s.transform;
  if (z < detailZoom(s.nodeLookup.size)) return { nodes, edges };
  const boxes = new Map<string, Box>();
  const visible = (b: Box) => b.left < s.width && b.top < s.height && b.right > 0 && b.bottom > 0;
  for (const [id, n] of s.nodeLookup) {
    const { x, y } = n.internals.positionAbsolute;
    const width = n.measured.width ?? n.width ?? DEFAULT_SIZE.width;
    const height = n.measured.height ?? n.height ?? DEFAULT_SIZE.height;
    const box = { left: x * z + tx, top: y * z + ty, right: (x + width) * z + tx, bottom: (y + height) * z + ty };
    boxes.set(id, box);
    if (visible(box)) nodes.set(id, true);
  }
  for (const e of s.edges) {
    const a = boxes.get(e.source);
    const b = boxes.get(e.target);
    if (!a || !b) continue;
    // The wire runs from the right of its source to the left of its target.
    const box = {
      left: Math.min(a.right, b.left),
      top: Math.min(a.top, b.top),
      right: Math.max(a.right, b.left),
      bottom: Math.max(a.bottom, b.bottom),
    };
    if (visible(box)) edges.set(e.id, true);
  }
  return { nodes, edges };
}

interface FlowStoreApi {
  getState(): ReactFlowState;
  subscribe(listener: () => void): () => void;
}

/** Keep `nodeDetail` and `edgeDetail` up to date with the canvas; returns the function that stops it. */
export function trackDetail(api: FlowStoreApi): () => void {
  const compute = throttled(() => {
    const { nodes, edges } = inDetail(api.getState());
    nodeDetail.replace(nodes);
    edgeDetail.replace(edges);
  }, THROTTLE_MS);
  // Any change of the canvas (viewport, size, nodes measured or moved, wires) may change the answer; working it
  // out is cheap (a box test per element), so every change schedules it, at most once per THROTTLE_MS.
  const unsubscribe = api.subscribe(compute.schedule);
  compute.run();
  return () => {
    unsubscribe();
    compute.cancel();
    nodeDetail.replace(new Map());
    edgeDetail.replace(new Map());
  };
}
