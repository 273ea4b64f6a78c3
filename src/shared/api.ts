/**
 * The one API between the studio and the engine. Both ends are derived from these declarations (see `rpc.ts`).
 */
import type { EnvironmentInfo, ParameterChoice, ResolvedParameter } from './parameters';
import type { FixtureResult } from './testing';
import type { PipelineDocument } from './document';
import type { LatencyTrace, MetricsTick, NodeState } from './metrics';
import type { EncoderProbe, MediaDevices } from './media';
import type {
  BrowsedMessage,
  ConnectionTest,
  GroupInfo,
  KafkaProfileInfo,
  KafkaProfileSettings,
  TopicInfo,
} from './kafka';
import type { NodeTypeInfo } from './spec';
import type { PlanView } from './plan';
import type { FlinkJobView, FlinkProfileInfo, FlinkProfileSettings, FlinkRunInfo, RunTarget } from './flink';
import type { LiveStateView } from './live-state';
import type { RunSummary } from './history';
import type { RedisProfileInfo, RedisProfileSettings } from './redis';
import type { ValidationIssue, ValidationResult } from './validation';

export type RunPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'failed';

export interface RunStatus {
  phase: RunPhase;
  runId?: string;
  pipelineName?: string;
  startedAt?: number;
  stoppedAt?: number;
  /** Why the run failed or stopped, in words. */
  message?: string;
  nodeStates: Record<string, NodeState>;
  /** Edges that run chained in this run: no queue, the downstream operator runs inside its upstream's call. */
  chainedEdges?: string[];
  /** Where it runs (absent: in-process). */
  target?: RunTarget;
  /** A run with its data part on Flink: the job. */
  flink?: FlinkRunInfo;
}

export interface NodeErrorEvent {
  runId: string;
  nodeId: string;
  message: string;
  time: number;
  /** How many errors this node has reported in this run. */
  count: number;
  /** The record that caused it, as JSON (cut at 4 kB), when the error is a record's. */
  record?: string;
}

export interface OpenedPipeline {
  path: string;
  text: string;
  /** Present when the text parsed as a document (it may still have issues). */
  document?: PipelineDocument;
  validation: ValidationResult;
}

/** A pipeline file in the workspace folder. */
export interface WorkspaceFile {
  /** Relative to the workspace folder, with `/` separators. */
  path: string;
  /** The document's `name`, when the file parses as one. */
  name?: string;
  modified: number;
  size: number;
}

export interface WorkspaceListing {
  /** The workspace folder, absolute. */
  dir: string;
  files: WorkspaceFile[];
}

/** What the host of this studio can do beyond the common API. */
export interface HostInfo {
  /** The desktop app shows the system's open and save dialogs; the web host lists the workspace instead. */
  nativeDialogs: boolean;
  workspaceDir: string;
  /** Where connection secrets are kept: the system's secret store (desktop app) or the environment (SLUICE_SECRET_<PROFILE>). */
  secretStore: 'system' | 'environment';
}

