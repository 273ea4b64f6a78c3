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
function MetricEdgeImpl({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, markerEnd }: EdgeProps<MetricFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const detail = useDetail(Math.min(sourceX, targetX), Math.min(sourceY, targetY), Math.abs(targetX - sourceX), Math.abs(targetY - sourceY));
  const viewRunId = useSelect(documentStore, (s) => s.viewRunId);
  // Zoomed out, only the fill colour is drawn: it changes rarely, so a tick re-renders almost no wire.
  const runId = detail ? viewRunId : undefined;
  const chained = useSelect(runStore, (s) => s.status.chainedEdges?.includes(id) ?? false);
  const rate = useSelect(metricsStore, (m) => (runId !== undefined && m.latest?.runId === runId ? m.latest?.edges[id]?.recordsPerSec : undefined));
  const level = useSelect(metricsStore, (m) => (viewRunId !== undefined && m.latest?.runId === viewRunId ? fillLevel(m.latest.edges[id]?.fullFraction ?? 0) : 0));
  const queue = useSelect(metricsStore, (m) => {
    const e = m.latest?.runId === runId ? m.latest?.edges[id] : undefined;
    return e ? `${e.length}/${e.capacity}` : undefined;
  });
  const stroke = selected ? '#4f8cff' : FILL_COLOURS[level];
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={{ stroke, strokeWidth: selected ? 3 : 2 }} />
      {rate !== undefined && (
        <EdgeLabelRenderer>
          <div className="edge-label" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }} data-testid={`edge-rate-${id}`}>
            {compact(rate)}/s · {chained ? 'chained' : queue}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const MetricEdge = memo(MetricEdgeImpl);
