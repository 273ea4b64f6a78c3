/**
 * Runs: one pipeline at a time, its state (node states sent together, errors at most one per node per tick), its
 * metrics, its place in the history, and what the studio reads of it (debug sinks, traces, live state).
 */
import type { ParameterChoice } from '../../shared/parameters';
import {
  StudioError,
  type NodeErrorEvent,
  type RunStatus,
  type StudioEvents,
  type StudioMethods,
} from '../../shared/api';
import type { PipelineDocument } from '../../shared/document';
import type { RunTarget } from '../../shared/flink';
import type { EventHub } from '../../shared/events';
import type { LiveStateView } from '../../shared/live-state';
import type { NodeState } from '../../shared/metrics';
import type { NodeRegistry } from '../contract/registry';
import type { RunHistory, RunRecorder } from '../observe/history';
import { Flow, type FlowEvents } from '../runtime/flow';
import { resolveFlinkProfile } from '../flink/cluster';
import { checkCompiles, FlinkCompileError } from '../flink/deploy';
import { refusalIssues } from '../flink/part';
import { FlinkRun } from '../flink/run';
import { asStudioError } from './profiles';
import { validPipeline } from './valid';

/** How long node state changes are gathered before they are sent as one run state event. */
const NODE_STATES_MS = 50;

/** How long `stop` waits for queues to drain before giving up, unless told. */
export const STOP_TIMEOUT_MS = 15_000;

export interface RunOptions {
  registry: NodeRegistry;
  metricsIntervalMs?: number;
  /** How long `stop` waits for queues to drain before giving up. */
  stopTimeoutMs?: number;
  /** Media groups write a preview stream the studio can watch (default true; the headless CLI turns it off). */
  preview?: boolean;
  /** Where every run's metrics are kept (the hosts give it; without, runs are not kept). */
  history?: RunHistory;
}

type RunMethods = Pick<
  StudioMethods,
  'run' | 'stop' | 'status' | 'peek' | 'latencyTraces' | 'runHistory' | 'runMetrics' | 'liveState'
>;

export class RunService implements RunMethods {
  private current: Flow | undefined;
  private state: RunStatus = { phase: 'idle', nodeStates: {} };
  private readonly errorsThisTick = new Set<string>();
  private readonly pendingErrors = new Map<string, NodeErrorEvent>();
  /** The last run's flow, kept so that its debug sinks can still be read after it stops. */
  private lastFlow: Flow | undefined;
  /**
   * Node state changes are sent together, at most every NODE_STATES_MS: a pipeline of 500 nodes changes state
   * 1,000 times while it starts, and one event each (with all 500 states in it) kept the studio busy for seconds.
   */
  private pendingNodeStates: Record<string, NodeState> | undefined;
  private nodeStatesTimer: ReturnType<typeof setTimeout> | undefined;
  /** The current run's keeper in the history. */
  private recorder: RunRecorder | undefined;
  /** Kept runs whose end is still being written (the history is read once it is). */
  private ending: Promise<void> = Promise.resolve();
  /** The current run, when its data part runs on Flink. */
  private flinkRun: FlinkRun | undefined;

  constructor(
    private readonly options: RunOptions,
    private readonly events: EventHub<StudioEvents>,
  ) {
    this.events.emit('runState', this.state);
  }

  /** The running flow, if any (the streams watch it): a Flink run's in-process part. */
  get flow(): Flow | undefined {
    return this.current ?? this.flinkRun?.localFlow;
  }

  async status() {
    return this.state;
  }

  private setState(patch: Partial<RunStatus>): void {
    // Node states waiting to be sent go out with this change (a new run's states replace them).
    const pending = this.pendingNodeStates;
    this.pendingNodeStates = undefined;
    clearTimeout(this.nodeStatesTimer);
    this.nodeStatesTimer = undefined;
    const nodeStates = patch.nodeStates ?? (pending ? { ...this.state.nodeStates, ...pending } : this.state.nodeStates);
    this.state = { ...this.state, ...patch, nodeStates };
    // However a run ends (finished, stopped, failed), the kept run says so.
    if (this.recorder && (this.state.phase === 'idle' || this.state.phase === 'failed')) {
      const ended = this.recorder.end(this.state.phase, this.state.message);
      this.ending = Promise.all([this.ending, ended]).then(() => undefined);
      this.recorder = undefined;
    }
    this.events.emit('runState', this.state);
  }

  private nodeState(nodeId: string, state: NodeState): void {
    (this.pendingNodeStates ??= {})[nodeId] = state;
    this.nodeStatesTimer ??= setTimeout(() => this.setState({}), NODE_STATES_MS);
  }

