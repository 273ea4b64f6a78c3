/**
 * Loading a pipeline: parse, validate everything at once, and resolve node configs against their specs.
 */
import { findSecrets } from '../secrets/scan';
import type { z } from 'zod';
import { PIPELINE_VERSION, type PipelineDocument, type PipelineEdge } from '../../shared/document';
import { canFeed, portTypeFor } from '../../shared/ports';
import type { ValidationIssue, ValidationResult } from '../../shared/validation';
import { documentEnvelopeSchema, edgeSchema, nodeEnvelopeSchema } from './schema';
import { JsonSyntaxError, locate, parseJsonWithLocations, type SourceLocation } from './json-source';
import { builtinRegistry, type NodeRegistry } from '../nodes/registry';
import { mediaGroupProblems } from '../media/group';
import { eventTimeWarnings } from '../validate/event-time';
import type { NodeSpec } from '../contract/spec';

export interface ResolvedNode {
  id: string;
  spec: NodeSpec;
  /** The config with defaults applied. */
  config: unknown;
}

/** A document that passed validation, ready to run. */
export interface ResolvedPipeline {
  doc: PipelineDocument;
  nodes: ResolvedNode[];
  /** Node ids in topological order (sources first). */
  order: string[];
}

export interface LoadResult extends ValidationResult {
  doc?: PipelineDocument;
  pipeline?: ResolvedPipeline;
}

const ptr = (...parts: (string | number)[]): string =>
  parts.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function nearestType(type: string, registry: NodeRegistry): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const s of registry.all()) {
    const d = distance(type.toLowerCase(), s.type);
    if (d < bestD) [best, bestD] = [s.type, d];
  }
  return bestD <= Math.max(3, Math.floor(type.length / 2)) ? best : undefined;
}

