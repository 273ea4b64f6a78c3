/** Where a floating hint goes on screen. */

/** Gap between the pointer and the hint, and between the hint and the window's edge. */
const GAP = 14;
const MARGIN = 8;

/** Where a box of size w×h goes near the point (x, y): below right, else flipped to the side that has room. */
export function placeHint(
  x: number,
  y: number,
  w: number,
  h: number,
  view: { width: number; height: number },
): { left: number; top: number } {
  let left = x + GAP;
  let top = y + GAP;
  if (left + w > view.width - MARGIN) left = x - GAP - w;
  if (top + h > view.height - MARGIN) top = y - GAP - h;
  return {
    left: Math.max(MARGIN, Math.min(left, view.width - MARGIN - w)),
    top: Math.max(MARGIN, Math.min(top, view.height - MARGIN - h)),
  };
}
