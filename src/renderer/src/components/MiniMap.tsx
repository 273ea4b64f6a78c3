/**
 * The minimap: every node as a small box on a canvas, and the part of the graph in view as a frame. Click or drag
 * in it to move the view there; the wheel zooms.
 *
 * Ours rather than xyflow's <MiniMap>: that one keeps a React component and a store subscription per node, so with
 * 500 nodes every frame of a pan ran 500 selectors and redrew its SVG. Here the boxes are painted once per change
 * of the nodes, and a pan moves one absolutely positioned frame.
 */
import { useEffect, useRef, type PointerEvent } from 'react';
import { useStoreApi, type InternalNode, type ReactFlowState } from '@xyflow/react';
import type { PipelineFlowNode } from './NodeView';

const WIDTH = 200;
const HEIGHT = 150;
/** Room around the nodes, as a share of the graph's size. */
const PAD = 0.08;
const COLOURS: Record<string, string> = { sources: '#4f7fc4', operators: '#b08a3a', sinks: '#3f9a68' };
const SELECTED = '#e8eefc';
const OTHER = '#6b8bbd';

interface Frame {
  /** The graph's box in flow coordinates (nodes plus padding). */
  x: number;
  y: number;
  /** Minimap pixels per flow unit, and where the graph's box starts in the minimap. */
  scale: number;
  ox: number;
  oy: number;
}

const sizeOf = (n: InternalNode) => ({ w: n.measured.width ?? n.width ?? 190, h: n.measured.height ?? n.height ?? 96 });

function frameOf(s: ReactFlowState): Frame | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of s.nodeLookup.values()) {
    const { x, y } = n.internals.positionAbsolute;
    const { w, h } = sizeOf(n);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + w);
    y1 = Math.max(y1, y + h);
  }
  if (x0 === Infinity) return undefined;
  const padX = (x1 - x0) * PAD + 40;
  const padY = (y1 - y0) * PAD + 40;
  x0 -= padX;
  x1 += padX;
  y0 -= padY;
  y1 += padY;
  const scale = Math.min(WIDTH / (x1 - x0), HEIGHT / (y1 - y0));
  return { x: x0, y: y0, scale, ox: (WIDTH - (x1 - x0) * scale) / 2, oy: (HEIGHT - (y1 - y0) * scale) / 2 };
}

function paintNodes(canvas: HTMLCanvasElement, s: ReactFlowState, f: Frame | undefined): void {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== WIDTH * ratio) {
    canvas.width = WIDTH * ratio;
    canvas.height = HEIGHT * ratio;
  }
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, WIDTH, HEIGHT);
  if (!f) return;
  for (const n of s.nodeLookup.values()) {
    const { x, y } = n.internals.positionAbsolute;
    const { w, h } = sizeOf(n);
    const category = (n.internals.userNode as PipelineFlowNode).data?.info?.category;
    g.fillStyle = n.selected ? SELECTED : (COLOURS[category ?? ''] ?? OTHER);
    g.fillRect(
      f.ox + (x - f.x) * f.scale,
      f.oy + (y - f.y) * f.scale,
      Math.max(1, w * f.scale),
      Math.max(1, h * f.scale),
    );
  }
}

function placeView(view: HTMLDivElement, s: ReactFlowState, f: Frame | undefined): void {
  if (!f) {
    view.style.display = 'none';
    return;
  }
  const [tx, ty, z] = s.transform;
  const left = f.ox + (-tx / z - f.x) * f.scale;
  const top = f.oy + (-ty / z - f.y) * f.scale;
  view.style.display = '';
  view.style.transform = `translate(${left}px, ${top}px)`;
  view.style.width = `${(s.width / z) * f.scale}px`;
  view.style.height = `${(s.height / z) * f.scale}px`;
}

export function MiniMap() {
  const api = useStoreApi();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewRef = useRef<HTMLDivElement>(null);
  const frameRef = useRef<Frame | undefined>(undefined);

  useEffect(() => {
    let frame = 0;
    const repaint = () => {
      frame = 0;
      const s = api.getState();
      frameRef.current = frameOf(s);
      paintNodes(canvasRef.current!, s, frameRef.current);
      placeView(viewRef.current!, s, frameRef.current);
    };
    repaint();
    return api.subscribe((s, prev) => {
      const viewOnly =
        s.nodeLookup === prev.nodeLookup &&
        s.nodes === prev.nodes &&
        (s.transform !== prev.transform || s.width !== prev.width || s.height !== prev.height);
      // Panning and zooming move the frame; anything else (nodes added, moved, measured, selected) repaints the
      // boxes, at most once a frame.
      if (viewOnly) placeView(viewRef.current!, s, frameRef.current);
      else frame ||= requestAnimationFrame(repaint);
    });
  }, [api]);

  /** Centre the view on the graph point under the pointer. */
  const moveTo = (e: PointerEvent<HTMLDivElement>) => {
    const f = frameRef.current;
    const s = api.getState();
    if (!f || !s.panZoom) return;
    const r = canvasRef.current!.getBoundingClientRect();
    const x = f.x + (e.clientX - r.left - f.ox) / f.scale;
    const y = f.y + (e.clientY - r.top - f.oy) / f.scale;
    const z = s.transform[2];
    void s.panZoom.setViewport({ x: s.width / 2 - x * z, y: s.height / 2 - y * z, zoom: z });
  };

  return (
    <div
      className="minimap react-flow__panel bottom right"
      role="img"
      aria-label="minimap: click or drag to move the view, wheel to zoom"
      style={{ width: WIDTH, height: HEIGHT }}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        moveTo(e);
      }}
      onPointerMove={(e) => {
        if (e.currentTarget.hasPointerCapture(e.pointerId)) moveTo(e);
      }}
      onWheel={(e) => {
        const s = api.getState();
        void s.panZoom?.scaleBy(e.deltaY < 0 ? 1.2 : 1 / 1.2);
      }}
    >
      <canvas ref={canvasRef} style={{ width: WIDTH, height: HEIGHT }} />
      <div ref={viewRef} className="minimap-view" />
    </div>
  );
}