function zodIssues(
  error: z.ZodError,
  base: string,
  extra: Partial<ValidationIssue>,
  code: ValidationIssue['code'],
): ValidationIssue[] {
  return error.issues.map((i) => {
    const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const field = path.length
      ? `"${path.join('.')}"${i.code === 'invalid_type' && i.message.endsWith('received undefined') ? ' ' : ': '}`
      : '';
    let message = i.message.replace(/^Invalid input: /, '');
    const missing = /^expected (.+), received undefined$/.exec(message);
    if (missing) message = `is required (${missing[1]})`;
    if (i.code === 'unrecognized_keys')
      message = `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    return { code, pointer: base + ptr(...path), message: field + message, ...extra };
  });
}

/** Find the nodes on cycles (those left after Kahn's algorithm removes every node it can). */
function topoOrder(ids: string[], edges: PipelineEdge[]): { order: string[]; cyclic: string[] } {
  const indeg = new Map(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (!indeg.has(e.from.node) || !indeg.has(e.to.node)) continue;
    indeg.set(e.to.node, indeg.get(e.to.node)! + 1);
    next.get(e.from.node)!.push(e.to.node);
  }
  const queue = ids.filter((id) => indeg.get(id) === 0);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const n of next.get(id)!) {
      indeg.set(n, indeg.get(n)! - 1);
      if (indeg.get(n) === 0) queue.push(n);
    }
  }
  // What Kahn's algorithm leaves is the cycles plus whatever hangs below them; peel off the nodes whose outputs
  // lead nowhere within the remainder, so that only nodes on a cycle are named.
  const rest = new Set(ids.filter((id) => !order.includes(id)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of rest) {
      if (!next.get(id)!.some((n) => rest.has(n))) {
        rest.delete(id);
        changed = true;
      }
    }
  }
  return { order, cyclic: [...rest] };
}

/**
 * Parse one node or edge envelope at `/nodes/i` or `/edges/i`; report its structural problems or a duplicate id,
 * naming it by its id where it has one.
 */
function parseEntry<T extends { id: string }>(
  schema: z.ZodType<T>,
  raw: unknown,
  kind: 'node' | 'edge',
  i: number,
  seen: Map<string, number>,
  issues: ValidationIssue[],
): T | undefined {
  const base = ptr(`${kind}s`, i);
  const rawId = (raw as { id?: unknown } | null)?.id;
  const name = (id: string) => (kind === 'node' ? { nodeId: id } : { edgeId: id });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, base, typeof rawId === 'string' ? name(rawId) : {}, 'structure'));
    return undefined;
  }
  const { id } = parsed.data;
  if (seen.has(id)) {
    issues.push({
      code: 'duplicate-id',
      pointer: base + '/id',
      ...name(id),
      message: `duplicate ${kind} id "${id}" (also used by /${kind}s/${seen.get(id)})`,
    });
    return undefined;
  }
  seen.set(id, i);
  return parsed.data;
}

/** Validate a parsed document value. Every problem is reported, not just the first. */
export function validateValue(value: unknown, registry: NodeRegistry = builtinRegistry): LoadResult {
  const issues: ValidationIssue[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      issues: [
        {
          code: 'structure',
          pointer: '',
          message: 'expected a JSON object with "version", "name", "nodes" and "edges"',
        },
      ],
    };
  }
  const raw = value as Record<string, unknown>;
  if (typeof raw.version === 'number' && raw.version > PIPELINE_VERSION) {
    issues.push({
      code: 'version',
      pointer: '/version',
      message: `this file was written by a newer Sluice (document version ${raw.version}); this Sluice reads version ${PIPELINE_VERSION}`,
    });
    return { ok: false, issues };
  }
  if (raw.version !== PIPELINE_VERSION) {
    issues.push({
      code: 'version',
      pointer: '/version',
      message: `expected "version": ${PIPELINE_VERSION}, found ${JSON.stringify(raw.version) ?? 'nothing'}`,
    });
  }
  const env = documentEnvelopeSchema.safeParse(raw);
  if (!env.success) issues.push(...zodIssues(env.error, '', {}, 'structure').filter((i) => i.pointer !== '/version'));
  const rawNodes = Array.isArray(raw.nodes) ? raw.nodes : [];
  const rawEdges = Array.isArray(raw.edges) ? raw.edges : [];

  const nodes: ResolvedNode[] = [];
  const docNodes: PipelineDocument['nodes'] = [];
  const seen = new Map<string, number>();
  rawNodes.forEach((n, i) => {
    const base = ptr('nodes', i);
    const node = parseEntry(nodeEnvelopeSchema, n, 'node', i, seen, issues);
    if (!node) return;
    const spec = registry.get(node.type);
    if (!spec) {
      const near = nearestType(node.type, registry);
      issues.push({
        code: 'unknown-node-type',
        pointer: base + '/type',
        nodeId: node.id,
        message: `unknown node type "${node.type}"${near ? `; did you mean "${near}"?` : ''}`,
      });
      return;
    }
    const secrets = findSecrets(node.config);
    for (const s of secrets) {
      issues.push({
        code: 'secret',
        pointer: base + '/config' + s.pointer,
        nodeId: node.id,
        message: `secrets are never kept in pipeline files, and this looks like one (${s.why}): keep it in a connection profile (the app's settings) and its secret in the secret store or SLUICE_SECRET_<PROFILE>`,
      });
    }
    if (secrets.length) return;
    const cfg = spec.config.safeParse(node.config);
    if (!cfg.success) {
      issues.push(...zodIssues(cfg.error, base + '/config', { nodeId: node.id }, 'config'));
      return;
    }
    spec.lint?.(cfg.data, (field, message) =>
      issues.push({
        code: 'expression',
        pointer: base + ptr('config', field),
        nodeId: node.id,
        message: `"${field}": ${message}`,
      }),
    );
    nodes.push({ id: node.id, spec, config: cfg.data });
    docNodes.push(node);
  });

  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges: PipelineEdge[] = [];
  const edgeIds = new Map<string, number>();
  rawEdges.forEach((e, i) => {
    const base = ptr('edges', i);
    const edge = parseEntry(edgeSchema, e, 'edge', i, edgeIds, issues);
    if (!edge) return;
    const ends = [
      { end: 'from', ref: edge.from, dir: 'output' as const },
      { end: 'to', ref: edge.to, dir: 'input' as const },
    ];
    const types: string[] = [];
    for (const { end, ref, dir } of ends) {
      const node = byId.get(ref.node);
      if (!node) {
        // A node that exists but failed its own checks is already reported; only truly missing ones are named here.
        if (!seen.has(ref.node))
          issues.push({
            code: 'unknown-node',
            pointer: base + ptr(end, 'node'),
            edgeId: edge.id,
            message: `edge ${end} unknown node "${ref.node}"`,
          });
        continue;
      }
      const ports = dir === 'output' ? node.spec.outputs : node.spec.inputs;
      const port = ports.find((p) => p.name === ref.port);
      if (!port) {
        const names = ports.map((p) => `"${p.name}"`).join(', ');
        issues.push({
          code: 'unknown-port',
          pointer: base + ptr(end, 'port'),
          edgeId: edge.id,
          nodeId: node.id,
          message: `node "${node.id}" (${node.spec.type}) has no ${dir} port "${ref.port}"; its ${dir} ports: ${names || 'none'}`,
        });
        continue;
      }
      types.push(portTypeFor(port.type, node.config as Record<string, unknown>));
    }
    if (types.length === 2) {
      const verdict = canFeed(types[0]!, types[1]!);
      if (!verdict.ok) issues.push({ code: 'port-type', pointer: base, edgeId: edge.id, message: verdict.reason });
    }
    edges.push(edge);
  });

  const { order, cyclic } = topoOrder(
    nodes.map((n) => n.id),
    edges,
  );
  if (cyclic.length) {
    issues.push({
      code: 'cycle',
      pointer: '/edges',
      nodeId: cyclic[0],
      message: `the edges form a cycle through nodes ${cyclic.map((c) => `"${c}"`).join(', ')}; a pipeline must flow one way`,
    });
  }
  if (issues.length) return { ok: false, issues };
  const doc: PipelineDocument = { ...(env.data as unknown as PipelineDocument), nodes: docNodes, edges };
  const pipeline = { doc, nodes, order };
  for (const p of mediaGroupProblems(pipeline)) {
    issues.push({
      code: 'media-group',
      pointer: ptr(
        'nodes',
        docNodes.findIndex((n) => n.id === p.nodeId),
      ),
      nodeId: p.nodeId,
      message: p.message,
    });
  }
  if (issues.length) return { ok: false, issues };
  // Warnings: the pipeline runs, but what it computes may not be what its author means.
  issues.push(...eventTimeWarnings(pipeline));
  return { ok: true, issues, doc, pipeline };
}