/** Request/response methods. Every one returns a promise; arguments are validated on the engine side. */
export interface StudioMethods {
  listNodeTypes(): Promise<NodeTypeInfo[]>;
  /** Every problem of a document's text; and, when it can run, its plan: where each node runs and why. */
  validate(
    text: string,
    params?: ParameterChoice,
  ): Promise<ValidationResult & { plan?: PlanView; parameters?: ResolvedParameter[] }>;
  /** The environments of a pipeline file (beside it: `<name>.<env>.json`, `environments/<env>.json`), with their values. */
  environments(path: string): Promise<EnvironmentInfo[]>;
  /**
   * Run the fixtures beside a pipeline file of the workspace (`<name>.fixture.json`, `<name>.<case>.fixture.json`)
   * against `doc` (the open document, unsaved edits included), in the environment chosen.
   */
  runTests(path: string, doc: PipelineDocument, params?: ParameterChoice): Promise<TestRun>;
  openDemo(): Promise<OpenedPipeline>;
  /** Open a pipeline file from the workspace folder (a relative path). */
  openPipeline(path: string): Promise<OpenedPipeline>;
  hostInfo(): Promise<HostInfo>;
  /**
   * Desktop app: ask for a pipeline file with the system's open dialog and open it; null when cancelled. The file
   * may be anywhere; the path chosen may then be saved to as well.
   */
  openWithDialog(): Promise<OpenedPipeline | null>;
  /** Desktop app: ask where to save with the system's save dialog, and save there; null when cancelled. */
  saveWithDialog(doc: PipelineDocument, suggestedName: string): Promise<{ path: string } | null>;
  /** The pipeline files in the workspace folder (and its subfolders), newest first. */
  listPipelines(): Promise<WorkspaceListing>;
  /** Make another folder the workspace (created if missing); it must be an absolute path. */
  setWorkspace(dir: string): Promise<WorkspaceListing>;
  /** Save into the workspace folder (a relative path), with stable key order; returns the absolute path. */
  savePipeline(path: string, doc: PipelineDocument): Promise<{ path: string }>;
  /** Run a pipeline: in-process (the default), or its data part deployed to a Flink profile with the rest here. */
  run(doc: PipelineDocument, target?: RunTarget, params?: ParameterChoice): Promise<RunStatus>;
  /** Stop the run; a Flink run with `savepoint` stops its job with a savepoint (its path in the status). */
  stop(options?: { savepoint?: boolean }): Promise<RunStatus>;
  status(): Promise<RunStatus>;
  /** The last records kept by a `debug` sink of the current (or last) run. */
  peek(nodeId: string): Promise<unknown[]>;
  /**
   * Which H.264/H.265 encoders work on this machine, every candidate in the order `device: auto` tries them, with
   * ffmpeg's reason for each that fails (cached per machine and ffmpeg version; `refresh` probes again).
   */
  encoderProbe(refresh: boolean): Promise<EncoderProbe & { cached: boolean }>;
  /**
   * The exact ffmpeg command a media node's group would run (the group of media nodes wired to it, fused into one
   * process), as arguments and as a shell line. Refused with the reason when the document or the group cannot run.
   */
  mediaCommand(doc: PipelineDocument, nodeId: string, params?: ParameterChoice): Promise<MediaCommand>;
  /** The capture devices the engine's machine has: cameras (V4L2), screens (X displays), microphones (ALSA). */
  mediaDevices(): Promise<MediaDevices>;
  /** The Kafka connection profiles: the embedded development cluster and those in the app's settings. */
  kafkaProfiles(): Promise<KafkaProfileInfo[]>;
  /** Add or replace a profile in the app's settings (never a secret: those come from the secret store / environment). */
  kafkaSaveProfile(name: string, profile: KafkaProfileSettings): Promise<KafkaProfileInfo[]>;
  kafkaDeleteProfile(name: string): Promise<KafkaProfileInfo[]>;
  /** Keep a profile's password in the system's secret store (desktop app); null forgets it. Elsewhere refused with where to put it. */
  kafkaSetSecret(name: string, secret: string | null): Promise<KafkaProfileInfo[]>;
  /** Connect with a profile and say what worked or what failed, in words. */
  kafkaTestConnection(profile: string): Promise<ConnectionTest>;
  /** Topics with their partitions and watermarks. */
  kafkaTopics(profile: string): Promise<TopicInfo[]>;
  /** The last `count` messages of a partition, oldest first, values pretty-printed. */
  kafkaSample(profile: string, topic: string, partition: number, count: number): Promise<BrowsedMessage[]>;
  /** The consumer groups the brokers list, described (state, members), with their committed-offset lag per partition. */
  kafkaGroups(profile: string): Promise<GroupInfo[]>;
  /** The Redis connection profiles: the embedded redis-server and those in the app's settings. */
  redisProfiles(): Promise<RedisProfileInfo[]>;
  /** Add or replace a Redis profile in the app's settings (never a password). */
  redisSaveProfile(name: string, profile: RedisProfileSettings): Promise<RedisProfileInfo[]>;
  redisDeleteProfile(name: string): Promise<RedisProfileInfo[]>;
  /** Keep a Redis profile's password in the system's secret store (desktop app); null forgets it. Elsewhere refused with where to put it. */
  redisSetSecret(name: string, secret: string | null): Promise<RedisProfileInfo[]>;
  /** Connect with a Redis profile and say what worked or what failed, in words. */
  redisTestConnection(profile: string): Promise<ConnectionTest>;
  /** The latest batches followed through the running (or last) pipeline, one per source a second: the latency waterfall. */
  latencyTraces(): Promise<LatencyTrace[]>;
  /** The runs kept in the history (metrics of every run the studio started), newest first. */
  runHistory(): Promise<RunSummary[]>;
  /** A kept run's metrics, a tick a second, to look at again or compare. */
  runMetrics(runId: string): Promise<{ run: RunSummary; ticks: MetricsTick[] }>;
  /** What the running pipeline's Redis sinks keep in Redis now: counters, leaderboards, streams (empty when nothing runs). */
  liveState(): Promise<LiveStateView[]>;
  /** The Flink connection profiles: the embedded development Flink and those in the app's settings. */
  flinkProfiles(): Promise<FlinkProfileInfo[]>;
  flinkSaveProfile(name: string, profile: FlinkProfileSettings): Promise<FlinkProfileInfo[]>;
  flinkDeleteProfile(name: string): Promise<FlinkProfileInfo[]>;
  /** A Kafka source's schema (field → type) inferred from messages sampled from its topics, with notes to review. */
  kafkaInferSchema(
    profile: string,
    topics: string[],
  ): Promise<{ schema: Record<string, string>; sampled: number; notes: string[] }>;
  /** "Show Flink job": the exact Flink SQL a deploy to the profile would run (secrets masked); refused with the reasons when it does not compile. */
  flinkJob(doc: PipelineDocument, profile: string, params?: ParameterChoice): Promise<FlinkJobView>;
  /**
   * What keeps a valid document from running on Flink (the compile refusals, each on its node and field), found
   * without reaching any cluster; empty when it compiles (and for a document with problems of its own).
   */
  flinkProblems(doc: PipelineDocument, params?: ParameterChoice): Promise<ValidationIssue[]>;
}

