/**
 * The data part of a pipeline that runs on Flink, and the wires that cross from it to the nodes that stay here.
 *
 * A node runs on Flink when it is of a type Flink runs (Kafka source, filter, map, key-by, window, Kafka sink,
 * archive) and every input it has comes from a node on Flink; a Kafka source (reading JSON) joins when an operator or
 * sink of those types reads it. What reads from the part but does not run on Flink (Redis, debug, ...) stays in-process
 * and gets the records through a Kafka topic: the job writes each such port to a bridge topic, and the in-process run
 * reads it with a Kafka source of its own in place of the Flink node.
 */
import type { PipelineDocument } from '../../shared/document';
import type { ValidationIssue } from '../../shared/validation';
import type { ResolvedPipeline } from '../document/resolved';

/** Node types the Flink compiler turns into SQL. */
export const FLINK_NODE_TYPES: ReadonlySet<string> = new Set([
  'kafka-source',
  'filter',
  'map',
  'key-by',
  'window',
  'kafka-sink',
  'archive',
]);

/** Why a node keeps the pipeline's data part from compiling: the node, the config field where known, in words. */
export interface FlinkRefusal {
  nodeId: string;
  field?: string;
  message: string;
}

/** A port on Flink read by nodes that stay in-process: its records go through a Kafka topic. */
export interface FlinkBridge {
  from: { node: string; port: string };
  /** The wires it carries (their ids stay, now from the bridge's source). */
  edges: string[];
  topic: string;
  /** The Kafka profile of the source it comes from. */
  profile: string;
  /** The in-process Kafka source that reads the topic. */
  sourceId: string;
}

export interface FlinkPart {
  /** Node ids in topological order. */
  nodes: string[];
  bridges: FlinkBridge[];
}

export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'pipeline';

/** Which nodes run on Flink, and the bridges to the nodes that read from them in-process. */
export function flinkPart(pipeline: ResolvedPipeline): FlinkPart {
  const type = new Map(pipeline.nodes.map((n) => [n.id, n.spec.type]));
  const config = new Map(pipeline.nodes.map((n) => [n.id, n.config as Record<string, unknown>]));
  const edges = pipeline.doc.edges;
  const into = (id: string) => edges.filter((e) => e.to.node === id);
  const onFlink = new Set<string>();
  for (const id of pipeline.order) {
    const t = type.get(id)!;
    if (!FLINK_NODE_TYPES.has(t)) continue;
    if (t === 'kafka-source') {
      const json = (config.get(id)?.format ?? 'json') === 'json';
      const read = edges.some(
        (e) =>
          e.from.node === id && FLINK_NODE_TYPES.has(type.get(e.to.node)!) && type.get(e.to.node) !== 'kafka-source',
      );
      if (json && read) onFlink.add(id);
      continue;
    }
    const inputs = into(id);
    if (inputs.length && inputs.every((e) => onFlink.has(e.from.node))) onFlink.add(id);
  }
  const nodes = pipeline.order.filter((id) => onFlink.has(id));
  // The Kafka profile each Flink node's records come from (its source's).
  const profileOf = new Map<string, string>();
  for (const id of nodes) {
    const p =
      type.get(id) === 'kafka-source' ? (config.get(id)?.profile as string) : profileOf.get(into(id)[0]!.from.node);
    profileOf.set(id, p ?? 'local');
  }
  const bridges: FlinkBridge[] = [];
  const taken = new Set(pipeline.nodes.map((n) => n.id));
  for (const e of edges) {
    if (!onFlink.has(e.from.node) || onFlink.has(e.to.node)) continue;
    const found = bridges.find((b) => b.from.node === e.from.node && b.from.port === e.from.port);
    if (found) {
      found.edges.push(e.id);
      continue;
    }
    let sourceId = `${e.from.node}${e.from.port === 'out' ? '' : `-${e.from.port}`}-from-flink`;
    while (taken.has(sourceId)) sourceId += '-';
    taken.add(sourceId);
    bridges.push({
      from: { ...e.from },
      edges: [e.id],
      topic: `sluice-bridge.${slug(pipeline.doc.name)}.${slug(e.from.node)}.${slug(e.from.port)}`,
      profile: profileOf.get(e.from.node)!,
      sourceId,
    });
  }
  return { nodes, bridges };
}

/**
 * What runs in-process beside the job: every node not on Flink, and for each bridge a Kafka source reading its topic
 * (a group of its own per run, from the newest records) wired where the Flink node's port was.
 */
export function remainderDocument(doc: PipelineDocument, part: FlinkPart, runId: string): PipelineDocument {
  const onFlink = new Set(part.nodes);
  const byEdge = new Map(part.bridges.flatMap((b) => b.edges.map((id) => [id, b] as const)));
  return {
    ...doc,
    nodes: [
      ...doc.nodes.filter((n) => !onFlink.has(n.id)),
      ...part.bridges.map((b) => {
        const at = doc.nodes.find((n) => n.id === b.from.node)!.position;
        return {
          id: b.sourceId,
          type: 'kafka-source',
          position: { x: at.x, y: at.y + 40 },
          config: {
            profile: b.profile,
            topics: [b.topic],
            group: `${b.topic}.${runId}`,
            start: 'latest',
            idleTimeoutMs: 1000,
          },
        };
      }),
    ],
    edges: doc.edges
      .filter((e) => !onFlink.has(e.to.node))
      .map((e) => {
        const b = byEdge.get(e.id);
        return b ? { ...e, from: { node: b.sourceId, port: 'out' } } : e;
      }),
  };
}

/** Refusals as validation issues: each at its node's config field in the file (line and column once located). */
export function refusalIssues(doc: PipelineDocument, refusals: readonly FlinkRefusal[]): ValidationIssue[] {
  return refusals.map((r) => {
    const i = doc.nodes.findIndex((n) => n.id === r.nodeId);
    return {
      code: 'config',
      pointer: i < 0 ? '/nodes' : `/nodes/${i}${r.field ? `/config/${r.field}` : ''}`,
      nodeId: r.nodeId,
      message: r.message,
    };
  });
}
