import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { CSSProperties, KeyboardEvent } from 'react';
import { checkConnection, connect } from '../../../shared/edit/commands';
import type { PortInfo, NodeTypeInfo } from '../../../shared/spec';
import { EncoderBadge, encoderSettings } from './EncoderChain';
import { documentStore, edit } from '../state/document';
import { useNodeDetail } from '../state/detail';
import { useSelect } from '../state/store';
import { unlocked } from '../state/commands';
import { metricsStore, runStore } from '../state/studio';
import { notify, select, wireStore, type WireStart } from '../state/ui';
import { compact, count, ingestFigures, mediaFigures, portColour } from './format';
import { isError } from '../../../shared/validation';
import { span, watermarkSummary } from './EventTime';

export interface PipelineNodeData extends Record<string, unknown> {
  nodeId: string;
  info: NodeTypeInfo | undefined;
  typeId: string;
  /** The node's ports with the types this node has (an encoder's output codec comes from its config). */
  ports: { inputs: PortInfo[]; outputs: PortInfo[] };
  config: Record<string, unknown>;
}

export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;

const ROW = 22;

/** Whether the wire being drawn could end on this port: `ok`, `bad` (with why), or undefined (no wire, or same side). */
function targetVerdict(
  wire: WireStart | undefined,
  nodeId: string,
  port: PortInfo,
  side: 'source' | 'target',
): { ok: boolean; why?: string } | undefined {
  if (!wire || wire.side === side) return undefined;
  const { doc, nodeTypes } = documentStore.get();
  const from = wire.side === 'source' ? { node: wire.nodeId, port: wire.port } : { node: nodeId, port: port.name };
  const to = wire.side === 'source' ? { node: nodeId, port: port.name } : { node: wire.nodeId, port: wire.port };
  const v = checkConnection(doc, nodeTypes, from, to);
  return v.ok ? { ok: true } : { ok: false, why: v.reason };
}

/**
 * Wiring from the keyboard: Enter on an output starts a wire (the inputs that would take it light up), Enter on
 * an input ends it there; Escape cancels. The same checks and messages as with the mouse.
 */
function onHandleKey(e: KeyboardEvent, nodeId: string, port: PortInfo, side: 'source' | 'target'): void {
  if (e.key === 'Escape' && wireStore.get()) {
    wireStore.set(undefined);
    return;
  }
  if (e.key !== 'Enter' && e.key !== ' ') return;
  e.preventDefault();
  e.stopPropagation();
  if (!unlocked()) return;
  const wire = wireStore.get();
  if (!wire || wire.side === side) {
    wireStore.set({ nodeId, port: port.name, side, portType: port.type });
    notify(
      `Wiring from ${nodeId}.${port.name}: press Enter on ${side === 'source' ? 'an input' : 'an output'} to connect, Escape to cancel.`,
    );
    return;
  }
  wireStore.set(undefined);
  const here = { node: nodeId, port: port.name };
  const there = { node: wire.nodeId, port: wire.port };
  const r =
    side === 'target'
      ? connect(documentStore.get().doc, documentStore.get().nodeTypes, there, here)
      : connect(documentStore.get().doc, documentStore.get().nodeTypes, here, there);
  if ('refused' in r) notify(`Not connected: ${r.refused}`, 'refused');
  else {
    edit(() => r.doc);
    notify(
      `Connected ${side === 'target' ? `${there.node}.${there.port} → ${nodeId}.${port.name}` : `${nodeId}.${port.name} → ${there.node}.${there.port}`}.`,
    );
  }
}

