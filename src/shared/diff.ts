/**
 * What changed between two pipeline documents, as a reviewer reads it: nodes and wires added, removed and changed,
 * with the config fields that changed (old and new value), and the document's own settings (name, parameters,
 * Flink settings). Moving a node on the canvas is layout, listed apart. `sluice diff` prints it; the studio draws it
 * on the canvas.
 */
import type { PipelineDocument, PipelineEdge, PipelineNode } from './document';

/** One field that differs: its path (`aggregates[0].op`), and the value before and after (absent: undefined). */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface NodeChange {
  id: string;
  type: string;
  /** The type changed (before → after). */
  typeBefore?: string;
  fields: FieldChange[];
}

export interface EdgeChange {
  id: string;
  fields: FieldChange[];
}

export interface DocumentDiff {
  same: boolean;
  /** The document's own settings: name, description, version, parameters, flink. */
  document: FieldChange[];
  nodes: { added: PipelineNode[]; removed: PipelineNode[]; changed: NodeChange[]; moved: string[] };
  edges: { added: PipelineEdge[]; removed: PipelineEdge[]; changed: EdgeChange[] };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Every leaf that differs between two JSON values, by path. */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], join(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length)
    return before.flatMap((x, i) => fieldChanges(x, after[i], join(path, i)));
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [
    { path: path || '(whole)', ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) },
  ];
}

const endpoints = (e: PipelineEdge): string => `${e.from.node}.${e.from.port}→${e.to.node}.${e.to.port}`;

export function diffDocuments(a: PipelineDocument, b: PipelineDocument): DocumentDiff {
  const { nodes: an = [], edges: ae = [], ...aDoc } = a;
  const { nodes: bn = [], edges: be = [], ...bDoc } = b;
  const document = fieldChanges(aDoc, bDoc);

  const aNodes = new Map(an.map((n) => [n.id, n]));
  const bNodes = new Map(bn.map((n) => [n.id, n]));
  const nodes: DocumentDiff['nodes'] = { added: [], removed: [], changed: [], moved: [] };
  for (const n of an) if (!bNodes.has(n.id)) nodes.removed.push(n);
  for (const n of bn) {
    const old = aNodes.get(n.id);
    if (!old) {
      nodes.added.push(n);
      continue;
    }
    const fields = fieldChanges(old.config ?? {}, n.config ?? {});
    if (fields.length || old.type !== n.type)
      nodes.changed.push({ id: n.id, type: n.type, ...(old.type !== n.type ? { typeBefore: old.type } : {}), fields });
    if (old.position?.x !== n.position?.x || old.position?.y !== n.position?.y) nodes.moved.push(n.id);
  }

  // Wires are the same wire when their ids are, else when they join the same ports (an id given again on a redraw).
  const edges: DocumentDiff['edges'] = { added: [], removed: [], changed: [] };
  const bById = new Map(be.map((e) => [e.id, e]));
  const matched = new Set<PipelineEdge>();
  const unmatched: PipelineEdge[] = [];
  for (const e of ae) {
    const other = bById.get(e.id);
    if (other) {
      matched.add(other);
      const fields = fieldChanges(
        { from: e.from, to: e.to, queue: e.queue },
        { from: other.from, to: other.to, queue: other.queue },
      );
      if (fields.length) edges.changed.push({ id: other.id, fields });
    } else unmatched.push(e);
  }
  for (const e of unmatched) {
    const other = be.find((x) => !matched.has(x) && !ae.some((y) => y.id === x.id) && endpoints(x) === endpoints(e));
    if (!other) {
      edges.removed.push(e);
      continue;
    }
    matched.add(other);
    const fields = fieldChanges({ id: e.id, queue: e.queue }, { id: other.id, queue: other.queue });
    edges.changed.push({ id: other.id, fields });
  }
  for (const e of be) if (!matched.has(e)) edges.added.push(e);

  const same =
    !document.length &&
    !nodes.added.length &&
    !nodes.removed.length &&
    !nodes.changed.length &&
    !nodes.moved.length &&
    !edges.added.length &&
    !edges.removed.length &&
    !edges.changed.length;
  return { same, document, nodes, edges };
}

const shown = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/** The diff as lines of text, as `sluice diff` prints it. */
export function diffText(d: DocumentDiff): string[] {
  if (d.same) return ['no differences'];
  const out: string[] = [];
  const field = (f: FieldChange, indent = '      ') => `${indent}${f.path}: ${shown(f.before)} → ${shown(f.after)}`;
  if (d.document.length) out.push('document:', ...d.document.map((f) => field(f, '  ')));
  const { nodes, edges } = d;
  if (nodes.added.length || nodes.removed.length || nodes.changed.length) out.push('nodes:');
  for (const n of nodes.added) out.push(`  + ${n.id} (${n.type})`);
  for (const n of nodes.removed) out.push(`  - ${n.id} (${n.type})`);
  for (const n of nodes.changed) {
    out.push(`  ~ ${n.id} (${n.typeBefore ? `${n.typeBefore} → ${n.type}` : n.type})`);
    out.push(...n.fields.map((f) => field(f)));
  }
  if (edges.added.length || edges.removed.length || edges.changed.length) out.push('wires:');
  const wire = (e: PipelineEdge) => `${e.id}: ${e.from.node}.${e.from.port} → ${e.to.node}.${e.to.port}`;
  for (const e of edges.added) out.push(`  + ${wire(e)}`);
  for (const e of edges.removed) out.push(`  - ${wire(e)}`);
  for (const e of edges.changed) out.push(`  ~ ${e.id}`, ...e.fields.map((f) => field(f)));
  if (nodes.moved.length) out.push(`layout: moved ${nodes.moved.join(', ')}`);
  return out;
}
