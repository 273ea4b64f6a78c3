/**
 * Editing commands on a pipeline document: pure functions from one document to the next.
 *
 * Every edit the studio makes goes through here, so that the editor, the undo stack and the tests share one
 * definition of what an edit does. Documents are never changed in place; unchanged nodes and edges keep their
 * identity (the canvas re-renders only what changed).
 */
import {
  PIPELINE_VERSION,
  type EdgeQueueSettings,
  type FlinkSettings,
  type PipelineDocument,
  type PipelineEdge,
  type PipelineNode,
  type PortRef,
  type Position,
} from '../document';
import { canFeed, portTypeFor } from '../ports';
import { configWithDefaults, type NodeTypeInfo } from '../spec';

/** Node types by name, as the studio lists them. */
export type NodeTypeIndex = ReadonlyMap<string, NodeTypeInfo>;

/** The node id rule of pipeline files (see the document schema). */
export const NODE_ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

export function newDocument(name = 'Untitled pipeline'): PipelineDocument {
  return { version: PIPELINE_VERSION, name, nodes: [], edges: [] };
}

/** `base` if no node has that id, else `base-2`, `base-3`, … (a trailing `-N` of `base` is dropped first). */
export function uniqueNodeId(taken: ReadonlySet<string>, base: string): string {
  const stem = base.replace(/-\d+$/, '') || 'node';
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

/** The next free edge id `eN`, one past the highest N in use, so ids are never reused within a document. */
function edgeIdMaker(doc: PipelineDocument): () => string {
  const taken = new Set(doc.edges.map((e) => e.id));
  let n = 0;
  for (const e of doc.edges) {
    const m = /^e(\d+)$/.exec(e.id);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return () => {
    let id: string;
    do id = `e${++n}`;
    while (taken.has(id));
    taken.add(id);
    return id;
  };
}

const round = (p: Position): Position => ({ x: Math.round(p.x), y: Math.round(p.y) });

/** Add a node of `type` at `position` with an empty config (every field at its default). */
export function addNode(
  doc: PipelineDocument,
  type: string,
  position: Position,
): { doc: PipelineDocument; id: string } {
  const id = uniqueNodeId(new Set(doc.nodes.map((n) => n.id)), type);
  return { doc: { ...doc, nodes: [...doc.nodes, { id, type, position: round(position), config: {} }] }, id };
}

/** Remove nodes (with every edge touching them) and edges. */
export function removeElements(
  doc: PipelineDocument,
  nodeIds: Iterable<string>,
  edgeIds: Iterable<string> = [],
): PipelineDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.from.node) && !nodes.has(e.to.node)),
  };
}

/** Move nodes to new positions (rounded to whole pixels, so files do not fill with fractions). */
export function moveNodes(doc: PipelineDocument, moves: ReadonlyMap<string, Position>): PipelineDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const p = moves.get(n.id);
    if (!p) return n;
    const r = round(p);
    if (r.x === n.position.x && r.y === n.position.y) return n;
    changed = true;
    return { ...n, position: r };
  });
  return changed ? { ...doc, nodes } : doc;
}

function updateNode(doc: PipelineDocument, id: string, fn: (n: PipelineNode) => PipelineNode): PipelineDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    if (n.id !== id) return n;
    const next = fn(n);
    changed ||= next !== n;
    return next;
  });
  return changed ? { ...doc, nodes } : doc;
}

/** Set one config field; `undefined` removes it, so the field takes its default. */
export function setConfigField(doc: PipelineDocument, nodeId: string, field: string, value: unknown): PipelineDocument {
  return updateNode(doc, nodeId, (n) => {
    if (n.config[field] === value) return n;
    const config = { ...n.config };
    if (value === undefined) delete config[field];
    else config[field] = value;
    return { ...n, config };
  });
}

