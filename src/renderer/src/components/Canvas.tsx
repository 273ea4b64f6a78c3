import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type DragEvent,
  type MouseEvent as ReactMouseEvent,
} from 'react';
import { compareStore, NO_MARKS, type DiffMark } from '../state/compare';
import {
  Background,
  ControlButton,
  Controls,
  ReactFlow,
  getNodesBounds,
  getViewportForBounds,
  useReactFlow,
  useStore as useFlowStore,
  useStoreApi,
  type Connection,
  type ConnectionState,
  type Edge,
  type EdgeChange,
  type EdgeTypes,
  type FinalConnectionState,
  type NodeChange,
  type NodeTypes,
  type OnConnectStartParams,
} from '@xyflow/react';
import type { PipelineDocument, PipelineEdge, PipelineNode, Position } from '../../../shared/document';
import { checkConnection, connect, moveNodes, type ConnectionVerdict } from '../../../shared/edit/commands';
import { resolvePorts, type NodeTypeInfo } from '../../../shared/spec';
import { addNodeAt, unlocked } from '../state/commands';
import { WireHint } from './WireHint';
import { detailZoom, trackDetail } from '../state/detail';
import { documentStore, edit, sealEdit } from '../state/document';
import { useSelect, useStore } from '../state/store';
import { themeStore } from '../state/theme';
import { isLocked, runStore, stopPipeline } from '../state/studio';
import { notify, select, selectionStore, toggleSelected, viewMovingStore, wireStore } from '../state/ui';
import { MetricEdge, type MetricFlowEdge } from './MetricEdge';
import { FIT_MAX_ZOOM, FIT_PADDING, labelScaleOf } from './legible';
import { MiniMap } from './MiniMap';
import { openEdgeMenu, openNodeMenu, openPaneMenu } from './canvas-menus';
import { FindNode } from './FindNode';
import { NodeView, type PipelineFlowNode } from './NodeView';

// Defined at module scope: a new object on every render would remount every node (xyflow #2006).
const nodeTypes: NodeTypes = { pipeline: NodeView };
const edgeTypes: EdgeTypes = { metric: MetricEdge };

/**
 * A document with more nodes than this is put on the canvas a slice at a time, one slice per task, so that opening
 * a large graph never holds the main thread for long (drawing 500 nodes and 600 wires at once took 250 ms).
 */
const REVEAL_SLICE = 20;

/** The most wires drawn with moving dashes while running. */
const ANIMATED_EDGES_MAX = 60;

/** The MIME type a palette item carries when dragged onto the canvas. */
export const NODE_DRAG_TYPE = 'application/x-sluice-node';

const toRef = (c: Connection) => ({
  from: { node: c.source, port: c.sourceHandle ?? '' },
  to: { node: c.target, port: c.targetHandle ?? '' },
});

/** Whether a wire may be made, asked by xyflow while dragging (the same rule `connect` applies). */
function isValidConnection(c: Connection | Edge): boolean {
  const { doc, nodeTypes: types } = documentStore.get();
  const { from, to } = toRef(c as Connection);
  return checkConnection(doc, types, from, to).ok;
}

/** The verdict on a wire drawn from one handle to another, whichever end it started from. */
type FlowHandle = NonNullable<FinalConnectionState['toHandle']>;

function wireVerdict(start: FlowHandle, end: FlowHandle): ConnectionVerdict {
  const { doc, nodeTypes: types } = documentStore.get();
  const a = { node: start.nodeId, port: start.id ?? '' };
  const b = { node: end.nodeId, port: end.id ?? '' };
  return start.type === 'source' ? checkConnection(doc, types, a, b) : checkConnection(doc, types, b, a);
}

/** The refusal of the wire being drawn, while it hovers a port that will not take it. */
const refusal = (c: ConnectionState): ConnectionVerdict | undefined =>
  c.inProgress && c.isValid === false && c.toHandle ? wireVerdict(c.fromHandle, c.toHandle) : undefined;

/** The dot grid, left out zoomed far out (a dot every pixel or two, repainted on every frame); a component of its
 * own so that crossing that zoom redraws the grid alone, not the canvas. */
