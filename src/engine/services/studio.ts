/**
 * The engine side of `StudioApi`: the methods and events, knowing nothing of any transport.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  StudioError,
  type NodeErrorEvent,
  type OpenedPipeline,
  type RunStatus,
  type HostInfo,
  type MediaCommand,
  type StudioEvents,
  type StudioMethods,
  type WorkspaceFile,
  type WorkspaceListing,
} from '../../shared/api';
import { serializeDocument, type PipelineDocument } from '../../shared/document';
import { EventHub } from '../../shared/events';
import type { WorkerContext } from '../workers/context';
import type { LiveStateView } from '../../shared/live-state';
import type { GroupWorkersView } from '../../shared/workers';
import { readWorkerReports } from '../workers/checkpoints';
import type { RunHistory, RunRecorder } from '../observe/history';
import type { RedisProfileSettings } from '../../shared/redis';
import {
  connectRedis,
  deleteRedisProfile,
  listRedisProfiles,
  saveRedisProfile,
  setRedisSecret,
  testRedisConnection,
} from '../connectors/redis/profiles';
import type { StudioStreamServers } from '../../shared/api';
import type { NodeState } from '../../shared/metrics';
import { loadDocumentText, validateValue } from '../validate/validate';
import type { NodeRegistry } from '../contract/registry';
import { shellLine } from '../media/command';
import { encoderProbe } from '../media/encoders';
import { ffmpegPath } from '../media/ffmpeg';
import { mediaGroupsOf } from '../media/group';
import { planPipeline } from '../plan/plan';
import { listMediaDevices } from '../media/devices';
import {
  consumerGroups,
  listProfiles,
  listTopics,
  sampleMessages,
  tailPartition,
  testConnection,
} from '../connectors/kafka/browser';
import { kafkaError } from '../connectors/kafka/client';
import { deleteProfile, readProfiles, saveProfile, secretVariable } from '../connectors/kafka/profiles';
import { secretStore } from '../secrets/store';
import type { KafkaProfileSettings } from '../../shared/kafka';
import { Flow } from '../runtime/flow';

export interface StudioServiceOptions {
  /** The node types documents are validated and run against (the hosts give the built-in ones). */
  registry: NodeRegistry;
  /** Folder holding `pipelines/` (the demo) and `schema/`. */
  resourcesDir: string;
  /** Where pipelines are opened from and saved to (`setWorkspace` changes it for this service). */
  workspaceDir: string;
  metricsIntervalMs?: number;
  /** How long `stop` waits for queues to drain before giving up. */
  stopTimeoutMs?: number;
  /** The system's file dialogs, where the host has them (the desktop app). */
  fileDialogs?: FileDialogs;
  /** Media groups write a preview stream the studio can watch (default true; the headless CLI turns it off). */
  preview?: boolean;
  /** Runs are members of Kafka consumer groups, keyed state checkpointed per partition (`sluice run --worker`). */
  worker?: WorkerContext;
  /** Where every run's metrics are kept (the hosts give it; without, runs are not kept). */
  history?: RunHistory;
}

/** The system's open and save dialogs: each resolves to the absolute path the user chose, or undefined. */
export interface FileDialogs {
  chooseOpen(defaultDir: string): Promise<string | undefined>;
  chooseSave(defaultPath: string): Promise<string | undefined>;
}

export const DEMO_PIPELINE = 'pipelines/live-room.json';

/** At most this many files are listed from a workspace. */
const MAX_LISTED = 2000;

async function describeFile(dir: string, rel: string): Promise<WorkspaceFile> {
  const full = join(dir, rel);
  const info = await stat(full);
  let name: string | undefined;
  if (info.size < 4 * 1024 * 1024) {
    try {
      const v = JSON.parse(await readFile(full, 'utf8')) as { name?: unknown };
      if (typeof v?.name === 'string') name = v.name;
    } catch {
      // listed without a name: opening it shows what is wrong
    }
  }
  return { path: rel, name, modified: info.mtimeMs, size: info.size };
}

/** How long node state changes are gathered before they are sent as one run state event. */
const NODE_STATES_MS = 50;