function placeIssues(locations: Parameters<typeof locate>[0], issues: ValidationIssue[]): void {
  for (const issue of issues) {
    const at: SourceLocation | undefined = locate(locations, issue.pointer);
    if (at) Object.assign(issue, at);
  }
}

/** Give issues found beyond validation (pointers into a document read from `text`) their line and column. */
export function locateIssues(text: string, issues: ValidationIssue[]): void {
  try {
    placeIssues(parseJsonWithLocations(text).locations, issues);
  } catch {
    // Not JSON: nothing to place them in.
  }
}

/** Parse and validate a document's text. Issues carry the line and column they point at. */
export function loadDocumentText(text: string, registry: NodeRegistry = builtinRegistry): LoadResult {
  let parsed;
  try {
    parsed = parseJsonWithLocations(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      return {
        ok: false,
        issues: [{ code: 'json-syntax', pointer: '', message: err.message, line: err.line, column: err.column }],
      };
    }
    throw err;
  }
  const result = validateValue(parsed.value, registry);
  placeIssues(parsed.locations, result.issues);
  if (!result.doc && typeof parsed.value === 'object' && parsed.value !== null) {
    const v = parsed.value as Partial<PipelineDocument>;
    if (Array.isArray(v.nodes) && Array.isArray(v.edges)) result.doc = v as PipelineDocument;
  }
  return result;
}