/** The fixtures of a pipeline file, run: where they were looked for, and each one's result. */
export interface TestRun {
  /** The fixture file names looked for, in words (for "no fixtures"). */
  looked: string;
  results: FixtureResult[];
}

export interface MediaCommand {
  /** The nodes fused into this one process. */
  nodes: string[];
  binary: string;
  args: string[];
  /** The command as one POSIX shell line. */
  shell: string;
}

/** One part of an encoded stream's preview: fragmented MP4, base64 (the API's transports carry text). */
export type PreviewChunk =
  | {
      kind: 'init';
      /** The RFC 6381 codec string for Media Source Extensions, e.g. `avc1.64001f`. */
      codec: string;
      width: number;
      height: number;
      /** When the preview is not the wire itself: what it is (an H.264 proxy of an H.265 wire). */
      proxy?: string;
      /** Wall-clock time (ms since the epoch) of media time 0: a frame's capture time is `startMs + time`. */
      startMs: number;
      /** The nodes of the group being previewed. */
      nodes: string[];
      data: string;
    }
  | { kind: 'fragment'; keyframe: boolean; /** Media time of its first frame, s. */ time: number; data: string };

/** A watched wire's sample, sent a few times a second while records pass. */
export interface TapChunk {
  /** Sampled records (on a bytes wire: each chunk's size and first bytes in hex), oldest first. */
  records: unknown[];
  /** Records that passed since the watch began, and those the filter kept. */
  seen: number;
  matched: number;
}

/**
 * Streams: opened with arguments, they send chunks until closed by the client or ended by the server (with the
 * reason when it is an error).
 */
export interface StudioStreams {
  /**
   * The live preview of an encoded wire of the running pipeline, by the id of the wire or of a node of its media
   * group: the init segment and the fragments since the last keyframe, then each new fragment.
   */
  preview: { args: [target: string, rendition?: number]; chunk: PreviewChunk };
  /**
   * What passes a wire of the running pipeline: at most `perSecond` records a second, those the JSONata `filter`
   * keeps (empty: all), with counts. Nothing is sampled while no one watches.
   */
  tap: { args: [edgeId: string, filter: string, perSecond: number]; chunk: TapChunk };
  /** New messages of a partition as they arrive (at most 50 per read). */
  kafkaTail: { args: [profile: string, topic: string, partition: number]; chunk: BrowsedMessage[] };
}

export type StudioStreamName = keyof StudioStreams;

/** The serving side of the streams: start sending, and return how to stop. */
export type StudioStreamServers = {
  [K in StudioStreamName]: (
    args: StudioStreams[K]['args'],
    out: {
      send(chunk: StudioStreams[K]['chunk']): void;
      end(error?: string): void;
      /** True while the connection has too much unsent; a stream may skip what it can. */
      congested(): boolean;
    },
  ) => () => void;
};

/** Event streams. The last value of each is replayed to a late subscriber. */
export interface StudioEvents {
  metrics: MetricsTick;
  runState: RunStatus;
  nodeError: NodeErrorEvent;
}

export type StudioMethodName = keyof StudioMethods;
export type StudioEventName = keyof StudioEvents;

/** The event names at run time (the type checker holds them to `StudioEvents`, both ways). */
const EVENT_NAMES = { metrics: true, runState: true, nodeError: true } satisfies Record<StudioEventName, true>;
export const STUDIO_EVENTS = Object.keys(EVENT_NAMES) as StudioEventName[];

export type Unsubscribe = () => void;

/** What a client holds: the methods, plus subscription to events. */
export interface StudioApi extends StudioMethods {
  on<K extends StudioEventName>(event: K, listener: (payload: StudioEvents[K]) => void): Unsubscribe;
  /** Open a stream; `onEnd` is called once when the server ends it (with the reason when it failed). Returns close. */
  stream<K extends StudioStreamName>(
    name: K,
    args: StudioStreams[K]['args'],
    onChunk: (chunk: StudioStreams[K]['chunk']) => void,
    onEnd?: (error?: string) => void,
  ): Unsubscribe;
}

/** An error that crossed the API, with the validation issues when it is about a document. */
export class StudioError extends Error {
  constructor(
    message: string,
    readonly code: string = 'error',
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
    this.name = 'StudioError';
  }
}