/** Change a node's id, and every edge that names it. Returns a reason instead when the new id cannot be used. */
export function renameNode(
  doc: PipelineDocument,
  from: string,
  to: string,
): { doc: PipelineDocument } | { refused: string } {
  if (from === to) return { doc };
  if (!NODE_ID_RE.test(to))
    return { refused: `"${to}" is not a valid node id: use 1 to 128 letters, digits and _ . : -` };
  if (doc.nodes.some((n) => n.id === to)) return { refused: `another node is already called "${to}"` };
  const ref = (r: PortRef): PortRef => (r.node === from ? { ...r, node: to } : r);
  return {
    doc: {
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
      edges: doc.edges.map((e) =>
        e.from.node === from || e.to.node === from ? { ...e, from: ref(e.from), to: ref(e.to) } : e,
      ),
    },
  };
}

/** Set (or, with an empty object, clear) an edge's queue settings. */
export function setEdgeQueue(doc: PipelineDocument, edgeId: string, queue: EdgeQueueSettings): PipelineDocument {
  const clean = Object.fromEntries(Object.entries(queue).filter(([, v]) => v !== undefined)) as EdgeQueueSettings;
  return {
    ...doc,
    edges: doc.edges.map((e) => {
      if (e.id !== edgeId) return e;
      const next: PipelineEdge = { id: e.id, from: e.from, to: e.to };
      if (Object.keys(clean).length) next.queue = clean;
      return next;
    }),
  };
}

export function setDocumentInfo(
  doc: PipelineDocument,
  info: { name?: string; description?: string },
): PipelineDocument {
  const next = { ...doc, ...info };
  if (!next.description) delete next.description;
  return next;
}

/** Change the pipeline's Flink settings; a setting set to undefined goes (the profile's applies), and so does an empty section. */
export function setFlinkSettings(doc: PipelineDocument, patch: Partial<FlinkSettings>): PipelineDocument {
  const flink: Partial<FlinkSettings> = { ...doc.flink, ...patch };
  for (const k of Object.keys(flink) as (keyof FlinkSettings)[]) if (flink[k] === undefined) delete flink[k];
  const { flink: _old, ...rest } = doc;
  return Object.keys(flink).length ? { ...rest, flink } : rest;
}

/** Each node's downstream neighbours, computed once per document (a wire being drawn asks for every port). */
const successors = new WeakMap<PipelineDocument, Map<string, string[]>>();
function successorsOf(doc: PipelineDocument): Map<string, string[]> {
  let next = successors.get(doc);
  if (next) return next;
  next = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = next.get(e.from.node);
    if (list) list.push(e.to.node);
    else next.set(e.from.node, [e.to.node]);
  }
  successors.set(doc, next);
  return next;
}

/** The path from `start` to `goal` along the edges, if there is one (so an edge goal → start would close a cycle). */
function reaches(doc: PipelineDocument, start: string, goal: string): string[] | undefined {
  const next = successorsOf(doc);
  const parent = new Map<string, string>([[start, start]]);
  const todo = [start];
  while (todo.length) {
    const at = todo.shift()!;
    if (at === goal) {
      const path = [at];
      for (let p = at; p !== start; ) path.unshift((p = parent.get(p)!));
      return path;
    }
    for (const n of next.get(at) ?? []) {
      if (parent.has(n)) continue;
      parent.set(n, at);
      todo.push(n);
    }
  }
  return undefined;
}

/** The verdict on a wire the user is drawing: allowed, or refused with the reason and the fix. */
export type ConnectionVerdict = { ok: true; fromType: string; toType: string } | { ok: false; reason: string };

/**
 * Decide whether an edge from output `from` to input `to` may be added: both ports exist, the types fit
 * (`canFeed`, the one rule the engine applies too), it is not already there, and it closes no cycle.
 */