function Grid() {
  const zoomedOut = useFlowStore((s) => s.transform[2] < detailZoom(s.nodeLookup.size));
  return zoomedOut ? null : <Background gap={20} />;
}

const FIT_OPTIONS = { padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM };
const PRO_OPTIONS = { hideAttribution: true };

/** Keeps track of which nodes and wires are drawn in full detail (see state/detail.ts). */
function DetailTracker() {
  const api = useStoreApi();
  useEffect(() => trackDetail(api), [api]);
  return null;
}

interface CachedNode {
  src: PipelineNode;
  info: NodeTypeInfo | undefined;
  selected: boolean;
  mark: DiffMark | undefined;
  position: Position;
  flow: PipelineFlowNode;
}

/**
 * Flow nodes from the document; a node's object is reused while nothing it shows has changed, so xyflow and
 * React skip it (a 500-node graph re-renders only what an edit touched).
 */
class FlowNodeCache {
  private byId = new Map<string, CachedNode>();
  /**
   * Sizes xyflow has measured, given back with a node whose object is new (else it would measure it again). Not
   * React state: a measurement needs no render of ours (with a large graph revealed slice by slice, a render of
   * all nodes per slice counted).
   */
  readonly measured = new Map<string, { width: number; height: number }>();

  build(
    doc: PipelineDocument,
    infos: Map<string, NodeTypeInfo>,
    selected: ReadonlySet<string>,
    dragging: ReadonlyMap<string, Position> | undefined,
    marks: ReadonlyMap<string, DiffMark>,
  ): PipelineFlowNode[] {
    const next = new Map<string, CachedNode>();
    const out = doc.nodes.map((n) => {
      const info = infos.get(n.type);
      const isSel = selected.has(n.id);
      const mark = marks.get(n.id);
      const position = dragging?.get(n.id) ?? n.position ?? { x: 0, y: 0 };
      const size = this.measured.get(n.id);
      const old = this.byId.get(n.id);
      // A size measured since does not make a new object: xyflow keeps what it measured for an object it has seen.
      if (
        old &&
        old.src === n &&
        old.info === info &&
        old.selected === isSel &&
        old.position === position &&
        old.mark === mark
      ) {
        next.set(n.id, old);
        return old.flow;
      }
      const flow: PipelineFlowNode = {
        id: n.id,
        type: 'pipeline',
        position,
        selected: isSel,
        measured: size,
        ...(mark ? { className: `diff-${mark}` } : {}),
        data: { nodeId: n.id, typeId: n.type, info, ports: resolvePorts(info, n.config), config: n.config },
      };
      next.set(n.id, { src: n, info, selected: isSel, position, mark, flow });
      return flow;
    });
    this.byId = next;
    return out;
  }
}

interface CachedEdge {
  src: PipelineEdge;
  selected: boolean;
  animated: boolean;
  mark: DiffMark | undefined;
  flow: MetricFlowEdge;
}

class FlowEdgeCache {
  private byId = new Map<string, CachedEdge>();

  build(
    doc: PipelineDocument,
    selected: ReadonlySet<string>,
    running: boolean,
    marks: ReadonlyMap<string, DiffMark>,
  ): MetricFlowEdge[] {
    // Moving dashes on every wire repaint the whole canvas each frame: only for graphs small enough to afford it
    // (for a larger one, starting and stopping a run changes no wire).
    const animated = running && doc.edges.length <= ANIMATED_EDGES_MAX;
    const next = new Map<string, CachedEdge>();
    const out = doc.edges.map((e) => {
      const isSel = selected.has(e.id);
      const mark = marks.get(e.id);
      const old = this.byId.get(e.id);
      if (old && old.src === e && old.selected === isSel && old.animated === animated && old.mark === mark) {
        next.set(e.id, old);
        return old.flow;
      }
      const flow: MetricFlowEdge = {
        id: e.id,
        type: 'metric',
        source: e.from.node,
        sourceHandle: e.from.port,
        target: e.to.node,
        targetHandle: e.to.port,
        selected: isSel,
        animated,
        ariaLabel: `wire ${e.from.node}.${e.from.port} to ${e.to.node}.${e.to.port}`,
        ...(mark ? { className: `diff-${mark}` } : {}),
      };
      next.set(e.id, { src: e, selected: isSel, animated, mark, flow });
      return flow;
    });
    this.byId = next;
    return out;
  }
}

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 2.5;
/** Graphs with more nodes than this open with the minimap shown. */
const MAP_NODES = 30;

