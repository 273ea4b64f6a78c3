/**
 * A running pipeline: one runner per node, one bounded queue per edge, one metrics tick per interval.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_QUEUE_BYTES, DEFAULT_QUEUE_RECORDS, QUEUE } from '../../shared/document';
import {
  METRICS_INTERVAL_MS,
  roundFine,
  roundRate,
  type EdgeMetrics,
  type LatencyTrace,
  type MetricsTick,
  type NodeMetrics,
} from '../../shared/metrics';
import type { ResolvedPipeline } from '../document/resolved';
import type { Rec } from '../contract/spec';
import { mediaGroupsOf, type MediaGroup } from '../media/group';
import { planPipeline, type PipelinePlan } from '../plan/plan';
import { MEDIA_KINDS } from '../../shared/ports';
import { parsePortType } from '../../shared/ports';
import { compileExpression, type CompiledExpression } from '../expression/expression';
import { WireTap, type TapChunk } from './tap';
import type { Trace } from './trace';
import type { PreviewTap } from '../media/preview';
import type { LiveStateView } from '../../shared/live-state';
import { NodeRunner, type CounterSnapshot, type RunnerEvents } from './node-runner';
import { BatchQueue } from './queue';
import './v8-tuning';

/** Latency traces kept per flow. */
const KEEP_TRACES = 30;

export interface FlowEvents extends RunnerEvents {
  onMetrics(tick: MetricsTick): void;
}

export interface FlowOptions {
  metricsIntervalMs?: number;
  /** Metrics ticks, processing-time sampling and latency traces (default true; the benchmark measures their cost). */
  metrics?: boolean;
  /** Media groups write a preview stream the studio can watch (see media/preview.ts). */
  preview?: boolean;
  /** Chain adjacent operators into one call per batch (default true). */
  chaining?: boolean;
  /** Fuse chained per-record operators with the source feeding them into one generated loop (default true). */
  fusion?: boolean;
}

export class Flow {
  readonly runId = randomUUID();
  readonly runners = new Map<string, NodeRunner>();
  readonly queues = new Map<string, BatchQueue>();
  /** The media groups, by member node id. */
  readonly mediaGroups: ReadonlyMap<string, MediaGroup>;
  /** Where each node runs (see plan/plan.ts). */
  readonly plan: PipelinePlan;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private lastTickAt = 0;
  private seq = 0;
  private prevNodes = new Map<string, CounterSnapshot>();
  private prevEdges = new Map<string, number>();
  private finished: Promise<void> | undefined;
  /** The latest batches followed for the latency waterfall. */
  private readonly traces: Trace[] = [];
  /** How many wires are being watched now. */
  private readonly taps = { active: 0 };

  constructor(
    private readonly pipeline: ResolvedPipeline,
    private readonly events: FlowEvents,
    private readonly options: FlowOptions = {},
  ) {
    const inputs = new Map<string, { port: string; queue: BatchQueue }[]>();
    const outputs = new Map<string, Map<string, BatchQueue[]>>();
    for (const n of pipeline.nodes) {
      inputs.set(n.id, []);
      outputs.set(n.id, new Map());
    }
    const plan = (this.plan = planPipeline(pipeline));
    if (plan.problems.length) throw new Error(plan.problems.map((p) => p.message).join('; '));
    const chained = new Set(options.chaining === false ? [] : plan.chainedEdges);
    for (const e of pipeline.doc.edges) {
      const q = new BatchQueue(
        e.queue?.maxRecords ?? DEFAULT_QUEUE_RECORDS,
        e.queue?.maxBytes ?? DEFAULT_QUEUE_BYTES,
        e.queue?.overflow ?? QUEUE.overflow.default,
      );
      this.queues.set(e.id, q);
      if (chained.has(e.id)) continue; // no queue in between: wired below
      inputs.get(e.to.node)!.push({ port: e.to.port, queue: q });
      const outs = outputs.get(e.from.node)!;
      outs.set(e.from.port, [...(outs.get(e.from.port) ?? []), q]);
    }
    const exclusive = plan.exclusiveInput;
    const clocked = plan.clocked;
    const media = mediaGroupsOf(plan.mediaGroups, { preview: options.preview });
    this.mediaGroups = media;
    for (const n of pipeline.nodes) {
      this.runners.set(
        n.id,
        new NodeRunner(n.id, n.spec, n.config, inputs.get(n.id)!, outputs.get(n.id)!, this.abort.signal, events, {
          exclusiveInput: exclusive.has(n.id),
          taps: this.taps,
          timing: options.metrics !== false,
          onTrace:
            options.metrics === false
              ? undefined
              : (t) => {
                  this.traces.push(t);
                  if (this.traces.length > KEEP_TRACES) this.traces.shift();
                },
          fusion: options.fusion !== false,
          media: media.get(n.id),
          clocked: clocked.has(n.id),
          deadLetter: (nodeId, error, record) => this.deadLetter(nodeId, error, record),
        }),
      );
    }
    for (const e of pipeline.doc.edges) {
      if (chained.has(e.id))
        this.runners
          .get(e.from.node)!
          .chainTo(e.from.port, this.runners.get(e.to.node)!, e.to.port, this.queues.get(e.id)!);
    }
    this.chainedEdges = [...chained];
    for (const id of chained) {
      const e = pipeline.doc.edges.find((x) => x.id === id)!;
      this.chainedAfter.set(
        id,
        pipeline.doc.edges.filter((x) => x.from.node === e.to.node).map((x) => x.id),
      );
    }
  }

