/**
 * Scale-out on Kafka consumer groups: which part of a pipeline the workers run, what keeps a pipeline from running
 * as several of them, and each worker's report of what it holds.
 *
 * The worker part is every Kafka source and every node downstream of one: what Kafka's group protocol can split.
 * The rest (capture, encoders, generators and what writes them to Kafka) is run once, by `sluice run --ingest`.
 */
import { hostname } from 'node:os';
import type { PipelineDocument } from '../../shared/document';
import type { MetricsTick } from '../../shared/metrics';
import type { ValidationIssue } from '../../shared/validation';
import type { WorkerReport } from '../../shared/workers';
import { LOCAL_PROFILE } from '../connectors/kafka/profiles';
import type { RedisCheckpointStore } from './checkpoints';
import type { WorkerContext } from './context';

export const KAFKA_SOURCE = 'kafka-source';

type DocNode = PipelineDocument['nodes'][number];
/** The connection profile a Kafka or Redis node names (its default: the embedded one). */
const profileOf = (n: DocNode): string => n.config.profile as string;
/** A pointer at a node's config field in the whole document (the CLI gives it a line). */
const fieldPointer = (doc: PipelineDocument, id: string, field: string): string =>
  `/nodes/${doc.nodes.findIndex((n) => n.id === id)}/config/${field}`;

/** The document cut in two: the nodes downstream of Kafka sources (with them) and the rest, each with its wires. */
export function splitForWorkers(doc: PipelineDocument): { worker: PipelineDocument; rest: PipelineDocument } {
  const inWorker = new Set(doc.nodes.filter((n) => n.type === KAFKA_SOURCE).map((n) => n.id));
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of doc.edges) {
      if (inWorker.has(e.from.node) && !inWorker.has(e.to.node)) {
        inWorker.add(e.to.node);
        grew = true;
      }
    }
  }
  const part = (keep: (id: string) => boolean): PipelineDocument => ({
    ...doc,
    nodes: doc.nodes.filter((n) => keep(n.id)),
    edges: doc.edges.filter((e) => keep(e.from.node) && keep(e.to.node)),
  });
  return { worker: part((id) => inWorker.has(id)), rest: part((id) => !inWorker.has(id)) };
}

/**
 * What keeps the worker part from running as several workers, each naming the node and field (pointers into the
 * original document, so the CLI can give the line).
 */
/**
 * What keeps the worker part from running as consumer-group workers. `doc` is the file as written (for the places
 * and what was set explicitly); `worker` its worker part with configs resolved (see splitForWorkers).
 */
export function workerIssues(doc: PipelineDocument, worker: PipelineDocument): ValidationIssue[] {
  const written = (id: string) => doc.nodes.find((n) => n.id === id)?.config ?? {};
  const issues: ValidationIssue[] = [];
  const sources = worker.nodes.filter((n) => n.type === KAFKA_SOURCE);
  if (!sources.length) {
    issues.push({
      code: 'structure',
      pointer: '/nodes',
      message:
        'there is no Kafka source: workers share the partitions of a Kafka consumer group, so a worker pipeline must read a topic (kafka-source)',
    });
  }
  for (const n of sources) {
    if (profileOf(n) === LOCAL_PROFILE) {
      issues.push({
        code: 'config',
        pointer: fieldPointer(doc, n.id, 'profile'),
        nodeId: n.id,
        message: `profile "local" is the development cluster embedded in one Sluice process: workers must share a Kafka cluster, so name a connection profile from the settings`,
      });
    }
  }
  for (const n of worker.nodes) {
    if (n.type === 'window' && n.config.scope !== 'partition') {
      issues.push({
        code: 'config',
        pointer: fieldPointer(doc, n.id, 'scope'),
        nodeId: n.id,
        message: `scope "${String(n.config.scope)}"${written(n.id).scope ? '' : ' (the default)'} keeps one set of windows for every partition, which one worker cannot share with another: set scope "partition" — results per partition, so key the topic by what the window groups by`,
      });
    }
    if (n.type === 'redis' && profileOf(n) === LOCAL_PROFILE) {
      issues.push({
        code: 'config',
        pointer: fieldPointer(doc, n.id, 'profile'),
        nodeId: n.id,
        message:
          'profile "local" is a redis-server embedded in one Sluice process: workers must write to a shared Redis, so name a Redis profile from the settings',
      });
    }
  }
  return issues;
}