/** Run `fn`; what it throws reaches the studio as a StudioError with `code`, in its own words. */
function asStudioError<T>(code: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new StudioError((err as Error).message, code);
  }
}

export class StudioService implements StudioMethods, StudioStreamServers {
  readonly events = new EventHub<StudioEvents>();
  private flow: Flow | undefined;
  private state: RunStatus = { phase: 'idle', nodeStates: {} };
  private readonly errorsThisTick = new Set<string>();
  private readonly pendingErrors = new Map<string, NodeErrorEvent>();
  /** The last run's flow, kept so that its debug sinks can still be read after it stops. */
  private lastFlow: Flow | undefined;

  private workspaceDir: string;
  /** Files outside the workspace the user chose in a system dialog: only these may be opened or saved by path. */
  private readonly chosen = new Set<string>();

  constructor(private readonly options: StudioServiceOptions) {
    this.workspaceDir = options.workspaceDir;
    this.events.emit('runState', this.state);
  }

  async encoderProbe(refresh: boolean) {
    return encoderProbe({ refresh });
  }

  async mediaCommand(doc: PipelineDocument, nodeId: string): Promise<MediaCommand> {
    const loaded = validateValue(doc, this.options.registry);
    if (!loaded.pipeline)
      throw new StudioError(
        `the pipeline has ${loaded.issues.length} problem(s); fix them first`,
        'invalid',
        loaded.issues,
      );
    const group = mediaGroupsOf(planPipeline(loaded.pipeline).mediaGroups).get(nodeId);
    if (!group) throw new StudioError(`"${nodeId}" is not a media node`, 'invalid');
    const choice = await group.chooseEncoder();
    if (!choice.encoder) throw new StudioError(choice.error!, 'invalid');
    const args = group.command();
    return { nodes: [...group.members], binary: ffmpegPath(), args, shell: shellLine(ffmpegPath(), args) };
  }

  async mediaDevices() {
    return listMediaDevices();
  }

  async kafkaProfiles() {
    return listProfiles();
  }

  async kafkaSaveProfile(name: string, profile: KafkaProfileSettings) {
    asStudioError('invalid', () => saveProfile(name, profile));
    return listProfiles();
  }

  async kafkaDeleteProfile(name: string) {
    asStudioError('not-found', () => {
      deleteProfile(name);
      secretStore()?.delete(name);
    });
    return listProfiles();
  }

  async kafkaSetSecret(name: string, secret: string | null) {
    const store = secretStore();
    if (!store)
      throw new StudioError(
        `this host keeps no secrets: set ${secretVariable(name)} in its environment (the desktop app keeps them in the system’s secret store)`,
        'unsupported',
      );
    if (!readProfiles()[name]) throw new StudioError(`no Kafka connection profile "${name}"`, 'not-found');
    asStudioError('unsupported', () => {
      if (secret === null) store.delete(name);
      else store.set(name, secret);
    });
    return listProfiles();
  }

  async kafkaTestConnection(profile: string) {
    return testConnection(profile);
  }

  async kafkaTopics(profile: string) {
    return listTopics(profile).catch((err: unknown) => {
      throw new StudioError(`cannot list topics with profile "${profile}": ${kafkaError(err)}`, 'kafka');
    });
  }

  async kafkaSample(profile: string, topic: string, partition: number, count: number) {
    return sampleMessages(profile, topic, partition, count).catch((err: unknown) => {
      throw new StudioError(`cannot read ${topic}/${partition}: ${kafkaError(err)}`, 'kafka');
    });
  }

  async kafkaGroups(profile: string, groups: string[]) {
    return consumerGroups(profile, groups).catch((err: unknown) => {
      throw new StudioError(`cannot read the consumer groups with profile "${profile}": ${kafkaError(err)}`, 'kafka');
    });
  }

  /** The `kafkaTail` stream. */
  kafkaTail(
    [profile, topic, partition]: [string, string, number],
    out: Parameters<StudioStreamServers['kafkaTail']>[1],
  ): () => void {
    return tailPartition(
      profile,
      topic,
      partition,
      (m) => out.send(m),
      (error) => out.end(error),
    );
  }