export function checkConnection(
  doc: PipelineDocument,
  types: NodeTypeIndex,
  from: PortRef,
  to: PortRef,
): ConnectionVerdict {
  const a = doc.nodes.find((n) => n.id === from.node);
  const b = doc.nodes.find((n) => n.id === to.node);
  if (!a || !b) return { ok: false, reason: `no node "${!a ? from.node : to.node}"` };
  const infoA = types.get(a.type);
  const infoB = types.get(b.type);
  const out = infoA?.outputs.find((p) => p.name === from.port);
  const inp = infoB?.inputs.find((p) => p.name === to.port);
  if (!out) return { ok: false, reason: `"${a.id}" has no output "${from.port}"` };
  if (!inp) return { ok: false, reason: `"${b.id}" has no input "${to.port}"` };
  if (a.id === b.id) return { ok: false, reason: `a node cannot feed itself: "${a.id}" would wait on its own output` };
  const fromType = portTypeFor(out.type, configWithDefaults(infoA, a.config));
  const toType = portTypeFor(inp.type, configWithDefaults(infoB, b.config));
  const verdict = canFeed(fromType, toType);
  if (!verdict.ok) return { ok: false, reason: verdict.reason };
  if (
    doc.edges.some(
      (e) => e.from.node === from.node && e.from.port === from.port && e.to.node === to.node && e.to.port === to.port,
    )
  ) {
    return { ok: false, reason: `"${a.id}.${from.port}" already feeds "${b.id}.${to.port}"` };
  }
  const loop = reaches(doc, b.id, a.id);
  if (loop)
    return {
      ok: false,
      reason: `this wire would close a cycle (${[...loop, b.id].join(' → ')}): a pipeline must flow one way`,
    };
  return { ok: true, fromType, toType };
}

/** Add an edge, if `checkConnection` allows it. */
export function connect(
  doc: PipelineDocument,
  types: NodeTypeIndex,
  from: PortRef,
  to: PortRef,
): { doc: PipelineDocument; id: string } | { refused: string } {
  const verdict = checkConnection(doc, types, from, to);
  if (!verdict.ok) return { refused: verdict.reason };
  const id = edgeIdMaker(doc)();
  return { doc: { ...doc, edges: [...doc.edges, { id, from: { ...from }, to: { ...to } }] }, id };
}

/** What the clipboard carries: nodes and the edges among them. Recognised by its `sluice` key. */
export interface Fragment {
  sluice: 'fragment';
  version: number;
  nodes: PipelineNode[];
  edges: PipelineEdge[];
}

/** Copy the given nodes and the edges that run between them. */
export function copyFragment(doc: PipelineDocument, nodeIds: Iterable<string>): Fragment {
  const ids = new Set(nodeIds);
  return {
    sluice: 'fragment',
    version: PIPELINE_VERSION,
    nodes: structuredClone(doc.nodes.filter((n) => ids.has(n.id))),
    edges: structuredClone(doc.edges.filter((e) => ids.has(e.from.node) && ids.has(e.to.node))),
  };
}

/** Read a fragment from clipboard text; undefined when the text is not one. */
export function parseFragment(text: string): Fragment | undefined {
  try {
    const v = JSON.parse(text) as Partial<Fragment>;
    if (v && v.sluice === 'fragment' && Array.isArray(v.nodes) && Array.isArray(v.edges)) return v as Fragment;
  } catch {
    // not ours
  }
  return undefined;
}

/**
 * Paste a fragment: every node gets a new id (its old one, made unique), keeps its config, and moves by `offset`;
 * the edges among them are re-pointed at the new ids. Returns the new node ids.
 */
export function pasteFragment(
  doc: PipelineDocument,
  fragment: Fragment,
  offset: Position,
): { doc: PipelineDocument; ids: string[] } {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const renamed = new Map<string, string>();
  const nodes = fragment.nodes.map((n) => {
    const id = uniqueNodeId(taken, n.id);
    taken.add(id);
    renamed.set(n.id, id);
    return { ...structuredClone(n), id, position: round({ x: n.position.x + offset.x, y: n.position.y + offset.y }) };
  });
  const nextEdgeId = edgeIdMaker(doc);
  const edges = fragment.edges
    .filter((e) => renamed.has(e.from.node) && renamed.has(e.to.node))
    .map((e) => ({
      ...structuredClone(e),
      id: nextEdgeId(),
      from: { ...e.from, node: renamed.get(e.from.node)! },
      to: { ...e.to, node: renamed.get(e.to.node)! },
    }));
  return {
    doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] },
    ids: nodes.map((n) => n.id),
  };
}
