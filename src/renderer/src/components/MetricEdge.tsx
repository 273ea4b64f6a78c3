import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { useSelect } from '../state/store';
import { documentStore, metricsStore, runStore } from '../state/studio';
import { compact } from './format';
import { useDetail } from './NodeView';

export type MetricFlowEdge = Edge<{ chained?: boolean }, 'metric'>;

/** Queue fill as a colour: grey, amber above 60 %, red above 85 % (back pressure). */
const FILL_COLOURS = ['#5b6b80', '#f5a524', '#f31260'];
const fillLevel = (fullFraction: number): number => (fullFraction > 0.85 ? 2 : fullFraction > 0.6 ? 1 : 0);

/**
 * A wire that draws its own live figures (records/s and queue fill), read straight from the metrics store, so
 * that a metrics tick re-renders the wires and nothing else of the graph.
 */
/** The wire's live label: a tick re-renders this text, not the path. */
function EdgeFigures({ id, runId, x, y }: { id: string; runId: string; x: number; y: number }) {
  const chained = useSelect(runStore, (s) => s.status.chainedEdges?.includes(id) ?? false);
  const rate = useSelect(metricsStore, (m) => (m.latest?.runId === runId ? m.latest.edges[id]?.recordsPerSec : undefined));
  const queue = useSelect(metricsStore, (m) => {
    const e = m.latest?.runId === runId ? m.latest.edges[id] : undefined;
    return e ? `${e.length}/${e.capacity}` : undefined;
  });
  if (rate === undefined) return null;
  return (
    <EdgeLabelRenderer>
      <div className="edge-label" style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }} data-testid={`edge-rate-${id}`}>
        {compact(rate)}/s · {chained ? 'chained' : queue}
      </div>
    </EdgeLabelRenderer>
  );
}

function MetricEdgeImpl({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, markerEnd }: EdgeProps<MetricFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const detail = useDetail(Math.min(sourceX, targetX), Math.min(sourceY, targetY), Math.abs(targetX - sourceX), Math.abs(targetY - sourceY));
  const viewRunId = useSelect(documentStore, (s) => s.viewRunId);
  // The fill colour is drawn at every zoom (it changes rarely); the figures only where they can be read.
  const level = useSelect(metricsStore, (m) => (viewRunId !== undefined && m.latest?.runId === viewRunId ? fillLevel(m.latest.edges[id]?.fullFraction ?? 0) : 0));
  const stroke = selected ? '#4f8cff' : FILL_COLOURS[level];
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={{ stroke, strokeWidth: selected ? 3 : 2 }} />
      {detail && viewRunId !== undefined && <EdgeFigures id={id} runId={viewRunId} x={labelX} y={labelY} />}
    </>
  );
}

export const MetricEdge = memo(MetricEdgeImpl);
