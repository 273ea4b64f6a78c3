/**
 * The planner: between a resolved pipeline and the runtime. For every node, which executor runs it and why; the
 * media groups (one ffmpeg process each); the in-process runtime's chained edges. Validation, `sluice plan`, the
 * studio and the runtime all read the plan.
 *
 * Executors are asked in order; each places the nodes it can run among those not placed yet, and says what keeps
 * the others it would take from running. A new executor (Flink, for the data part of a pipeline) is one more
 * entry in `EXECUTORS`.
 */
import type { ExecutorKind, Placement, PlanView } from '../../shared/plan';
import type { ResolvedNode, ResolvedPipeline } from '../document/resolved';
import { chainableEdges, clockedNodes, exclusiveInputNodes } from './in-process';
import { planMediaGroups, type MediaGroupPlan } from './media-groups';

export type { MediaGroupPlan };

export type { ExecutorKind, Placement };

/** Something that keeps a node from being placed (the validation pass reports it). */
export interface PlanProblem {
  code: 'media-group' | 'executor';
  nodeId: string;
  message: string;
  /** The nodes it keeps from running (default: `nodeId`). */
  members?: string[];
}

export interface PipelinePlan {
  nodes: Placement[];
  mediaGroups: MediaGroupPlan[];
  /** Edges the in-process runtime runs chained: the downstream operator runs inside its upstream's call. */
  chainedEdges: string[];
  /** Nodes whose input no other node holds (may change records in place). */
  exclusiveInput: ReadonlySet<string>;
  /** Nodes on the event-time clock their sources send. */
  clocked: ReadonlySet<string>;
  problems: PlanProblem[];
}

/** What an executor is told when it places nodes. */
export interface PlacingContext {
  pipeline: ResolvedPipeline;
  /** Nodes no executor before this one took. */
  unplaced: readonly ResolvedNode[];
  /** The edges the in-process runtime can chain (computed once per plan). */
  chainable: ReadonlySet<string>;
}

export interface Executor {
  kind: ExecutorKind;
  /** One line: what this executor is. */
  title: string;
  place(ctx: PlacingContext): { placements: Placement[]; mediaGroups?: MediaGroupPlan[]; problems: PlanProblem[] };
}

const ROLE_WORDS: Record<string, string> = {
  source: 'video source: ffmpeg captures or reads it',
  audio: 'audio source: ffmpeg captures it into the same process',
  encoder: 'encoder: ffmpeg encodes the group’s video (the encoder is chosen from this machine’s probe when it opens)',
  sink: 'media sink: ffmpeg writes it itself',
  packager: 'packager: ffmpeg writes its fMP4 to a pipe; it comes back into the engine as bytes records',
};

/** One ffmpeg process per media group. */
export const ffmpegExecutor: Executor = {
  kind: 'ffmpeg',
  title: 'one ffmpeg process per media group',
  place({ pipeline }) {
    const { groups, problems } = planMediaGroups(pipeline);
    const placements: Placement[] = [];
    for (const g of groups) {
      const chain = [g.video.id, ...(g.audio ? [g.audio.id] : []), g.encoder.id].join(' + ');
      const shape = `${chain} → ${g.outputs.map((o) => o.id).join(', ')}`;
      for (const id of g.members) {
        const n = pipeline.nodes.find((x) => x.id === id)!;
        placements.push({
          nodeId: id,
          type: n.spec.type,
          executor: 'ffmpeg',
          group: g.id,
          reason: `${ROLE_WORDS[n.spec.media!]}; its media wires join ${shape} into one ffmpeg process`,
        });
      }
    }
    return { placements, mediaGroups: groups, problems: problems.map((p) => ({ code: 'media-group', ...p })) };
  },
};

const CATEGORY_WORDS: Record<string, string> = {
  sources: 'a record source: it makes its records in the engine',
  kafka: 'a Kafka client (kafkajs) in the engine',
  operators: 'a record operator',
  sinks: 'a record sink: the engine writes it',
};