/** The canvas's size on screen (before xyflow has measured it, the window's). */
function flowSize(): { width: number; height: number } {
  const r = document.querySelector('.react-flow')?.getBoundingClientRect();
  return r && r.width > 0
    ? { width: r.width, height: r.height }
    : { width: window.innerWidth, height: window.innerHeight };
}

/**
 * How many of the document's nodes are on the canvas: all of them, except for a while after a large document is
 * opened, when they are added REVEAL_SLICE at a time, a task each.
 */
function useReveal(generation: number, total: number): number {
  const [reveal, setReveal] = useState({ generation, count: Infinity });
  // A document was opened: start over (state adjusted while rendering, so no frame shows all of it at once). The
  // first slice comes in a task of its own, after the one that loaded the document and drew the side panels.
  if (reveal.generation !== generation) setReveal({ generation, count: total > REVEAL_SLICE ? 0 : Infinity });
  const { count } = reveal;
  useEffect(() => {
    if (count >= total) return;
    const t = setTimeout(
      () => setReveal((r) => (r.generation === generation ? { generation, count: count + REVEAL_SLICE } : r)),
      0,
    );
    return () => clearTimeout(t);
  }, [generation, count, total]);
  return reveal.generation === generation ? count : total > REVEAL_SLICE ? 0 : total;
}

