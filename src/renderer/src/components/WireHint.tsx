/**
 * While a wire hovers a port that refuses it, say why next to the pointer. Drawn over the whole window (not inside
 * the canvas, whose edge would cut it, nor scaled by its zoom), and turned to whichever side of the pointer has room.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useConnection, useReactFlow, type ConnectionState } from '@xyflow/react';
import type { ConnectionVerdict } from '../../../shared/edit/commands';

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

export function WireHint({ verdict }: { verdict: (c: ConnectionState) => ConnectionVerdict | undefined }) {
  const c = useConnection();
  const flow = useReactFlow();
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const v = verdict(c);
  const reason = v && !v.ok ? v.reason : undefined;
  // Measured once per reason shown (its text sets its size), before the browser paints it.
  useLayoutEffect(() => {
    const r = ref.current?.getBoundingClientRect();
    if (r) setSize((s) => (r.width === s.w && r.height === s.h ? s : { w: r.width, h: r.height }));
  }, [reason]);
  if (!c.inProgress || !reason) return null;
  const at = flow.flowToScreenPosition(c.to);
  const { left, top } = placeHint(at.x, at.y, size.w, size.h, { width: window.innerWidth, height: window.innerHeight });
  return createPortal(
    <div ref={ref} className="wire-hint" role="tooltip" style={{ left, top }}>
      {reason}
    </div>,
    document.body,
  );
}