  /** Each chained wire → the wires leaving the operator it feeds. */
  private readonly chainedAfter = new Map<string, string[]>();

  /** The edges that run chained (no queue), for the studio and tests. */
  readonly chainedEdges: string[];

  /** Open every node (sinks first, so they are ready when data arrives), then start them all. */
  async start(): Promise<void> {
    const order = [...this.pipeline.order].reverse();
    for (const id of order) await this.runners.get(id)!.open();
    this.startedAt = this.lastTickAt = performance.now();
    const interval = this.options.metricsIntervalMs ?? METRICS_INTERVAL_MS;
    if (this.options.metrics !== false) this.timer = setInterval(() => this.tick(), interval);
    const runs = [...this.runners.values()].map((r) => r.run());
    this.finished = Promise.all(runs).then(() => {
      clearInterval(this.timer);
      this.tick();
    });
  }

  /** Resolves when every node has finished: sources ended and all queues drained. */
  get done(): Promise<void> {
    return this.finished ?? Promise.resolve();
  }

  /** Ask sources to stop; the queues then drain and every node closes. Resolves when that is done. */
  stop(): Promise<void> {
    this.abort.abort();
    return this.done;
  }

  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  /** The nodes that have not finished yet (while stopping: those still draining or closing). */
  unfinished(): string[] {
    return [...this.runners].filter(([, r]) => r.state !== 'stopped' && r.state !== 'error').map(([id]) => id);
  }

  /** The sources upstream of each node (worked out on first need). */
  private upstreamSources: Map<string, string[]> | undefined;

  /** A record a node could not handle, to the dead-letter destination of a source upstream that takes it. */
  private deadLetter(nodeId: string, error: string, record: Rec): Promise<void> | undefined {
    if (!this.upstreamSources) {
      const into = new Map<string, string[]>();
      for (const e of this.pipeline.doc.edges) into.set(e.to.node, [...(into.get(e.to.node) ?? []), e.from.node]);
      this.upstreamSources = new Map();
      for (const n of this.pipeline.nodes) {
        const seen = new Set<string>();
        const stack = [...(into.get(n.id) ?? [])];
        while (stack.length) {
          const id = stack.pop()!;
          if (seen.has(id)) continue;
          seen.add(id);
          stack.push(...(into.get(id) ?? []));
        }
        this.upstreamSources.set(
          n.id,
          [...seen].filter((id) => this.runners.get(id)?.spec.inputs.length === 0),
        );
      }
    }
    for (const id of this.upstreamSources.get(nodeId) ?? []) {
      const written = this.runners.get(id)?.instance?.deadLetter?.(nodeId, error, record);
      if (written) return written;
    }
    return undefined;
  }

  /** An edge of the pipeline by id. */
  edge(id: string): ResolvedPipeline['doc']['edges'][number] | undefined {
    return this.pipeline.doc.edges.find((e) => e.id === id);
  }

