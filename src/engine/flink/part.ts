/**
 * The data part of a pipeline that runs on Flink: the Kafka sources that read JSON records and everything
 * downstream of them, when that includes a Flink operator or sink. Every node in that part must be one Flink runs
 * (Kafka source, filter, map, key-by, window, Kafka sink, archive) and take its input only from the part: a node
 * that does not is refused here, naming it and saying what to do, before anything is deployed. A Kafka source whose
 * records go only to nodes Flink does not run (Redis, debug, ...) stays in-process.
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

export interface FlinkPart {
  /** Node ids in topological order. */
  nodes: string[];
  refusals: FlinkRefusal[];
}

/** Which nodes run on Flink, and the nodes that keep the part from running there. */
export function flinkPart(pipeline: ResolvedPipeline): FlinkPart {
  const type = new Map(pipeline.nodes.map((n) => [n.id, n.spec.type]));
  const config = new Map(pipeline.nodes.map((n) => [n.id, n.config as Record<string, unknown>]));
  const edges = pipeline.doc.edges;
  const refusals: FlinkRefusal[] = [];
  const roots = pipeline.order.filter(
    (id) => type.get(id) === 'kafka-source' && ['json', undefined].includes(config.get(id)?.format as string),
  );
  // Each root's downstream closure; closures that meet are one region.
  const regionOf = new Map<string, number>();
  const regions: Set<string>[] = [];
  for (const root of roots) {
    const seen = new Set<string>([root]);
    const todo = [root];
    while (todo.length) {
      const id = todo.pop()!;
      for (const e of edges) {
        if (e.from.node !== id || seen.has(e.to.node)) continue;
        seen.add(e.to.node);
        todo.push(e.to.node);
      }
    }
    const meets = [...new Set([...seen].map((id) => regionOf.get(id)).filter((r) => r !== undefined))];
    const merged = new Set([...seen, ...meets.flatMap((r) => [...regions[r]!])]);
    const index = regions.length;
    regions.push(merged);
    for (const r of meets) regions[r] = new Set();
    for (const id of merged) regionOf.set(id, index);
  }
  const nodes = new Set<string>();
  for (const region of regions) {
    const flinkWork = [...region].some((id) => type.get(id) !== 'kafka-source' && FLINK_NODE_TYPES.has(type.get(id)!));
    if (!flinkWork) continue;
    for (const id of region) nodes.add(id);
    for (const id of region) {
      if (!FLINK_NODE_TYPES.has(type.get(id)!)) {
        const from = edges.filter((e) => e.to.node === id && region.has(e.from.node)).map((e) => e.from.node);
        refusals.push({
          nodeId: id,
          message: `a ${type.get(id)} node does not run on Flink, and its records come from the part that does (${[...new Set(from)].join(', ')}): write them to a Kafka topic with a kafka-sink and read that topic in a pipeline run in-process`,
        });
      }
      for (const e of edges.filter((x) => x.to.node === id && !region.has(x.from.node)))
        refusals.push({
          nodeId: id,
          message: `this node runs on Flink, but its input "${e.to.port}" comes from "${e.from.node}", which runs in-process: Flink reads only Kafka (put a kafka-sink between them)`,
        });
    }
  }
  return { nodes: pipeline.order.filter((id) => nodes.has(id)), refusals };
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