/**
 * What keeps the ingest part from feeding workers in other processes: a Kafka node on the embedded `local` cluster,
 * which lives inside this one process.
 */
export function ingestIssues(doc: PipelineDocument, rest: PipelineDocument): ValidationIssue[] {
  return rest.nodes
    .filter((n) => n.type.startsWith('kafka-') && profileOf(n) === LOCAL_PROFILE)
    .map((n) => ({
      code: 'config' as const,
      pointer: fieldPointer(doc, n.id, 'profile'),
      nodeId: n.id,
      message:
        'profile "local" is the development cluster embedded in this one process: the workers could not read what it writes, so name a connection profile from the settings',
    }));
}

/** The Redis profile the workers keep their state in: the one given, else the one the pipeline's Redis sinks use. */
export function stateProfile(worker: PipelineDocument, given: string | undefined): string | Error {
  if (given) return given;
  const used = new Set(worker.nodes.filter((n) => n.type === 'redis').map(profileOf));
  used.delete(LOCAL_PROFILE);
  if (used.size === 1) return [...used][0]!;
  return new Error(
    used.size
      ? `--state: the pipeline writes to several Redis profiles (${[...used].join(', ')}); name the one that keeps the workers' state`
      : `--state: name the Redis profile that keeps the workers' state (window checkpoints, and what each worker holds): a Redis every worker reaches`,
  );
}

/** Reports what this worker holds to the store every second, and takes it back when it leaves. */
export class WorkerReporter {
  private timer: NodeJS.Timeout | undefined;
  private last: MetricsTick | undefined;
  private readonly startedAt = Date.now();
  private state: WorkerReport['state'] = 'running';
  private readonly rates = new Map<string, number>();

  constructor(
    private readonly doc: PipelineDocument,
    private readonly context: WorkerContext,
    private readonly store: RedisCheckpointStore,
    private readonly onError: (message: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.report(), 1000);
  }

  /** The latest metrics: lag per partition and records per second of each Kafka source. */
  metrics(tick: MetricsTick): void {
    this.last = tick;
    for (const [id, n] of Object.entries(tick.nodes)) if (n.kafka) this.rates.set(id, n.recordsOutPerSec ?? 0);
  }

  private reports(): WorkerReport[] {
    const now = Date.now();
    return this.context.assignments().map((m) => {
      const source = this.doc.nodes.find((n) => n.id === m.node);
      const lag = this.last?.nodes[m.node]?.kafka?.lag ?? {};
      return {
        group: m.group,
        memberId: m.memberId,
        host: hostname(),
        pid: process.pid,
        pipeline: this.doc.name,
        node: m.node,
        startedAt: this.startedAt,
        joinedAt: m.joinedAt,
        updatedAt: now,
        state: this.state,
        partitions: Object.entries(m.assignment)
          .flatMap(([topic, ps]) =>
            ps.map((partition) => ({ topic, partition, lag: lag[`${topic}/${partition}`] ?? null })),
          )
          .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition)),
        recordsPerSec: this.rates.get(m.node) ?? 0,
        sessionTimeoutMs: Number(source?.config.sessionTimeoutMs),
      };
    });
  }

  private failing = false;

  private async report(): Promise<void> {
    try {
      for (const r of this.reports()) await this.store.report(r);
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.onError(`could not report this worker to the state store: ${(err as Error).message}`);
      this.failing = true;
    }
  }

  /** Stopping: say so (the group shows it draining). */
  async stopping(): Promise<void> {
    this.state = 'stopping';
    await this.report();
  }

  /** Left the group: the report goes. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    // (At most 2 s: a Redis that does not answer does not keep the process from ending; the report then ages out.)
    const leave = Promise.all(
      this.context.assignments().map((m) => this.store.leave(m.group, m.memberId).catch(() => undefined)),
    );
    await Promise.race([leave, new Promise((r) => setTimeout(r, 2000))]);
  }
}
