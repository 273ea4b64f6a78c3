/**
 * While a wire hovers a port that refuses it, say why next to the pointer. Drawn over the whole window (not inside
 * the canvas, whose edge would cut it, nor scaled by its zoom), and turned to whichever side of the pointer has room.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useConnection, useReactFlow, type ConnectionState } from '@xyflow/react';
import type { ConnectionVerdict } from '../../../shared/edit/commands';
import { placeHint } from './placement';

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