  async run(doc: PipelineDocument, target: RunTarget = { kind: 'in-process' }, params?: ParameterChoice) {
    if (this.current || this.flinkRun)
      throw new StudioError(`a pipeline is already running (${this.state.pipelineName}); stop it first`, 'busy');
    if (target.kind === 'flink') return this.runOnFlink(doc, target, params);
    const pipeline = validPipeline(doc, this.options.registry, 'before running', params);
    const nodeStates = Object.fromEntries(pipeline.nodes.map((n) => [n.id, 'idle' as const]));
    let recorder: RunRecorder | undefined;
    const flow: Flow = new Flow(
      pipeline,
      this.flowEvents(
        () => flow.runId,
        () => recorder,
      ),
      {
        metricsIntervalMs: this.options.metricsIntervalMs,
        preview: this.options.preview ?? true,
      },
    );
    try {
      recorder = this.recorder = this.options.history?.begin(flow.runId, doc);
    } catch {
      // The history folder cannot be written: the run goes on without being kept.
    }
    this.current = this.lastFlow = flow;
    this.setState({
      phase: 'starting',
      runId: flow.runId,
      pipelineName: doc.name,
      startedAt: Date.now(),
      stoppedAt: undefined,
      message: undefined,
      nodeStates,
      chainedEdges: flow.chainedEdges,
      target,
      flink: undefined,
    });
    await flow.start();
    this.setState({ phase: 'running' });
    void flow.done.then(() => {
      if (this.current !== flow) return;
      this.current = undefined;
      // Stopped by the user: `stop` says so once it is done.
      if (this.state.phase === 'stopping') return;
      const failed = Object.entries({ ...this.state.nodeStates, ...this.pendingNodeStates })
        .filter(([, s]) => s === 'error')
        .map(([id]) => id);
      this.setState({
        phase: 'idle',
        stoppedAt: Date.now(),
        message: failed.length ? `finished; node(s) in error: ${failed.join(', ')}` : 'finished',
      });
    });
    return this.state;
  }

  /** At most one error event per node per metrics tick; the rest are counted in the next one. */
  private nodeError(e: NodeErrorEvent): void {
    if (this.errorsThisTick.has(e.nodeId)) {
      this.pendingErrors.set(e.nodeId, e);
      return;
    }
    this.errorsThisTick.add(e.nodeId);
    this.events.emit('nodeError', e);
  }