/** The engine's own runtime: every node not placed elsewhere that is not a media node. */
export const inProcessExecutor: Executor = {
  kind: 'in-process',
  title: 'the engine’s own runtime on this machine: a runner per node, bounded queues between them',
  place({ pipeline, unplaced, chainable: chained }) {
    const placements: Placement[] = [];
    const problems: PlanProblem[] = [];
    for (const n of unplaced) {
      // A media node outside a working group is the media pass's problem (reported there); nothing runs it here.
      if (n.spec.media) continue;
      const into = pipeline.doc.edges.filter((e) => e.to.node === n.id);
      const chainedFrom = into.find((e) => chained.has(e.id));
      const how = chainedFrom
        ? `runs inside ${chainedFrom.from.node}'s call (chained: no queue between them)`
        : into.length
          ? `fed by ${into.length === 1 ? 'a bounded queue' : `${into.length} bounded queues`}`
          : 'runs its own loop';
      placements.push({
        nodeId: n.id,
        type: n.spec.type,
        executor: 'in-process',
        reason: `${CATEGORY_WORDS[n.spec.category] ?? 'a record node'}; ${how}`,
      });
    }
    return { placements, problems };
  },
};

/** The executors, asked in this order (a run in-process; see flink/executor.ts for a Flink target). */
export const EXECUTORS: readonly Executor[] = [ffmpegExecutor, inProcessExecutor];

/** The executors for a run whose data part goes to Flink: media on ffmpeg, the data part on Flink, the rest here. */
export const withFlink = (flink: Executor): readonly Executor[] => [ffmpegExecutor, flink, inProcessExecutor];

/** Plan a resolved pipeline: every node placed on an executor, with the reason, or a problem saying why not. */
export function planPipeline(pipeline: ResolvedPipeline, executors: readonly Executor[] = EXECUTORS): PipelinePlan {
  const placed = new Map<string, Placement>();
  const mediaGroups: MediaGroupPlan[] = [];
  const problems: PlanProblem[] = [];
  const chainedEdges = chainableEdges(pipeline);
  const chainable = new Set(chainedEdges);
  for (const ex of executors) {
    const unplaced = pipeline.nodes.filter((n) => !placed.has(n.id));
    const r = ex.place({ pipeline, unplaced, chainable });
    for (const p of r.placements) if (!placed.has(p.nodeId)) placed.set(p.nodeId, p);
    mediaGroups.push(...(r.mediaGroups ?? []));
    problems.push(...r.problems);
  }
  const reported = new Set(problems.flatMap((p) => p.members ?? [p.nodeId]));
  for (const n of pipeline.nodes) {
    if (placed.has(n.id) || reported.has(n.id)) continue;
    problems.push({ code: 'executor', nodeId: n.id, message: `no executor can run node "${n.id}" (${n.spec.type})` });
  }
  return {
    nodes: pipeline.nodes.filter((n) => placed.has(n.id)).map((n) => placed.get(n.id)!),
    mediaGroups,
    chainedEdges,
    exclusiveInput: exclusiveInputNodes(pipeline),
    clocked: clockedNodes(pipeline),
    problems,
  };
}

/** The plan as the studio and `sluice plan --json` show it. */
export function describePlan(
  plan: PipelinePlan,
  pipeline: ResolvedPipeline,
  executors: readonly Executor[] = EXECUTORS,
): PlanView {
  const edges = new Map(pipeline.doc.edges.map((e) => [e.id, e]));
  return {
    pipeline: pipeline.doc.name,
    executors: executors
      .map((ex) => ({
        kind: ex.kind,
        title: ex.title,
        nodes: plan.nodes.filter((n) => n.executor === ex.kind).map((n) => n.nodeId),
      }))
      .filter((ex) => ex.nodes.length > 0),
    nodes: plan.nodes,
    mediaGroups: plan.mediaGroups.map((g) => ({
      id: g.id,
      video: g.video.id,
      ...(g.audio ? { audio: g.audio.id } : {}),
      encoder: g.encoder.id,
      outputs: g.outputs.map((o) => o.id),
    })),
    chainedEdges: plan.chainedEdges.map((id) => ({ id, from: edges.get(id)!.from.node, to: edges.get(id)!.to.node })),
  };
}
