import { DETAIL_ZOOM } from '../state/detail';

/**
 * Zoomed out, node names and rates are drawn larger, so that on screen they stay about as large as at 100 %: the
 * factor, in quarter steps (a change restyles every node in detail, so only a step crosses it). 1 at 95 % and up;
 * none below DETAIL_ZOOM, where nodes are drawn as boxes.
 */
export function legibleScale(zoom: number): number {
  if (zoom >= 0.95 || zoom < DETAIL_ZOOM) return 1;
  return Math.min(2.5, Math.ceil(4 / zoom) / 4);
}
