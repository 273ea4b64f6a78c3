import { useMemo } from 'react';
import { Background, Controls, MiniMap, ReactFlow, type Edge, type NodeChange, type NodeTypes } from '@xyflow/react';
import { documentStore, metricsStore, runStore } from '../state/studio';
import { useStore } from '../state/store';
import { compact } from './format';
import { NodeView, type PipelineFlowNode } from './NodeView';

// Defined at module scope: a new object on every render would remount every node.
const nodeTypes: NodeTypes = { pipeline: NodeView };

function edgeColour(fullFraction: number): string {
  if (fullFraction > 0.85) return '#f31260';
  if (fullFraction > 0.6) return '#f5a524';
  return '#5b6b80';
}

export function Canvas({ onSelect }: { onSelect: (nodeId: string | undefined) => void }) {
  const { doc, nodeTypes: infos } = useStore(documentStore);
  const { status } = useStore(runStore);
  const { latest, rates } = useStore(metricsStore);
  const live = status.runId !== undefined && latest?.runId === status.runId;

  const nodes = useMemo<PipelineFlowNode[]>(
    () =>
      (doc?.nodes ?? []).map((n) => ({
        id: n.id,
        type: 'pipeline',
        position: n.position,
        data: {
          nodeId: n.id,
          typeId: n.type,
          info: infos.get(n.type),
          state: status.nodeStates[n.id] ?? 'idle',
          rate: live ? rates[n.id] : undefined,
          errors: live ? (latest?.nodes[n.id]?.errors ?? 0) : 0,
          lastError: live ? latest?.nodes[n.id]?.lastError : undefined,
        },
      })),
    [doc, infos, status, rates, latest, live],
  );

  const edges = useMemo<Edge[]>(
    () =>
      (doc?.edges ?? []).map((e) => {
        const m = live ? latest?.edges[e.id] : undefined;
        return {
          id: e.id,
          source: e.from.node,
          sourceHandle: e.from.port,
          target: e.to.node,
          targetHandle: e.to.port,
          animated: status.phase === 'running',
          label: m ? `${compact(m.recordsPerSec)}/s · ${status.chainedEdges?.includes(e.id) ? 'chained' : `${m.length}/${m.capacity}`}` : undefined,
          style: { stroke: edgeColour(m?.fullFraction ?? 0), strokeWidth: 2 },
          labelStyle: { fill: '#c8d3e0', fontSize: 10 },
          labelBgStyle: { fill: '#1a212b' },
        };
      }),
    [doc, latest, live, status.phase, status.chainedEdges],
  );

  const onNodesChange = (changes: NodeChange<PipelineFlowNode>[]) => {
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        const pos = c.position;
        documentStore.set((s) =>
          s.doc ? { ...s, doc: { ...s.doc, nodes: s.doc.nodes.map((n) => (n.id === c.id ? { ...n, position: { x: Math.round(pos.x), y: Math.round(pos.y) } } : n)) } } : s,
        );
      } else if (c.type === 'select') {
        onSelect(c.selected ? c.id : undefined);
      }
    }
  };

  return (
    <div className="canvas" aria-label="pipeline canvas">
      {/* Mounted once the document is loaded, so that fitView frames its nodes. */}
      {doc && (
      <ReactFlow
        key={doc.name}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        nodesConnectable={false}
        fitView
        fitViewOptions={{ padding: 0.06 }}
        colorMode="dark"
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} />
        <MiniMap pannable zoomable nodeColor="#6b8bbd" bgColor="#141a22" maskColor="#0f131880" />
        <Controls showInteractive={false} />
      </ReactFlow>
      )}
    </div>
  );
}
