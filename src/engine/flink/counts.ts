/**
 * Records in and out of each Sluice node of a Flink job, from the job's operator counters. Flink fuses filter, map
 * and key-by into "Calc" operators with no name of ours, so they are read at the boundaries whose names are known:
 * a source's `Source__<table>[n].numRecordsOut`, a sink's `<table>[n]__Writer.numRecordsIn` (Flink writes a
 * table's dots as `_`), the archive's `StreamingFileWriter.numRecordsIn`, and the k-th window's
 * window aggregations found by windowOperators (records in at the local one, results out of the global one). Every consumer of a port receives
 * all its records, so a node's out is the in of any consumer known; map and key-by pass on what they take (a record
 * without a value or a key is the rare exception), so their in is their out; a node's in is its upstream's out.
 */
import type { ResolvedPipeline } from '../document/resolved';
import type { FlinkJobScript } from './sql/compile';
import type { WindowOps } from './vertices';

export interface NodeCount {
  in?: number;
  out?: number;
}

/** Flink's metric name for an operator named after a table. */
const metricName = (table: string) => table.replace(/[.]/g, '_');

/** The operator counters of a job (summed over subtasks) → records in and out per node. */
export function nodeCounts(
  metrics: ReadonlyMap<string, number>,
  script: FlinkJobScript,
  pipeline: ResolvedPipeline,
  nodes: readonly string[],
  windows: ReadonlyMap<string, WindowOps>,
): Map<string, NodeCount> {
  const type = new Map(pipeline.nodes.map((n) => [n.id, n.spec.type]));
  const edges = pipeline.doc.edges.filter((e) => nodes.includes(e.from.node));
  const find = (re: RegExp): number | undefined => {
    let sum: number | undefined;
    for (const [k, v] of metrics) if (re.test(k)) sum = (sum ?? 0) + v;
    return sum;
  };
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const counts = new Map<string, NodeCount>(nodes.map((id) => [id, {}]));
  // Known directly.
  for (const [w, ops] of windows) {
    const c = counts.get(w);
    if (!c) continue;
    const inOp =
      ops.local !== undefined
        ? `LocalWindowAggregate[${ops.local}]`
        : ops.single !== undefined
          ? `WindowAggregate[${ops.single}]`
          : undefined;
    const outOp =
      ops.global !== undefined
        ? `GlobalWindowAggregate[${ops.global}]`
        : ops.single !== undefined
          ? `WindowAggregate[${ops.single}]`
          : undefined;
    if (inOp) c.in = metrics.get(`${inOp}.numRecordsIn`);
    if (outOp) c.out = metrics.get(`${outOp}.numRecordsOut`);
  }
  const archives = nodes.filter((id) => type.get(id) === 'archive');
  for (const id of nodes) {
    const c = counts.get(id)!;
    const t = type.get(id);
    if (t === 'kafka-source') c.out = find(new RegExp(`^Source__${esc(metricName(id))}\\[\\d+\\]\\.numRecordsOut$`));
    if (t === 'kafka-sink')
      c.in = c.out = find(new RegExp(`^${esc(metricName(id))}\\[\\d+\\]__Writer\\.numRecordsIn$`));
    if (t === 'archive' && archives.length === 1) c.in = c.out = find(/^StreamingFileWriter\.numRecordsIn$/);
  }
  // A bridge's writer counts what its port sends (the out port: the others are not the node's out).
  for (const [table, node] of Object.entries(script.objects)) {
    if (table !== `bridge.${node}.out`) continue;
    const n = find(new RegExp(`^${esc(metricName(table))}\\[\\d+\\]__Writer\\.numRecordsIn$`));
    const c = counts.get(node);
    if (n !== undefined && c && c.out === undefined) c.out = n;
  }
  // Backwards: a node's out is the in of a consumer that knows it; map and key-by pass on what they take.
  const passes = (id: string) => type.get(id) === 'map' || type.get(id) === 'key-by';
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of [...nodes].reverse()) {
      const c = counts.get(id)!;
      if (passes(id) && c.in === undefined && c.out !== undefined) {
        c.in = c.out;
        changed = true;
      }
      if (c.out !== undefined) continue;
      for (const e of edges.filter((x) => x.from.node === id && x.from.port === 'out')) {
        const inn = counts.get(e.to.node)?.in;
        if (inn !== undefined) {
          c.out = inn;
          changed = true;
          break;
        }
      }
    }
    // Forwards: a node's in is what its upstream ports send.
    for (const id of nodes) {
      const c = counts.get(id)!;
      if (c.in !== undefined || type.get(id) === 'kafka-source') continue;
      const ups = pipeline.doc.edges.filter((e) => e.to.node === id);
      const outs = ups.map((e) => (e.from.port === 'out' ? counts.get(e.from.node)?.out : undefined));
      if (ups.length && outs.every((x) => x !== undefined)) {
        c.in = outs.reduce((a, b) => a! + b!, 0);
        changed = true;
      }
    }
  }
  return counts;
}
