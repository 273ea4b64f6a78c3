/**
 * A deployed job's figures as the studio draws a local run's: per Sluice node, from the Flink vertex that runs it
 * (vertices.ts) — records in/out per second, back pressure (Flink's back-pressured time per second, as the fraction
 * of time a wire is "full": the same 60/85 % colours), busy time, watermarks of window nodes, a Kafka source's
 * pending records — and the job's own: state, restarts, checkpoints. A new entry in the job's exception history is
 * reported once, with Flink's root cause, on the node it belongs to.
 */
import type { ResolvedPipeline } from '../document/resolved';
import type { EdgeMetrics, NodeMetrics, NodeState } from '../../shared/metrics';
import type { FlinkJobMetrics } from '../../shared/flink';
import { roundRate } from '../../shared/metrics';
import { rootCause, type FlinkRest, type JobDetails } from './rest';
import type { FlinkJobScript } from './sql/compile';
import { nodeOfVertex, verticesByNode, windowOperators, type WindowOps } from './vertices';
import { nodeCounts, type NodeCount } from './counts';

export interface FlinkFigures {
  nodes: Record<string, NodeMetrics>;
  edges: Record<string, EdgeMetrics>;
  job: FlinkJobMetrics;
  /** Failures seen since the last poll: Flink's root cause, on its node where known. */
  errors: { nodeId?: string; message: string }[];
}

const STATE: Record<string, NodeState> = {
  RUNNING: 'running',
  CREATED: 'starting',
  SCHEDULED: 'starting',
  DEPLOYING: 'starting',
  INITIALIZING: 'starting',
  FINISHED: 'stopped',
  CANCELING: 'draining',
  CANCELED: 'stopped',
  FAILED: 'error',
  RECONCILING: 'restarting',
};

const VERTEX_METRICS = ['backPressuredTimeMsPerSecond', 'busyTimeMsPerSecond'];

export class FlinkWatcher {
  private byNode: Map<string, string> | undefined;
  private windows: Map<string, WindowOps> | undefined;
  private operatorMetrics = new Map<string, string[]>();
  private seenExceptions = 0;
  private lastPoll: { at: number; counts: Map<string, NodeCount> } | undefined;

  constructor(
    private readonly rest: FlinkRest,
    readonly jobId: string,
    private readonly script: FlinkJobScript,
    private readonly pipeline: ResolvedPipeline,
    private readonly nodes: readonly string[],
  ) {}

  /** The operator metrics of a vertex that name a table or window of ours (listed once per vertex). */
  private async operatorNames(vertex: string): Promise<string[]> {
    let names = this.operatorMetrics.get(vertex);
    if (!names) {
      const all = await this.rest.vertexMetricNames(this.jobId, vertex);
      names = all.filter((n) =>
        /^(.+\.(numRecordsIn|numRecordsOut)|Source__.+\[\d+\]\.pendingRecords|(Global)?WindowAggregate\[\d+\]\.(currentInputWatermark|numLateRecordsDropped))$/.test(
          n,
        ),
      );
      // Listed again next time while the tasks have not registered their metrics yet.
      if (names.length) this.operatorMetrics.set(vertex, names);
    }
    return names;
  }