export function Canvas() {
  const doc = useSelect(documentStore, (s) => s.doc);
  const infos = useSelect(documentStore, (s) => s.nodeTypes);
  const selection = useStore(selectionStore);
  const run = useStore(runStore);
  const locked = isLocked(run);
  const flow = useReactFlow();
  const [dragging, setDragging] = useState<Map<string, Position>>();
  const dragRef = useRef<Map<string, Position>>(undefined);
  const [nodeCache] = useState(() => new FlowNodeCache());
  const [edgeCache] = useState(() => new FlowEdgeCache());

  const labelScale = useFlowStore(labelScaleOf);
  // Handlers handed to xyflow are kept the same from render to render: a new one is passed down to each of the
  // 500 node or 600 wire wrappers, and would render them all again (a task of 60 ms in the middle of a zoom).
  const onPaneClick = useCallback(() => select(), []);
  const onNodeContextMenu = useCallback((e: ReactMouseEvent, n: { id: string }) => {
    e.preventDefault();
    openNodeMenu(n.id, e);
  }, []);
  const onEdgeContextMenu = useCallback((e: ReactMouseEvent, edge: { id: string }) => {
    e.preventDefault();
    openEdgeMenu(edge.id, e);
  }, []);
  const onPaneContextMenu = useCallback(
    (e: ReactMouseEvent | MouseEvent) => {
      e.preventDefault();
      openPaneMenu(flow, e);
    },
    [flow],
  );
  const theme = useSelect(themeStore, (t) => t.theme);
  // The minimap: shown for a large graph unless put away, for a small one when asked for.
  const [mapChoice, setMapChoice] = useState<boolean | undefined>(() => {
    const kept = localStorage.getItem('sluice.minimap');
    return kept === null ? undefined : kept === 'shown';
  });
  const showMap = mapChoice ?? doc.nodes.length > MAP_NODES;
  const generation = useSelect(documentStore, (s) => s.generation);
  const revealed = useReveal(generation, doc.nodes.length);
  const complete = revealed >= doc.nodes.length;
  // Whether the view frames the whole graph (it was fitted, and not panned or zoomed since): then, when the canvas
  // changes size (a panel docked beside it, the window resized), it is framed again.
  const framed = useRef(true);
  useEffect(() => {
    // A document was opened: frame it (once all of it is on the canvas).
    if (generation > 0 && complete) {
      void flow.fitView({ padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM });
      framed.current = true;
    }
  }, [generation, complete, flow]);
  const canvasSize = useFlowStore((s) => `${s.width}x${s.height}`);
  useEffect(() => {
    if (framed.current && complete) void flow.fitView({ padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, duration: 150 });
    // Only when the canvas's size changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [canvasSize]);
  useEffect(() => {
    // While a large document is revealed, frame what it will look like, from the positions in the file.
    if (complete) return;
    const { width, height } = flowSize();
    const box = getNodesBounds(
      doc.nodes.map((n) => ({ id: n.id, position: n.position ?? { x: 0, y: 0 }, data: {}, width: 190, height: 96 })),
    );
    void flow.setViewport(getViewportForBounds(box, width, height, MIN_ZOOM, MAX_ZOOM, 0.06));
    // Only when a document starts to be revealed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [generation]);

  // Compared with another version: added, changed and moved nodes and wires are marked.
  const nodeMarks = useSelect(compareStore, (c) => c?.nodeMarks ?? NO_MARKS);
  const edgeMarks = useSelect(compareStore, (c) => c?.edgeMarks ?? NO_MARKS);
  const allNodes = useMemo(
    () => nodeCache.build(doc, infos, selection.nodes, dragging, nodeMarks),
    [nodeCache, doc, infos, selection.nodes, dragging, nodeMarks],
  );
  const running = run.status.phase === 'running';
  const allEdges = useMemo(
    () => edgeCache.build(doc, selection.edges, running, edgeMarks),
    [edgeCache, doc, selection.edges, running, edgeMarks],
  );
  const nodes = useMemo(() => (complete ? allNodes : allNodes.slice(0, revealed)), [allNodes, complete, revealed]);
  const edges = useMemo(() => {
    if (complete) return allEdges;
    const shown = new Set(nodes.map((n) => n.id));
    return allEdges.filter((e) => shown.has(e.source) && shown.has(e.target));
  }, [allEdges, complete, nodes]);

  const onNodesChange = useCallback(
    (changes: NodeChange<PipelineFlowNode>[]) => {
      const sizes = new Map<string, { width: number; height: number }>();
      const moves = new Map<string, Position>();
      let ended = false;
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) {
          sizes.set(c.id, c.dimensions);
        } else if (c.type === 'position' && c.position) {
          moves.set(c.id, c.position);
          if (!c.dragging) ended = true;
        } else if (c.type === 'select') {
          toggleSelected('nodes', c.id, c.selected);
        }
      }
      for (const [id, size] of sizes) nodeCache.measured.set(id, size);
      if (moves.size === 0) return;
      // While running, nodes stay where they are (the drag is refused, and says why when it ends).
      if (isLocked()) {
        if (ended) unlocked();
        return;
      }
      const all = new Map([...(dragRef.current ?? []), ...moves]);
      if (!ended) {
        dragRef.current = all;
        setDragging(all);
      } else {
        // The drag is over (or a node was nudged with the keyboard): one edit, one undo step, for the whole move.
        dragRef.current = undefined;
        edit((doc) => moveNodes(doc, all));
        sealEdit();
        setDragging(undefined);
      }
    },
    [nodeCache],
  );

  const onEdgesChange = useCallback((changes: EdgeChange<MetricFlowEdge>[]) => {
    for (const c of changes) if (c.type === 'select') toggleSelected('edges', c.id, c.selected);
  }, []);

  const onConnect = useCallback((c: Connection) => {
    if (!unlocked()) return;
    const { from, to } = toRef(c);
    const { doc, nodeTypes: types } = documentStore.get();
    const r = connect(doc, types, from, to);
    if ('refused' in r) notify(r.refused, 'refused');
    else edit(() => r.doc);
  }, []);

  const onConnectStart = useCallback((_: unknown, p: OnConnectStartParams) => {
    if (isLocked()) return;
    const { doc, nodeTypes: types } = documentStore.get();
    const node = doc.nodes.find((n) => n.id === p.nodeId);
    const ports = node && resolvePorts(types.get(node.type), node.config);
    const port = (p.handleType === 'source' ? ports?.outputs : ports?.inputs)?.find((x) => x.name === p.handleId);
    if (node && port && p.handleType)
      wireStore.set({ nodeId: node.id, port: port.name, side: p.handleType, portType: port.type });
  }, []);

  const onConnectEnd = useCallback((event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    wireStore.set(undefined);
    if (state.isValid !== false || !state.toHandle || !state.fromHandle) return;
    const v = wireVerdict(state.fromHandle, state.toHandle);
    const point = 'clientX' in event ? { x: event.clientX, y: event.clientY } : undefined;
    if (!v.ok) notify(`Not connected: ${v.reason}`, 'refused', point);
  }, []);

  // The class that puts a sheet over the shapes while the view is dragged (see styles.css), set on the element
  // directly: a React state change would re-render the canvas on the first frame of every pan.
  const canvasRef = useRef<HTMLDivElement>(null);
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event) {
      viewMovingStore.set(true);
      // The user placed the view: a resize of the canvas leaves it where it is.
      framed.current = false;
    }
  }, []);
  const onMove = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event?.type === 'mousemove' || event?.type === 'touchmove') canvasRef.current?.classList.add('panning');
  }, []);
  const onMoveEnd = useCallback(() => {
    canvasRef.current?.classList.remove('panning');
    viewMovingStore.set(false);
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = isLocked() ? 'none' : 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(NODE_DRAG_TYPE);
      if (!type) return;
      e.preventDefault();
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addNodeAt(type, { x: at.x - 90, y: at.y - 30 }, nodeCache.measured);
    },
    [flow, nodeCache],
  );

  return (
    <div
      className={`canvas${locked ? ' locked' : ''}${labelScale > 1 ? ' legible' : ''}${labelScale >= 1.5 ? ' legible-far' : ''}${labelScale >= 2.5 ? ' legible-tiny' : ''}`}
      style={labelScale > 1 ? ({ '--label-scale': labelScale } as CSSProperties) : undefined}
      ref={canvasRef}
      aria-label="pipeline canvas"
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      {locked && (
        <div className="lock-banner" role="status" aria-label="editing locked">
          <span>
            Running — editing is locked. <strong>Stop to edit.</strong>
          </span>
          <button type="button" onClick={() => void stopPipeline()} disabled={run.status.phase !== 'running'}>
            ■ Stop
          </button>
        </div>
      )}
      {doc.nodes.length === 0 && (
        <div className="empty-hint">
          <p>
            <strong>An empty pipeline.</strong> Drag node types from the palette, or double-click one, then wire an
            output (right) to an input (left).
          </p>
        </div>
      )}
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onPaneClick={onPaneClick}
        onNodeContextMenu={onNodeContextMenu}
        onEdgeContextMenu={onEdgeContextMenu}
        onPaneContextMenu={onPaneContextMenu}
        onMoveStart={onMoveStart}
        onMove={onMove}
        onMoveEnd={onMoveEnd}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode="Shift"
        connectionRadius={24}
        onlyRenderVisibleElements={false}
        minZoom={MIN_ZOOM}
        maxZoom={MAX_ZOOM}
        fitView
        fitViewOptions={FIT_OPTIONS}
        colorMode={theme}
        proOptions={PRO_OPTIONS}
      >
        <Grid />
        {showMap && <MiniMap />}
        <Controls showInteractive={false} onFitView={() => (framed.current = true)}>
          <ControlButton
            onClick={() => {
              localStorage.setItem('sluice.minimap', showMap ? 'hidden' : 'shown');
              setMapChoice(!showMap);
            }}
            aria-pressed={showMap}
            aria-label={showMap ? 'hide the minimap' : 'show the minimap'}
            title={showMap ? 'Hide the minimap' : 'Show the minimap'}
          >
            ▦
          </ControlButton>
        </Controls>
        <WireHint verdict={refusal} />
        <FindNode />
        <DetailTracker />
      </ReactFlow>
    </div>
  );
}