  async listNodeTypes() {
    return this.options.registry.describe();
  }

  async validate(text: string) {
    const { ok, issues } = loadDocumentText(text, this.options.registry);
    return { ok, issues };
  }

  private async open(path: string, shownPath: string): Promise<OpenedPipeline> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new StudioError(
        `cannot open ${shownPath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
        'not-found',
      );
    }
    const r = loadDocumentText(text, this.options.registry);
    return { path: shownPath, text, document: r.doc, validation: { ok: r.ok, issues: r.issues } };
  }

  async openDemo() {
    return this.open(join(this.options.resourcesDir, DEMO_PIPELINE), 'demo:live-room.json');
  }

  /** Resolve a workspace-relative path (or a file the user chose in a dialog), refusing anything else. */
  private inWorkspace(path: string): string {
    if (isAbsolute(path) && this.chosen.has(resolve(path))) return resolve(path);
    const root = resolve(this.workspaceDir);
    const full = resolve(root, path);
    const rel = relative(root, full);
    if (isAbsolute(path) || rel.startsWith('..') || isAbsolute(rel) || !full.endsWith('.json')) {
      throw new StudioError(`"${path}" is not a .json file inside the workspace folder ${root}`, 'bad-path');
    }
    return full;
  }

  async openPipeline(path: string) {
    return this.open(this.inWorkspace(path), path);
  }

  async hostInfo(): Promise<HostInfo> {
    return {
      nativeDialogs: this.options.fileDialogs !== undefined,
      workspaceDir: resolve(this.workspaceDir),
      secretStore: secretStore() ? 'system' : 'environment',
    };
  }

  private dialogs(): FileDialogs {
    if (!this.options.fileDialogs)
      throw new StudioError(
        'system file dialogs are only in the desktop app; use the workspace Open and Save as dialogs',
        'unsupported',
      );
    return this.options.fileDialogs;
  }

  async openWithDialog(): Promise<OpenedPipeline | null> {
    const path = await this.dialogs().chooseOpen(resolve(this.workspaceDir));
    if (!path) return null;
    this.chosen.add(resolve(path));
    return this.open(resolve(path), resolve(path));
  }

  async saveWithDialog(doc: PipelineDocument, suggestedName: string): Promise<{ path: string } | null> {
    const path = await this.dialogs().chooseSave(join(resolve(this.workspaceDir), basename(suggestedName)));
    if (!path) return null;
    const full = resolve(path.endsWith('.json') ? path : `${path}.json`);
    this.chosen.add(full);
    return this.savePipeline(full, doc);
  }

  async listPipelines(): Promise<WorkspaceListing> {
    const dir = resolve(this.workspaceDir);
    const files: WorkspaceFile[] = [];
    const walk = async (sub: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await readdir(join(dir, sub), { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw new StudioError(`cannot list the workspace folder ${dir}: ${(err as Error).message}`, 'io');
      }
      for (const e of entries) {
        if (e.name.startsWith('.') || files.length >= MAX_LISTED) continue;
        const rel = sub ? `${sub}/${e.name}` : e.name;
        if (e.isDirectory() && depth < 3) await walk(rel, depth + 1);
        else if (e.isFile() && e.name.endsWith('.json')) files.push(await describeFile(dir, rel));
      }
    };
    await walk('', 0);
    files.sort((a, b) => b.modified - a.modified || a.path.localeCompare(b.path));
    return { dir, files };
  }

  async setWorkspace(dir: string): Promise<WorkspaceListing> {
    if (!isAbsolute(dir))
      throw new StudioError(`the workspace folder must be an absolute path; got "${dir}"`, 'bad-path');
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new StudioError(`cannot use ${dir} as the workspace folder: ${(err as Error).message}`, 'io');
    }
    this.workspaceDir = dir;
    return this.listPipelines();
  }

  async savePipeline(path: string, doc: PipelineDocument) {
    const full = this.inWorkspace(path);
    // A document with problems in its nodes can be saved (work in progress); one that is not a document cannot.
    const broken = validateValue(doc, this.options.registry).issues.filter(
      (i) => i.code === 'structure' || i.code === 'version',
    );
    if (broken.length)
      throw new StudioError(
        `not a pipeline document: ${broken[0]!.pointer || '/'} ${broken[0]!.message}`,
        'invalid',
        broken,
      );
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, serializeDocument(doc));
    return { path: full };
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
      void this.recorder.end(this.state.phase, this.state.message);
      this.recorder = undefined;
    }
    this.events.emit('runState', this.state);
  }

  /**
   * Node state changes are sent together, at most every NODE_STATES_MS: a pipeline of 500 nodes changes state
   * 1,000 times while it starts, and one event each (with all 500 states in it) kept the studio busy for seconds.
   */
  private pendingNodeStates: Record<string, NodeState> | undefined;
  /** The current run's keeper in the history. */
  private recorder: RunRecorder | undefined;
  private nodeStatesTimer: ReturnType<typeof setTimeout> | undefined;

  private nodeState(nodeId: string, state: NodeState): void {
    (this.pendingNodeStates ??= {})[nodeId] = state;
    this.nodeStatesTimer ??= setTimeout(() => this.setState({}), NODE_STATES_MS);
  }

  async run(doc: PipelineDocument) {
    if (this.flow)
      throw new StudioError(`a pipeline is already running (${this.state.pipelineName}); stop it first`, 'busy');
    const loaded = validateValue(doc, this.options.registry);
    if (!loaded.pipeline) {
      throw new StudioError(
        `the pipeline has ${loaded.issues.length} problem(s); fix them before running`,
        'invalid',
        loaded.issues,
      );
    }
    const nodeStates = Object.fromEntries(loaded.pipeline.nodes.map((n) => [n.id, 'idle' as const]));
    const flow = new Flow(
      loaded.pipeline,
      {
        onState: (nodeId, s) => this.nodeState(nodeId, s),
        onError: (nodeId, message, count, record) =>
          this.nodeError({
            runId: flow.runId,
            nodeId,
            message,
            count,
            time: Date.now(),
            ...(record ? { record: recordText(record) } : {}),
          }),
        onMetrics: (tick) => {
          recorder?.tick(tick);
          this.errorsThisTick.clear();
          for (const e of this.pendingErrors.values()) this.events.emit('nodeError', e);
          this.pendingErrors.clear();
          this.events.emit('metrics', tick);
        },
      },
      {
        metricsIntervalMs: this.options.metricsIntervalMs,
        preview: this.options.preview ?? true,
        worker: this.options.worker,
      },
    );
    let recorder: RunRecorder | undefined;
    try {
      recorder = this.recorder = this.options.history?.begin(flow.runId, doc);
    } catch {
      // The history folder cannot be written: the run goes on without being kept.
    }
    this.flow = this.lastFlow = flow;
    this.setState({
      phase: 'starting',
      runId: flow.runId,
      pipelineName: doc.name,
      startedAt: Date.now(),
      stoppedAt: undefined,
      message: undefined,
      nodeStates,
      chainedEdges: flow.chainedEdges,
    });
    await flow.start();
    this.setState({ phase: 'running' });
    void flow.done.then(() => {
      if (this.flow !== flow) return;
      this.flow = undefined;
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

  async stop() {
    const flow = this.flow;
    if (!flow) return this.state;
    this.setState({ phase: 'stopping' });
    const timeoutMs = this.options.stopTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      flow.stop().then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.flow = undefined;
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

  /** The `preview` stream: the running media group of a wire or node, as base64 fMP4 chunks. */
  preview([target]: [string], out: Parameters<StudioStreamServers['preview']>[1]): () => void {
    const flow = this.flow;
    if (!flow) {
      out.end('nothing is running: run the pipeline to preview its video');
      return () => undefined;
    }
    const edge = flow.edge(target);
    const nodeId = edge ? edge.from.node : target;
    const group = flow.mediaGroups.get(nodeId);
    // A media group's encoded stream, or a node that carries video of its own (a Kafka source of fMP4 fragments).
    const tap = group
      ? group.options.preview
        ? group.preview
        : undefined
      : flow.runners.get(nodeId)?.instance?.preview;
    if (!tap) {
      out.end(
        group
          ? 'this run has no preview stream'
          : edge || flow.runners.has(target)
            ? `"${target}" carries no video: preview an encoder's output wire`
            : `no wire or node "${target}" in the running pipeline`,
      );
      return () => undefined;
    }
    const b64 = (d: Uint8Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
    const nodes = group ? [...group.members] : [nodeId];
    return tap.watch({
      send: (part) => {
        if (part.kind === 'end') out.end();
        else if (part.kind === 'init')
          out.send({
            kind: 'init',
            codec: part.codec,
            width: part.width,
            height: part.height,
            proxy: part.proxy,
            startMs: tap.startMs,
            nodes,
            data: b64(part.data),
          });
        else out.send({ kind: 'fragment', keyframe: part.keyframe, time: part.time, data: b64(part.data) });
      },
      congested: () => out.congested(),
    });
  }

  async redisProfiles() {
    return listRedisProfiles();
  }

  async redisSaveProfile(name: string, profile: RedisProfileSettings) {
    asStudioError('invalid', () => saveRedisProfile(name, profile));
    return listRedisProfiles();
  }

  async redisDeleteProfile(name: string) {
    asStudioError('not-found', () => deleteRedisProfile(name));
    return listRedisProfiles();
  }

  async redisSetSecret(name: string, secret: string | null) {
    asStudioError('unsupported', () => setRedisSecret(name, secret));
    return listRedisProfiles();
  }

  async redisTestConnection(profile: string) {
    return testRedisConnection(profile);
  }

  /** The `tap` stream: a sample of what passes a wire of the running pipeline. */
  tap(
    [edgeId, filter, perSecond]: [string, string, number],
    out: Parameters<StudioStreamServers['tap']>[1],
  ): () => void {
    const flow = this.flow;
    if (!flow) {
      out.end('nothing is running: run the pipeline to watch a wire');
      return () => undefined;
    }
    let close: () => void;
    try {
      close = flow.tap(edgeId, filter, perSecond, (chunk) => out.send(chunk));
    } catch (err) {
      out.end((err as Error).message);
      return () => undefined;
    }
    let open = true;
    const stop = () => {
      if (!open) return false;
      open = false;
      close();
      return true;
    };
    // The run ends: so does the watch (after the last chunk).
    void flow.done.finally(() => stop() && out.end());
    return stop;
  }

  async latencyTraces() {
    return (this.flow ?? this.lastFlow)?.latencyTraces() ?? [];
  }

  async runHistory() {
    return this.options.history?.list() ?? [];
  }

  async runMetrics(runId: string) {
    const history = this.options.history;
    if (!history) throw new StudioError('this host keeps no run history', 'unsupported');
    return asStudioError('not-found', () => history.read(runId));
  }

  async groupWorkers(redisProfile: string, group: string): Promise<GroupWorkersView> {
    let redis: Awaited<ReturnType<typeof connectRedis>>['redis'];
    try {
      ({ redis } = await connectRedis(redisProfile, {
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 3000,
      }));
    } catch (err) {
      throw new StudioError((err as Error).message, 'unreachable');
    }
    try {
      const now = Date.now();
      const workers = (await readWorkerReports(redis, group)).map((w) => ({
        ...w,
        ageMs: Math.max(0, now - w.updatedAt),
      }));
      return { group, profile: redisProfile, workers };
    } finally {
      redis.disconnect();
    }
  }

  async liveState(): Promise<LiveStateView[]> {
    const flow = this.flow;
    if (!flow) return [];
    const nodes = [...flow.runners].filter(([, r]) => r.instance?.liveState);
    return Promise.all(nodes.map(async ([nodeId, r]) => ({ nodeId, ...(await r.instance!.liveState!()) })));
  }

  async peek(nodeId: string) {
    const flow = this.flow ?? this.lastFlow;
    if (!flow?.runners.has(nodeId))
      throw new StudioError(`no node "${nodeId}" in the current or last run`, 'not-found');
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