  async poll(): Promise<FlinkFigures> {
    const job: JobDetails = await this.rest.job(this.jobId);
    this.windows ??= windowOperators(job.plan, this.pipeline, this.script.windows);
    this.byNode ??= verticesByNode(job.vertices, this.script, this.pipeline, this.nodes, this.windows);
    const perVertex = new Map<string, Record<string, { sum?: number; max?: number; min?: number }>>();
    for (const v of job.vertices) {
      const ops = await this.operatorNames(v.id);
      perVertex.set(
        v.id,
        await this.rest.vertexMetrics(this.jobId, v.id, [...VERTEX_METRICS, ...ops]).catch(() => ({})),
      );
    }
    const status = new Map(job.vertices.map((v) => [v.id, v.status]));
    // Operator counters of the whole job, summed over subtasks: records in and out per node (counts.ts).
    const all = new Map<string, number>();
    for (const m of perVertex.values())
      for (const [k, v] of Object.entries(m))
        if (k.includes('.') && v.sum !== undefined) all.set(k, (all.get(k) ?? 0) + v.sum);
    const counts = nodeCounts(all, this.script, this.pipeline, this.nodes, this.windows);
    const now = Date.now();
    const dt = this.lastPoll ? (now - this.lastPoll.at) / 1000 : 0;
    const rate = (id: string, which: 'in' | 'out', total: number) => {
      const before = this.lastPoll?.counts.get(id)?.[which];
      return dt > 0 && before !== undefined ? Math.max(0, total - before) / dt : 0;
    };
    const nodes: Record<string, NodeMetrics> = {};
    for (const id of this.nodes) {
      const vid = this.byNode.get(id);
      const m = (vid && perVertex.get(vid)) || {};
      const get = (k: string, agg: 'sum' | 'max' = 'sum') => m[k]?.[agg] ?? 0;
      const c = counts.get(id) ?? {};
      const recordsIn = c.in ?? 0;
      const recordsOut = c.out ?? 0;
      const n: NodeMetrics = {
        state: STATE[(vid && status.get(vid)) ?? job.state] ?? (job.state === 'RESTARTING' ? 'restarting' : 'running'),
        recordsInPerSec: roundRate(rate(id, 'in', recordsIn)),
        recordsOutPerSec: roundRate(rate(id, 'out', recordsOut)),
        bytesInPerSec: 0,
        bytesOutPerSec: 0,
        recordsIn,
        recordsOut,
        errors: 0,
        dropped: 0,
        p50Ms: 0,
        p99Ms: 0,
        counters: {
          busyPct: Math.round(get('busyTimeMsPerSecond', 'max') / 10),
          backPressuredPct: Math.round(get('backPressuredTimeMsPerSecond', 'max') / 10),
        },
      };
      const pending = Object.keys(m).find(
        (k) => k.startsWith(`Source__${id.replace(/[.]/g, '_')}[`) && k.endsWith('.pendingRecords'),
      );
      if (pending) n.kafka = { lag: { pending: get(pending) } };
      if (this.script.windows.includes(id)) {
        const ops = this.windows.get(id) ?? {};
        const op = ops.global !== undefined ? `GlobalWindowAggregate[${ops.global}]` : `WindowAggregate[${ops.single}]`;
        const wm = `${op}.currentInputWatermark` in m ? `${op}.currentInputWatermark` : undefined;
        const late = `${op}.numLateRecordsDropped` in m ? `${op}.numLateRecordsDropped` : undefined;
        const watermark = wm ? m[wm]?.min : undefined;
        // Flink says the watermark, not the newest event time: how far it trails the wall clock stands in for the
        // trail (live events carry about the wall clock's time).
        if (watermark !== undefined && watermark > 0)
          n.eventTime = {
            watermark,
            trailMs: Math.max(0, now - watermark),
            heldBy: 'the Flink job (behind the wall clock)',
          };
        if (late) n.dropped = get(late);
      }
      nodes[id] = n;
    }
    this.lastPoll = { at: now, counts };
    // A wire between two vertices is as full as its upstream vertex is back-pressured; wires inside a vertex are
    // chained (no queue).
    const edges: Record<string, EdgeMetrics> = {};
    for (const e of this.pipeline.doc.edges) {
      const a = this.byNode.get(e.from.node);
      const b = this.byNode.get(e.to.node);
      if (!a || !b) continue;
      const up = nodes[e.from.node]!;
      edges[e.id] = {
        length: 0,
        capacity: 0,
        bytes: 0,
        fullFraction: a === b ? 0 : Math.min(1, (perVertex.get(a)?.backPressuredTimeMsPerSecond?.max ?? 0) / 1000),
        recordsPerSec: up.recordsOutPerSec,
        dropped: 0,
      };
    }
    const [checkpoints, exceptions, restarts] = await Promise.all([
      this.rest.checkpoints(this.jobId).catch(() => undefined),
      this.rest.exceptions(this.jobId).catch(() => []),
      this.rest
        .call<{ id: string; value: string }[]>('GET', `/jobs/${this.jobId}/metrics?get=numRestarts`)
        .catch(() => []),
    ]);
    const errors: FlinkFigures['errors'] = [];
    // The history is newest first.
    for (const e of exceptions.slice(0, Math.max(0, exceptions.length - this.seenExceptions)).reverse()) {
      const nodeId = nodeOfVertex(e.taskName ?? e.stacktrace, this.script);
      errors.push({ ...(nodeId ? { nodeId } : {}), message: rootCause(e.stacktrace) });
      if (nodeId && nodes[nodeId]) nodes[nodeId].lastError = rootCause(e.stacktrace);
    }
    this.seenExceptions = Math.max(this.seenExceptions, exceptions.length);
    const done = checkpoints?.latest.completed;
    return {
      nodes,
      edges,
      errors,
      job: {
        jobId: this.jobId,
        state: job.state,
        restarts: Number(restarts.find((r) => r.id === 'numRestarts')?.value ?? 0),
        checkpoints: {
          completed: checkpoints?.counts.completed ?? 0,
          failed: checkpoints?.counts.failed ?? 0,
          inProgress: checkpoints?.counts.in_progress ?? 0,
          ...(done
            ? {
                last: {
                  id: done.id,
                  at: done.latest_ack_timestamp,
                  durationMs: done.end_to_end_duration,
                  sizeBytes: done.checkpointed_size ?? done.state_size,
                },
              }
            : {}),
          ...(checkpoints?.latest.failed?.failure_message
            ? { lastFailure: checkpoints.latest.failed.failure_message }
            : {}),
        },
      },
    };
  }
}