  /**
   * Watch a wire: a sample of at most `perSecond` records a second (those `filter`, a JSONata expression, keeps),
   * sent as chunks. Throws, in words, for a wire that is not there, one that carries media, or a bad filter.
   */
  tap(edgeId: string, filter: string, perSecond: number, send: (chunk: TapChunk) => void): () => void {
    const e = this.edge(edgeId);
    if (!e) throw new Error(`no wire "${edgeId}" in the running pipeline`);
    const runner = this.runners.get(e.from.node)!;
    const kind = parsePortType(runner.spec.outputs.find((p) => p.name === e.from.port)?.type ?? '')?.kind ?? '';
    if (MEDIA_KINDS.has(kind))
      throw new Error(
        `wire "${edgeId}" carries ${kind} inside the group's ffmpeg process: watch an encoded wire with the preview`,
      );
    let compiled: CompiledExpression | undefined;
    if (filter.trim()) {
      try {
        compiled = compileExpression(filter);
      } catch (err) {
        throw new Error(`filter: ${(err as Error).message}`);
      }
    }
    return runner.watch(e.from.port, new WireTap(compiled, perSecond, kind === 'bytes', send));
  }

  /** The latest latency traces, oldest first. */
  latencyTraces(): LatencyTrace[] {
    return this.traces.map((t) => t.toJSON());
  }

  /** Whether the pipeline has this node. */
  hasNode(nodeId: string): boolean {
    return this.runners.has(nodeId);
  }

  /**
   * The video a wire or node carries: its media group's preview (with the group's nodes), or a node's own (a
   * Kafka source of fMP4 fragments); a reason in words when there is none.
   */
  previewOf(target: string, rendition = 0): { tap: PreviewTap; nodes: string[] } | { error: string } {
    const edge = this.edge(target);
    const nodeId = edge ? edge.from.node : target;
    const group = this.mediaGroups.get(nodeId);
    if (group?.options.preview && rendition >= group.previewTaps().length)
      return { error: `the encoder has no rendition ${rendition + 1}` };
    const tap = group
      ? group.options.preview
        ? group.previewTaps()[rendition]
        : undefined
      : this.runners.get(nodeId)?.instance?.preview;
    if (tap) return { tap, nodes: group ? [...group.members] : [nodeId] };
    if (group) return { error: 'this run has no preview stream' };
    return {
      error:
        edge || this.runners.has(target)
          ? `"${target}" carries no video: preview an encoder's output wire`
          : `no wire or node "${target}" in the running pipeline`,
    };
  }

  /** What the nodes that keep live state (Redis sinks) hold now, read from where they keep it. */
  liveStates(): Promise<LiveStateView[]> {
    const nodes = [...this.runners].filter(([, r]) => r.instance?.liveState);
    return Promise.all(nodes.map(async ([nodeId, r]) => ({ nodeId, ...(await r.instance!.liveState!()) })));
  }

  peek(nodeId: string): unknown[] | undefined {
    return this.runners.get(nodeId)?.instance?.peek?.();
  }

  /** Build and send one metrics tick covering every node and edge. */
  tick(): MetricsTick {
    const now = performance.now();
    const seconds = Math.max((now - this.lastTickAt) / 1000, 1e-3);
    const nodes: Record<string, NodeMetrics> = {};
    for (const [id, r] of this.runners) {
      nodes[id] = r.snapshot(this.prevNodes.get(id), seconds);
      const s = r.stats;
      this.prevNodes.set(id, {
        recordsIn: s.recordsIn,
        recordsOut: s.recordsOut,
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
      });
    }
    const edges: Record<string, EdgeMetrics> = {};
    for (const [id, q] of this.queues) {
      edges[id] = {
        length: q.length,
        capacity: q.maxRecords,
        bytes: q.bytes,
        fullFraction: roundFine(Math.min(1, q.takeFullMs(now) / (seconds * 1000))),
        recordsPerSec: roundRate((q.accepted - (this.prevEdges.get(id) ?? 0)) / seconds),
        dropped: q.dropped,
      };
      this.prevEdges.set(id, q.accepted);
    }
    // A chained wire has no queue of its own: it is held back exactly as much as the wires after the operator it
    // feeds, so it shows their back pressure (a slow sink turns the whole chain back to the source red).
    for (let changed = true, rounds = 0; changed && rounds < this.chainedAfter.size + 1; rounds++) {
      changed = false;
      for (const [id, after] of this.chainedAfter) {
        const ff = Math.max(0, ...after.map((a) => edges[a]?.fullFraction ?? 0));
        if (ff > edges[id]!.fullFraction) {
          edges[id]!.fullFraction = ff;
          changed = true;
        }
      }
    }
    this.lastTickAt = now;
    const tick: MetricsTick = {
      runId: this.runId,
      seq: this.seq++,
      time: Date.now(),
      elapsedMs: now - this.startedAt,
      nodes,
      edges,
    };
    this.events.onMetrics(tick);
    return tick;
  }
}