const PortHandle = memo(function PortHandle({
  nodeId,
  port,
  side,
  index,
}: {
  nodeId: string;
  port: PortInfo;
  side: 'source' | 'target';
  index: number;
}) {
  const wire = useSelect(wireStore, (w) => w);
  const verdict = targetVerdict(wire, nodeId, port, side);
  const dir = side === 'target' ? 'input' : 'output';
  const cls = verdict ? (verdict.ok ? 'target-ok' : 'target-bad') : '';
  return (
    <div className={`port ${side === 'target' ? 'in' : 'out'} ${cls}`} style={{ top: index * ROW }}>
      <Handle
        type={side}
        position={side === 'target' ? Position.Left : Position.Right}
        id={port.name}
        aria-label={`${nodeId} ${dir} ${port.name} (${port.type})`}
        title={verdict?.why ?? `${dir} “${port.name}”: ${port.type} — ${port.description}`}
        data-port-type={port.type}
        role="button"
        tabIndex={0}
        onKeyDown={(e) => onHandleKey(e, nodeId, port, side)}
        style={{ background: portColour(port.type), borderColor: portColour(port.type) }}
      />
      <span className="port-name">{port.name}</span>
      <span className="port-type" style={{ color: portColour(port.type) }}>
        {port.type}
      </span>
    </div>
  );
});

/**
 * The live part of a node — rate and errors — in its own component, mounted only while the node is drawn in
 * detail: a metrics tick re-renders these few elements of the nodes in view, and nothing of the others.
 */
function LiveFigures({ id, runId }: { id: string; runId: string }) {
  const rate = useSelect(metricsStore, (m) => (m.latest?.runId === runId ? m.rates[id] : undefined));
  const errors = useSelect(metricsStore, (m) => (m.latest?.runId === runId ? (m.latest.nodes[id]?.errors ?? 0) : 0));
  // A media node shows its process's frames per second and bitrate, and dropped frames past OBS's thresholds.
  const media = useSelect(metricsStore, (m) => {
    const x = m.latest?.runId === runId ? m.latest.nodes[id]?.media : undefined;
    if (x?.ingest) return `${ingestFigures(x.ingest)}|ok`;
    // A publish sink: whether the receiver takes the stream.
    if (x?.publish)
      return `${x.publish.connected ? 'publishing' : 'not connected'} · ${mediaFigures(x)}|${x.publish.connected ? 'ok' : 'warn'}`;
    return x && `${mediaFigures(x)}${x.dropLevel !== 'ok' ? ` · ${x.dropped} dropped` : ''}|${x.dropLevel}`;
  });
  const [mediaText, dropLevel] = media?.split('|') ?? [];
  // A Kafka source: how far behind its partitions' ends it is, in records.
  const lag = useSelect(metricsStore, (m) => {
    const l = m.latest?.runId === runId ? m.latest.nodes[id]?.kafka?.lag : undefined;
    return l && Object.values(l).reduce((n, x) => n + x, 0);
  });
  // A window (or a source sending watermarks): how far its watermark trails the newest event.
  const wm = useSelect(metricsStore, (m) => {
    const e = m.latest?.runId === runId ? m.latest.nodes[id]?.eventTime : undefined;
    return e && (e.trailMs !== undefined || e.heldBy) && !e.partitions
      ? `${e.trailMs === undefined ? 'none' : `−${span(e.trailMs)}`}|${watermarkSummary(e)}`
      : undefined;
  });
  const [wmText, wmTitle] = wm?.split('|') ?? [];
  return (
    <>
      <span
        className={`node-rate${dropLevel && dropLevel !== 'ok' ? ` drop-${dropLevel}` : ''}`}
        data-testid={`rate-${id}`}
      >
        {mediaText ?? (rate === undefined ? '—' : `${compact(rate)} rec/s`)}
      </span>
      {lag !== undefined && (
        <span
          className="node-lag"
          data-testid={`lag-${id}`}
          title="Read lag: records on its partitions not yet read by this source (the topic browser's committed lag also counts what was read but not yet acknowledged)"
        >
          read lag {compact(lag)}
        </span>
      )}
      {wmText && (
        <span className="node-watermark" data-testid={`watermark-${id}`} title={wmTitle}>
          wm {wmText}
        </span>
      )}
      {errors > 0 && (
        <button
          type="button"
          className="node-errors nodrag"
          aria-label={`${count(errors)} ${errors === 1 ? 'error' : 'errors'} in ${id}: show the last`}
          onClick={(e) => {
            e.stopPropagation();
            select([id]);
            requestAnimationFrame(() => document.getElementById('last-error')?.scrollIntoView({ block: 'nearest' }));
          }}
        >
          {count(errors)} {errors === 1 ? 'error' : 'errors'}
        </button>
      )}
    </>
  );
}

