/**
 * A run whose data part goes to Flink: the job deployed, and beside it, in-process, everything else (capture and
 * encoders, generators, Redis and debug sinks), fed from the job through bridge topics where they read from it. The
 * studio and the CLI see one run: one stream of ticks (the job's figures on its nodes, the flow's on the others),
 * node states and errors (Flink's root cause on its node), and one stop — cancel, or stop with a savepoint.
 *
 * Nothing is left half-started: what does not compile is refused before anything runs; a job that fails as it starts
 * is cancelled and the in-process part stopped.
 */
import { randomUUID } from 'node:crypto';
import { kafkaClient } from '../connectors/kafka/client';
import { resolveProfile } from '../connectors/kafka/profiles';
import type { ResolvedPipeline } from '../document/resolved';
import { Flow, type FlowEvents, type FlowOptions } from '../runtime/flow';
import { validateValue } from '../validate/validate';
import type { NodeRegistry } from '../contract/registry';
import type { MetricsTick, NodeState } from '../../shared/metrics';
import type { FlinkRunInfo } from '../../shared/flink';
import type { FlinkCluster } from './cluster';
import { compileForFlink, deployPipeline, type Deployment } from './deploy';
import { remainderDocument, type FlinkPart } from './part';
import { FlinkWatcher, type FlinkFigures } from './watch';

/** How often the job's figures are read from its REST API. */
export const FLINK_POLL_MS = 1000;

export interface FlinkRunOptions {
  registry: NodeRegistry;
  flow?: FlowOptions;
  fromSavepoint?: string;
}

/** Create the bridge topics (a partition each) where they are missing, before anyone reads or writes them. */
async function createBridgeTopics(part: FlinkPart): Promise<void> {
  const byProfile = new Map<string, string[]>();
  for (const b of part.bridges) byProfile.set(b.profile, [...(byProfile.get(b.profile) ?? []), b.topic]);
  for (const [profile, topics] of byProfile) {
    const admin = kafkaClient(await resolveProfile(profile)).admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length)
        await admin.createTopics({
          topics: missing.map((topic) => ({ topic, numPartitions: 1 })),
          waitForLeaders: true,
        });
    } finally {
      await admin.disconnect();
    }
  }
}

export class FlinkRun {
  readonly runId = randomUUID();
  private flow: Flow | undefined;
  private deployment: Deployment | undefined;
  private watcher: FlinkWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private figures: FlinkFigures | undefined;
  private figuresAt = 0;
  /** The counts last sent per Flink node (interpolated between polls). */
  private readonly shown = new Map<string, { in: number; out: number }>();
  private seq = 0;
  private readonly startedAt = Date.now();
  private readonly states = new Map<string, NodeState>();
  private readonly errorCounts = new Map<string, number>();
  private ended: Promise<void> | undefined;
  private end!: () => void;
  private savepoint: string | undefined;

  constructor(
    readonly pipeline: ResolvedPipeline,
    readonly cluster: FlinkCluster,
    private readonly events: FlowEvents,
    private readonly options: FlinkRunOptions,
  ) {}

  /** Compile, deploy, start the in-process part; throws (with nothing left running) when any of it fails. */
  async start(): Promise<void> {
    this.ended = new Promise((r) => (this.end = r));
    // Refusals come before anything starts.
    const compiled = await compileForFlink(this.pipeline, this.cluster);
    const { part } = compiled;
    for (const id of part.nodes) this.setState(id, 'starting');
    await createBridgeTopics(part);
    const rest = remainderDocument(this.pipeline.doc, part, this.runId);
    // Bridge sources read what the job writes from now on.
    for (const n of rest.nodes)
      if (part.bridges.some((b) => b.sourceId === n.id))
        n.config = { ...n.config, start: 'timestamp', startTimestamp: Date.now() };
    if (rest.nodes.length) {
      const loaded = validateValue(rest, this.options.registry);
      if (!loaded.pipeline)
        throw new Error(`the in-process part does not validate: ${loaded.issues.map((i) => i.message).join('; ')}`);
      this.flow = new Flow(
        loaded.pipeline,
        { ...this.events, onMetrics: (tick) => this.events.onMetrics(this.merge(tick)) },
        this.options.flow,
      );
      await this.flow.start();
    }
    try {
      this.deployment = await deployPipeline(this.pipeline, this.cluster, {
        fromSavepoint: this.options.fromSavepoint,
        compiled,
      });
    } catch (err) {
      await this.flow?.stop();
      for (const id of part.nodes) this.setState(id, 'idle');
      throw err;
    }
    this.watcher = new FlinkWatcher(
      this.cluster.rest,
      this.deployment.jobId,
      this.deployment.script,
      this.pipeline,
      part.nodes,
    );
    const poll = async () => {
      try {
        this.figures = await this.watcher!.poll();
        this.figuresAt = Date.now();
        this.apply(this.figures);
        if (!this.flow) this.events.onMetrics(this.merge(undefined));
        if (['FAILED', 'CANCELED', 'FINISHED'].includes(this.figures.job.state)) {
          void this.stop();
          return;
        }
      } catch (err) {
        this.events.onError(part.nodes[0]!, `Flink: ${(err as Error).message}`, this.count(part.nodes[0]!));
      }
      if (this.timer) this.timer = setTimeout(poll, FLINK_POLL_MS);
    };
    this.timer = setTimeout(poll, 0);
    void this.flow?.done.then(() => {
      if (!this.stopping) void this.stop();
    });
  }