  async stop(options: { savepoint?: boolean } = {}) {
    if (this.flinkRun) return this.stopFlink(this.flinkRun, options);
    const flow = this.current;
    if (!flow) return this.state;
    this.setState({ phase: 'stopping' });
    const timeoutMs = this.options.stopTimeoutMs ?? STOP_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      flow.stop().then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.current = undefined;
      this.setState({
        phase: 'failed',
        stoppedAt: Date.now(),
        message: `stop timed out after ${timeoutMs} ms: queues did not drain`,
      });
    } else {
      this.setState({ phase: 'idle', stoppedAt: Date.now(), message: 'stopped' });
    }
    return this.state;
  }

  /** The events a run's nodes send: node states gathered, errors at most one per node per tick, ticks kept. */
  private flowEvents(runId: () => string, recorder: () => RunRecorder | undefined): FlowEvents {
    return {
      onState: (nodeId, s) => this.nodeState(nodeId, s),
      onError: (nodeId, message, count, record) =>
        this.nodeError({
          runId: runId(),
          nodeId,
          message,
          count,
          time: Date.now(),
          ...(record ? { record: recordText(record) } : {}),
        }),
      onMetrics: (tick) => {
        recorder()?.tick(tick);
        this.errorsThisTick.clear();
        for (const e of this.pendingErrors.values()) this.events.emit('nodeError', e);
        this.pendingErrors.clear();
        this.events.emit('metrics', tick);
      },
    };
  }

  /** A pipeline that does not compile for Flink: the run failed, with every refusal at its place. */
  private refuseForFlink(doc: PipelineDocument, err: FlinkCompileError): never {
    const message = 'the pipeline does not compile to a Flink job; nothing was deployed';
    this.setState({ phase: 'failed', stoppedAt: Date.now(), message });
    throw new StudioError(message, 'flink-compile', refusalIssues(doc, err.refusals));
  }

  /** The data part deployed to a Flink profile, the rest run here; the run lock holds for both. */
  private async runOnFlink(
    doc: PipelineDocument,
    target: Extract<RunTarget, { kind: 'flink' }>,
    params?: ParameterChoice,
  ): Promise<RunStatus> {
    const pipeline = validPipeline(doc, this.options.registry, 'before running', params);
    // Refused before a cluster is reached (or the embedded one started).
    try {
      checkCompiles(pipeline);
    } catch (err) {
      if (err instanceof FlinkCompileError) this.refuseForFlink(doc, err);
      throw err;
    }
    const cluster = await resolveFlinkProfile(target.profile).catch((err: unknown) => {
      throw new StudioError((err as Error).message, 'flink');
    });
    let recorder: RunRecorder | undefined;
    const run: FlinkRun = new FlinkRun(
      pipeline,
      cluster,
      this.flowEvents(
        () => run.runId,
        () => recorder,
      ),
      {
        registry: this.options.registry,
        fromSavepoint: target.fromSavepoint,
        flow: { metricsIntervalMs: this.options.metricsIntervalMs, preview: this.options.preview ?? true },
      },
    );
    this.flinkRun = run;
    try {
      recorder = this.recorder = this.options.history?.begin(run.runId, doc);
    } catch {
      // The history folder cannot be written: the run goes on without being kept.
    }
    this.setState({
      phase: 'starting',
      runId: run.runId,
      pipelineName: doc.name,
      startedAt: Date.now(),
      stoppedAt: undefined,
      message: `deploying to Flink profile "${target.profile}" (${cluster.rest.url})`,
      nodeStates: Object.fromEntries(pipeline.nodes.map((n) => [n.id, 'idle' as const])),
      chainedEdges: [],
      target,
      flink: undefined,
    });
    try {
      await run.start();
    } catch (err) {
      this.flinkRun = undefined;
      const e = err as Error & { nodeId?: string };
      if (err instanceof FlinkCompileError) this.refuseForFlink(doc, err);
      if (e.nodeId)
        this.nodeError({ runId: run.runId, nodeId: e.nodeId, message: e.message, count: 1, time: Date.now() });
      this.setState({
        phase: 'failed',
        stoppedAt: Date.now(),
        message: e.message,
        ...(e.nodeId ? { nodeStates: { ...this.state.nodeStates, [e.nodeId]: 'error' } } : {}),
      });
      throw new StudioError(e.message, 'flink');
    }
    this.lastFlow = run.localFlow ?? this.lastFlow;
    this.setState({ phase: 'running', message: undefined, flink: run.info });
    void run.done.then(() => {
      if (this.flinkRun !== run || this.state.phase === 'stopping') return;
      this.flinkRun = undefined;
      this.setState({ phase: 'idle', stoppedAt: Date.now(), message: 'the Flink job ended' });
    });
    return this.state;
  }

  private async stopFlink(run: FlinkRun, options: { savepoint?: boolean }): Promise<RunStatus> {
    this.setState({
      phase: 'stopping',
      message: options.savepoint ? 'stopping the Flink job with a savepoint' : undefined,
    });
    try {
      const savepoint = await run.stop(options);
      this.flinkRun = undefined;
      this.setState({
        phase: 'idle',
        stoppedAt: Date.now(),
        message: savepoint ? `stopped with a savepoint: ${savepoint}` : 'stopped',
        flink: run.info,
      });
    } catch (err) {
      this.flinkRun = undefined;
      this.setState({
        phase: 'failed',
        stoppedAt: Date.now(),
        message: `stopping the Flink job: ${(err as Error).message}`,
        flink: run.info,
      });
    }
    return this.state;
  }

  async latencyTraces() {
    return (this.flow ?? this.lastFlow)?.latencyTraces() ?? [];
  }

  async runHistory() {
    await this.ending;
    return this.options.history?.list() ?? [];
  }

  async runMetrics(runId: string) {
    const history = this.options.history;
    if (!history) throw new StudioError('this host keeps no run history', 'unsupported');
    await this.ending;
    return asStudioError('not-found', () => history.read(runId));
  }

  async liveState(): Promise<LiveStateView[]> {
    return this.flow?.liveStates() ?? [];
  }

  async peek(nodeId: string) {
    const flow = this.flow ?? this.lastFlow;
    if (!flow?.hasNode(nodeId)) throw new StudioError(`no node "${nodeId}" in the current or last run`, 'not-found');
    return flow.peek(nodeId) ?? [];
  }
}

/** A record as an error event carries it: JSON, cut at 4 kB (bytes as their size). */
function recordText(record: unknown): string {
  if (record instanceof Uint8Array) return JSON.stringify({ bytes: record.length });
  let text: string;
  try {
    text = JSON.stringify(record, null, 2);
  } catch {
    text = String(record);
  }
  return text.length > 4096 ? `${text.slice(0, 4096)}\n… (${text.length} characters in all)` : text;
}
