import { memo, useMemo } from 'react';
import {
  BaseEdge,
  EdgeLabelRenderer,
  getBezierPath,
  useStore as useFlowStore,
  type Edge,
  type EdgeProps,
  type ReactFlowState,
} from '@xyflow/react';
import { useEdgeDetail } from '../state/detail';
import { useKeyed } from '../state/keyed';
import { useSelect } from '../state/store';
import { documentStore, edgeLevels, metricsStore, runStore } from '../state/studio';
import type { DocumentState } from '../state/document';
import { compact, mediaFigures } from './format';
import { labelScaleOf } from './legible';

/** About how wide a label's character is at 100 % (10 px text), and how high the label is, in canvas units. */
const LABEL_CHAR = 6;
const LABEL_HEIGHT = 16;

/** Whether a label of this size centred at (x, y) stays off every node. */
function labelClear(nodes: ReactFlowState['nodeLookup'], x: number, y: number, w: number, h: number): boolean {
  const [left, right, top, bottom] = [x - w / 2, x + w / 2, y - h / 2, y + h / 2];
  for (const n of nodes.values()) {
    const p = n.internals.positionAbsolute;
    const nw = n.measured.width ?? 0;
    const nh = n.measured.height ?? 0;
    if (p.x < right && p.x + nw > left && p.y < bottom && p.y + nh > top) return false;
  }
  return true;
}

export type MetricFlowEdge = Edge<{ chained?: boolean }, 'metric'>;

/** Queue fill as a colour (NiFi's thresholds): grey with no figures, green below 60 %, amber to 85 %, red above (back pressure). */
const FILL_COLOURS = ['#5b6b80', '#2fa36b', '#f5a524', '#f31260'];

/**
 * The wire's live label (records/s and queue fill), mounted only while the wire is drawn in detail: a metrics
 * tick re-renders this text on the wires in view, not the paths.
 */
/** The media output ports (`node.port`) of a document, worked out once per document. */
const mediaPortsOf = new WeakMap<object, Set<string>>();
function mediaPorts(s: DocumentState): Set<string> {
  let set = mediaPortsOf.get(s.doc);
  if (!set) {
    set = new Set();
    for (const n of s.doc.nodes)
      for (const p of s.nodeTypes.get(n.type)?.outputs ?? [])
        if (/^(video|audio)\//.test(p.type)) set.add(`${n.id}.${p.name}`);
    mediaPortsOf.set(s.doc, set);
  }
  return set;
}

function EdgeFigures({
  id,
  source,
  port,
  runId,
  x,
  y,
}: {
  id: string;
  source: string;
  port: string;
  runId: string;
  x: number;
  y: number;
}) {
  const scale = useFlowStore(labelScaleOf);
  // (Changes when nodes move or are measured, not while the view pans.)
  const nodeLookup = useFlowStore((s) => s.nodeLookup);
  const chained = useSelect(runStore, (s) => s.status.chainedEdges?.includes(id) ?? false);
  // A media wire carries frames inside ffmpeg, not records: its figures are the process's.
  const isMedia = useSelect(documentStore, (s) => mediaPorts(s).has(`${source}.${port}`));
  const media = useSelect(metricsStore, (m) => {
    const x = isMedia && m.latest?.runId === runId ? m.latest.nodes[source]?.media : undefined;
    return x && mediaFigures(x);
  });
  const rate = useSelect(metricsStore, (m) =>
    m.latest?.runId === runId ? m.latest.edges[id]?.recordsPerSec : undefined,
  );
  const queue = useSelect(metricsStore, (m) => {
    const e = m.latest?.runId === runId ? m.latest.edges[id] : undefined;
    return e ? `${e.length}/${e.capacity}` : undefined;
  });
  const text = rate === undefined ? undefined : (media ?? `${compact(rate)}/s · ${chained ? 'chained' : queue}`);
  // A label that would sit over a node (a short wire, or one passing close by another node) is left out: the
  // figures are on the nodes at its ends, and in the wire tap.
  const width = text === undefined ? 0 : Math.ceil(text.length / 4) * 4;
  const clear = useMemo(
    () => labelClear(nodeLookup, x, y, (width * LABEL_CHAR + 12) * scale, LABEL_HEIGHT * scale),
    [nodeLookup, x, y, width, scale],
  );
  if (text === undefined || !clear) return null;
  return (
    <EdgeLabelRenderer>
      <div
        className="edge-label"
        style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
        data-testid={`edge-rate-${id}`}
      >
        {text}
      </div>
    </EdgeLabelRenderer>
  );
}

function MetricEdgeImpl({
  id,
  source,
  sourceHandleId,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  selected,
  markerEnd,
}: EdgeProps<MetricFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const detail = useEdgeDetail(id);
  const viewRunId = useSelect(documentStore, (s) => s.viewRunId);
  // The fill colour is drawn at every zoom (it changes rarely); the figures only where they can be read.
  const level = useKeyed(edgeLevels, id);
  const stroke = selected ? '#4f8cff' : FILL_COLOURS[level + 1];
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        className={`fill-level-${level}`}
        style={{ stroke, strokeWidth: selected ? 3 : 2 }}
      />
      {detail && viewRunId !== undefined && (
        <EdgeFigures id={id} source={source} port={sourceHandleId ?? ''} runId={viewRunId} x={labelX} y={labelY} />
      )}
    </>
  );
}

export const MetricEdge = memo(MetricEdgeImpl);