  private stopping = false;
  private waitingFor: string | undefined;

  /** While stopping: what the stop waits for, in words (the job's cancel, or the in-process nodes still closing). */
  get stopWaitsFor(): string | undefined {
    if (!this.stopping) return undefined;
    if (this.waitingFor) return this.waitingFor;
    const nodes = this.flow?.unfinished() ?? [];
    return nodes.length ? `the nodes ${nodes.join(', ')} to finish` : undefined;
  }

  /** The job, as the studio shows it. */
  get info(): FlinkRunInfo | undefined {
    const d = this.deployment;
    return (
      d && {
        profile: d.cluster,
        url: d.url,
        jobId: d.jobId,
        nodes: d.part.nodes,
        sql: d.script.shown,
        ...(this.savepoint ? { savepoint: this.savepoint } : {}),
      }
    );
  }

  /** The job's state as last polled. */
  get lastState(): string | undefined {
    return this.figures?.job.state;
  }

  /** The in-process part's flow (the studio's streams watch it), if there is one. */
  get localFlow(): Flow | undefined {
    return this.flow;
  }

  get done(): Promise<void> {
    return this.ended ?? Promise.resolve();
  }

  private count(nodeId: string): number {
    const n = (this.errorCounts.get(nodeId) ?? 0) + 1;
    this.errorCounts.set(nodeId, n);
    return n;
  }

  private setState(nodeId: string, s: NodeState): void {
    if (this.states.get(nodeId) === s) return;
    this.states.set(nodeId, s);
    this.events.onState(nodeId, s);
  }

  private apply(f: FlinkFigures): void {
    for (const [id, m] of Object.entries(f.nodes)) this.setState(id, m.state);
    for (const e of f.errors) {
      const id = e.nodeId ?? this.deployment!.part.nodes[0]!;
      this.events.onError(id, `Flink: ${e.message}`, this.count(id));
    }
  }

  /** A tick of the in-process part with the job's latest figures on its nodes and wires (or the job's alone). */
  private merge(tick: MetricsTick | undefined): MetricsTick {
    const f = this.figures;
    const now = Date.now();
    // Between two polls, the counts go on at the rates last measured (never back), so that a tick every 250 ms
    // gives steady rates rather than a step a second.
    const nodes: MetricsTick['nodes'] = {};
    if (f)
      for (const [id, m] of Object.entries(f.nodes)) {
        const dt = Math.min(2, (now - this.figuresAt) / 1000);
        const prev = this.shown.get(id) ?? { in: 0, out: 0 };
        const shown = {
          in: Math.max(prev.in, Math.round(m.recordsIn + m.recordsInPerSec * dt)),
          out: Math.max(prev.out, Math.round(m.recordsOut + m.recordsOutPerSec * dt)),
        };
        this.shown.set(id, shown);
        nodes[id] = { ...m, recordsIn: shown.in, recordsOut: shown.out };
      }
    return {
      runId: this.runId,
      seq: tick?.seq ?? this.seq++,
      time: tick?.time ?? now,
      elapsedMs: now - this.startedAt,
      nodes: { ...(tick?.nodes ?? {}), ...nodes },
      edges: { ...(tick?.edges ?? {}), ...(f?.edges ?? {}) },
      ...(f ? { flink: f.job } : {}),
    };
  }

  /** Stop watching and leave the job running (a run with nothing in-process: the CLI's deploy, detached). */
  detach(): void {
    if (this.flow) throw new Error('part of this run is in-process: stop it instead');
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.end();
  }

  /** Stop: the job (with a savepoint when asked: its path is returned) and the in-process part. */
  async stop(options: { savepoint?: boolean } = {}): Promise<string | undefined> {
    if (this.stopping) {
      await this.done;
      return this.savepoint;
    }
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const d = this.deployment;
    try {
      if (d) {
        const state = (await this.cluster.rest.job(d.jobId).catch(() => ({ state: 'UNKNOWN' }))).state;
        if (state === 'RUNNING' || state === 'RESTARTING' || state === 'CREATED') {
          for (const id of d.part.nodes) this.setState(id, 'draining');
          this.waitingFor = `Flink to ${options.savepoint ? 'take the savepoint of' : 'cancel'} job ${d.jobId}`;
          if (options.savepoint) this.savepoint = await this.cluster.rest.stopWithSavepoint(d.jobId);
          else await this.cluster.rest.cancel(d.jobId);
        }
        for (const id of d.part.nodes) if (this.states.get(id) !== 'error') this.setState(id, 'stopped');
      }
    } finally {
      this.waitingFor = undefined;
      await this.flow?.stop();
      this.end();
    }
    return this.savepoint;
  }
}
