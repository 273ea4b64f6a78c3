/** How the canvas frames a graph and sizes its text for the zoom. */
import type { ReactFlowState } from '@xyflow/react';
import { detailZoom, SMALL_GRAPH } from '../state/detail';

/** The most a view is zoomed in to frame a graph: one or two nodes are shown at their size, not blown up. */
export const FIT_MAX_ZOOM = 1;
/** Room around a framed graph: the top leaves the lock banner (shown while running) clear of the nodes. */
export const FIT_PADDING = { top: '60px', right: '4%', bottom: '4%', left: '4%' } as const;

/**
 * Zoomed out, node names and rates are drawn larger, so that on screen they stay about as large as at 100 %: the
 * factor, in quarter steps (a change restyles every node in detail, so only a step crosses it), 1 at 95 % and up.
 * (Further out than detail goes, nodes are drawn as boxes, and the factor is not used.)
 */
export function legibleScale(zoom: number): number {
  if (zoom >= 0.95) return 1;
  return Math.min(3.5, Math.ceil(4 / zoom) / 4);
}

/**
 * The factor the canvas draws its text with now: only for a graph small enough to restyle at once (every node in
 * view changes size with the factor and xyflow measures each again: with hundreds that held zooming for 300 ms), and
 * 1 out of detail, where nodes are boxes.
 */
export const labelScaleOf = (s: Pick<ReactFlowState, 'transform' | 'nodeLookup'>): number =>
  s.nodeLookup.size > SMALL_GRAPH || s.transform[2] < detailZoom(s.nodeLookup.size) ? 1 : legibleScale(s.transform[2]);
