/**
 * The planner's Flink executor: places the pipeline's data part (see part.ts) on Flink when the target is a Flink
 * cluster, and reports every node that keeps it from compiling (the compile refusals, with node and field).
 */
import type { Executor, PlanProblem } from '../plan/plan';
import type { Placement } from '../../shared/plan';
import { FLINK_NODE_TYPES, flinkPart } from './part';
import { compileFlinkScript, compileOptions, FlinkCompileError, type FlinkConnections } from './sql/compile';

/** Connections that resolve nothing: enough to find what does not compile, before any server is asked. */
const UNRESOLVED: FlinkConnections = {
  kafka: (profile) => ({ properties: { 'bootstrap.servers': `<profile ${profile}>` }, secret: [] }),
  archive: (target) => target,
};

const ROLE: Record<string, string> = {
  'kafka-source': 'a Kafka table (the Kafka SQL connector); its watermark per partition',
  filter: 'a view: WHERE',
  map: 'a view: SELECT of the new record’s fields',
  'key-by': 'a view: the key as a column',
  window: 'a window aggregation (TUMBLE/HOP table function) on event time',
  'kafka-sink': 'a Kafka table, filled by an INSERT',
  archive: 'a filesystem table (hdfs:// or file://), filled by an INSERT; files made final at checkpoints',
};

export const flinkExecutor: Executor = {
  kind: 'flink',
  title: 'Apache Flink: the data part as one Flink SQL job (sluice deploy --flink, or Run on a Flink profile)',
  place({ pipeline, unplaced }) {
    const part = flinkPart(pipeline);
    const free = new Set(unplaced.map((n) => n.id));
    const problems: PlanProblem[] = [];
    if (part.nodes.length) {
      try {
        compileFlinkScript(pipeline, part, UNRESOLVED, compileOptions(pipeline));
      } catch (err) {
        if (!(err instanceof FlinkCompileError)) throw err;
        for (const r of err.refusals)
          problems.push({
            code: 'executor',
            nodeId: r.nodeId,
            message: `${r.field ? `${r.field}: ` : ''}${r.message}`,
          });
      }
    }
    const type = new Map(pipeline.nodes.map((n) => [n.id, n.spec.type]));
    const placements: Placement[] = part.nodes
      .filter((id) => free.has(id) && FLINK_NODE_TYPES.has(type.get(id)!))
      .map((id) => ({ nodeId: id, type: type.get(id)!, executor: 'flink', reason: ROLE[type.get(id)!] ?? 'on Flink' }));
    return { placements, problems };
  },
};
