import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { useSelect } from '../state/store';
import { documentStore, metricsStore, runStore } from '../state/studio';
import { compact } from './format';

export type MetricFlowEdge = Edge<{ chained?: boolean }, 'metric'>;

function edgeColour(fullFraction: number): string {
  if (fullFraction > 0.85) return '#f31260';
  if (fullFraction > 0.6) return '#f5a524';
  return '#5b6b80';
}

/**
 * A wire that draws its own live figures (records/s and queue fill), read straight from the metrics store, so
 * that a metrics tick re-renders the wires and nothing else of the graph.
 */
function MetricEdgeImpl({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, markerEnd }: EdgeProps<MetricFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const runId = useSelect(documentStore, (s) => s.viewRunId);
  const chained = useSelect(runStore, (s) => s.status.chainedEdges?.includes(id) ?? false);
  const rate = useSelect(metricsStore, (m) => (runId !== undefined && m.latest?.runId === runId ? m.latest?.edges[id]?.recordsPerSec : undefined));
  const fill = useSelect(metricsStore, (m) => (m.latest?.runId === runId ? m.latest?.edges[id]?.fullFraction ?? 0 : 0));
  const queue = useSelect(metricsStore, (m) => {
    const e = m.latest?.runId === runId ? m.latest?.edges[id] : undefined;
    return e ? `${e.length}/${e.capacity}` : undefined;
  });
  const stroke = selected ? '#4f8cff' : edgeColour(fill);
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={{ stroke, strokeWidth: selected ? 3 : 2 }} className={rate ? 'flowing' : undefined} />
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
