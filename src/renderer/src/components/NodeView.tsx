import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { NodeState } from '../../../shared/metrics';
import type { NodeTypeInfo } from '../../../shared/spec';
import { compact, portColour } from './format';

export interface PipelineNodeData extends Record<string, unknown> {
  nodeId: string;
  info: NodeTypeInfo | undefined;
  typeId: string;
  state: NodeState;
  rate: number | undefined;
  errors: number;
  lastError?: string;
}

export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;

const ROW = 22;

/** A pipeline node on the canvas: its id, type, state, live rate, and labelled, coloured ports. */
function NodeViewImpl({ data, selected }: NodeProps<PipelineFlowNode>) {
  const inputs = data.info?.inputs ?? [];
  const outputs = data.info?.outputs ?? [];
  const rows = Math.max(inputs.length, outputs.length, 1);
  return (
    <div
      className={`node node-${data.info?.category ?? 'unknown'} state-${data.state}${selected ? ' selected' : ''}`}
      role="group"
      aria-label={`node ${data.nodeId}`}
      data-state={data.state}
      title={data.lastError ?? data.info?.description}
    >
      <div className="node-head">
        <span className="node-title">{data.nodeId}</span>
        <span className={`state-dot ${data.state}`} aria-label={`state ${data.state}`} />
      </div>
      <div className="node-type">{data.info?.title ?? data.typeId}</div>
      <div className="node-ports" style={{ height: rows * ROW }}>
        {inputs.map((p, i) => (
          <div key={`in-${p.name}`} className="port in" style={{ top: i * ROW }}>
            <Handle type="target" position={Position.Left} id={p.name} style={{ background: portColour(p.type) }} />
            <span>{p.name}</span>
          </div>
        ))}
        {outputs.map((p, i) => (
          <div key={`out-${p.name}`} className="port out" style={{ top: i * ROW }}>
            <span>{p.name}</span>
            <Handle type="source" position={Position.Right} id={p.name} style={{ background: portColour(p.type) }} />
          </div>
        ))}
      </div>
      <div className="node-foot">
        <span className="node-rate" data-testid={`rate-${data.nodeId}`}>
          {data.rate === undefined ? '—' : `${compact(data.rate)} rec/s`}
        </span>
        {data.errors > 0 && <span className="node-errors">{compact(data.errors)} err</span>}
        <span className="node-state">{data.state}</span>
      </div>
    </div>
  );
}

export const NodeView = memo(NodeViewImpl);