/** A pipeline node on the canvas: its id, type, state, live rate, problems, and labelled, coloured ports. */
function NodeViewImpl({ id, data, selected }: NodeProps<PipelineFlowNode>) {
  const viewRunId = useSelect(documentStore, (d) => d.viewRunId);
  const state = useSelect(runStore, (s) =>
    viewRunId !== undefined && s.status.runId === viewRunId ? (s.status.nodeStates[id] ?? 'idle') : 'idle',
  );
  const detail = useNodeDetail(id);
  const onFlink = useSelect(
    runStore,
    (s) => viewRunId !== undefined && s.status.runId === viewRunId && !!s.status.flink?.nodes.includes(id),
  );
  const lastError = useSelect(runStore, (s) =>
    viewRunId === undefined ? undefined : s.errors.findLast((e) => e.nodeId === id && e.runId === viewRunId)?.message,
  );
  const problems = useSelect(documentStore, (d) => d.issues.filter((i) => i.nodeId === id && isError(i)).length);
  const warnings = useSelect(documentStore, (d) => d.issues.filter((i) => i.nodeId === id && !isError(i)).length);
  const { inputs, outputs } = data.ports;
  const rows = Math.max(inputs.length, outputs.length, 1);
  // An input and an output share a row: wide enough for both labels (name and type), about 6.5 px a character.
  const label = (ps: PortInfo[]) => Math.max(0, ...ps.map((p) => p.name.length + p.type.length + 1));
  const minWidth = Math.max(170, Math.round((label(inputs) + label(outputs)) * 6.5 + 48));
  return (
    <div
      className={`node node-${data.info?.category ?? 'unknown'} state-${state}${selected ? ' selected' : ''}${problems ? ' has-problems' : warnings ? ' has-warnings' : ''}${detail ? '' : ' overview'}`}
      role="group"
      aria-label={`node ${id}`}
      data-state={state}
      title={lastError ?? data.info?.description ?? `unknown node type “${data.typeId}”`}
      style={{ minWidth, '--node-width': `${minWidth}px` } as CSSProperties}
    >
      <div className="node-head">
        <span className="node-title">{id}</span>
        {problems > 0 && (
          <span className="node-problems" aria-label={`${problems} problem(s)`}>
            {problems}!
          </span>
        )}
        {onFlink && (
          <span className="node-flink" aria-label="runs on Flink" title="This node runs in the Flink job">
            Flink
          </span>
        )}
        <span className={`state-dot ${state}`} role="img" aria-label={`state ${state}`} />
      </div>
      <div className="node-type">{data.info?.title ?? `unknown type “${data.typeId}”`}</div>
      {data.typeId === 'encoder' && <EncoderBadge settings={encoderSettings(data.info, data.config)} />}
      <div className="node-ports" style={{ height: rows * ROW }}>
        {inputs.map((p, i) => (
          <PortHandle key={`in-${p.name}`} nodeId={id} port={p} side="target" index={i} />
        ))}
        {outputs.map((p, i) => (
          <PortHandle key={`out-${p.name}`} nodeId={id} port={p} side="source" index={i} />
        ))}
      </div>
      <div className="node-foot">
        {detail && viewRunId !== undefined ? (
          <LiveFigures id={id} runId={viewRunId} />
        ) : (
          <span className="node-rate" data-testid={`rate-${id}`}>
            —
          </span>
        )}
        <span className="node-state">{state}</span>
      </div>
    </div>
  );
}

export const NodeView = memo(NodeViewImpl);
