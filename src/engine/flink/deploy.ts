/**
 * Deploying the data part of a pipeline to a Flink cluster, and stopping it: compile (refusals before anything is
 * sent), resolve the connections the script needs, upload the job jar once per cluster, run it with the script, and
 * wait until every task runs. A job that fails as it starts (a missing topic, SQL the cluster's Flink rejects) is
 * cancelled, so nothing is left half-deployed, and the error is Flink's root cause on the node it belongs to.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResolvedPipeline } from '../document/resolved';
import { resolveProfile, type KafkaProfile } from '../connectors/kafka/profiles';
import { parseTarget } from '../connectors/hdfs/targets';
import { jobJar, type FlinkCluster } from './cluster';
import { flinkPart, type FlinkPart } from './part';
import { rootCause, type FlinkRest, type JobDetails } from './rest';
import {
  compileFlinkScript,
  FlinkCompileError,
  compileOptions,
  type FlinkConnections,
  type FlinkJobScript,
} from './sql/compile';
import { nodeOfStatement, nodeOfVertex } from './vertices';

export { FlinkCompileError };

/** The class names inside the Kafka SQL connector jar (its Kafka client is shaded). */
const SHADED_KAFKA = 'org.apache.flink.kafka.shaded.org.apache.kafka';

/** The Kafka connector's properties for a profile (secrets listed so the shown script can mask them). */
export function kafkaProperties(p: KafkaProfile): { properties: Record<string, string>; secret: string[] } {
  const properties: Record<string, string> = { 'bootstrap.servers': p.brokers.join(',') };
  const secret: string[] = [];
  if (p.tls || p.sasl) properties['security.protocol'] = `${p.sasl ? 'SASL_' : ''}${p.tls ? 'SSL' : 'PLAINTEXT'}`;
  if (p.tls?.caFile) {
    properties['ssl.truststore.type'] = 'PEM';
    properties['ssl.truststore.certificates'] = readFileSync(p.tls.caFile, 'utf8').trim().replace(/\r?\n/g, '\\n');
  }
  if (p.sasl) {
    const mechanism = p.sasl.mechanism.toUpperCase();
    properties['sasl.mechanism'] = mechanism;
    const module = mechanism === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule';
    const q = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    properties['sasl.jaas.config'] =
      `${SHADED_KAFKA}.common.security.${module} required username="${q(p.sasl.username)}" password="${q(p.password ?? '')}";`;
    if (p.password) secret.push(q(p.password));
  }
  return { properties, secret };
}

/** The NameNode's RPC address (hdfs://host:port), read from its web server's JMX, for a WebHDFS address. */
async function hdfsAddress(webhdfs: string): Promise<string> {
  const u = new URL(webhdfs.replace(/^swebhdfs:/, 'https:').replace(/^webhdfs:/, 'http:'));
  const jmx = `${u.protocol}//${u.host}/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus`;
  let hostAndPort: string | undefined;
  try {
    const r = (await (await fetch(jmx, { signal: AbortSignal.timeout(5000) })).json()) as {
      beans?: { HostAndPort?: string }[];
    };
    hostAndPort = r.beans?.[0]?.HostAndPort;
  } catch (err) {
    throw new Error(`cannot ask the NameNode at ${u.host} for its RPC address (${jmx}): ${(err as Error).message}`);
  }
  if (!hostAndPort) throw new Error(`the NameNode at ${u.host} did not say its RPC address (${jmx})`);
  return `hdfs://${hostAndPort}`;
}

/** Everything the script needs from outside, resolved: Kafka profiles (local started), archive targets. */
export async function flinkConnections(pipeline: ResolvedPipeline, part: FlinkPart): Promise<FlinkConnections> {
  const cfg = new Map(pipeline.nodes.map((n) => [n.id, n.config as Record<string, unknown>]));
  const kafka = new Map<string, ReturnType<typeof kafkaProperties>>();
  const archive = new Map<string, string>();
  for (const id of part.nodes) {
    const c = cfg.get(id)!;
    if (typeof c.profile === 'string' && !kafka.has(c.profile))
      kafka.set(c.profile, kafkaProperties(await resolveProfile(c.profile)));
    if (typeof c.target === 'string' && !archive.has(c.target)) {
      const target = c.target;
      let path: string;
      try {
        const t = parseTarget(target, { timeoutMs: 5000 });
        if (t.kind === 'webhdfs') {
          const u = new URL(t.url);
          path = `${await hdfsAddress(t.url)}${u.pathname}`;
        } else path = pathToFileURL(resolvePath(t.path(''))).href;
      } catch (err) {
        path = `!${(err as Error).message}`;
      }
      archive.set(target, path);
    }
  }
  for (const b of part.bridges)
    if (!kafka.has(b.profile)) kafka.set(b.profile, kafkaProperties(await resolveProfile(b.profile)));
  return {
    kafka: (profile) => kafka.get(profile)!,
    archive: (target) => {
      const p = archive.get(target)!;
      if (p.startsWith('!')) throw new Error(p.slice(1));
      return p;
    },
  };
}

/** Connections that resolve nothing: for checking that a pipeline compiles before any server is reached or started. */
const UNRESOLVED: FlinkConnections = {
  kafka: () => ({ properties: {}, secret: [] }),
  archive: () => 'hdfs://unresolved/',
};

/**
 * Throw the refusals (FlinkCompileError) of a pipeline that does not compile, before anything is started or reached:
 * no Kafka profile resolved, no NameNode asked, no Flink started.
 */
export function checkCompiles(pipeline: ResolvedPipeline): void {
  compileFlinkScript(pipeline, compilablePart(pipeline), UNRESOLVED, compileOptions(pipeline));
}

/** The part of the pipeline that runs on Flink; refused when nothing does. */
function compilablePart(pipeline: ResolvedPipeline): FlinkPart {
  const part = flinkPart(pipeline);
  if (part.nodes.length === 0)
    throw new FlinkCompileError([
      {
        nodeId: pipeline.order[0] ?? '',
        message:
          'nothing in this pipeline runs on Flink: its data part starts at a Kafka source reading JSON and goes through filter, map, key-by or window to a Kafka sink or the archive',
      },
    ]);
  return part;
}

/** Compile the Flink part of a pipeline for a cluster's settings (connections resolved). */
export async function compileForFlink(
  pipeline: ResolvedPipeline,
  cluster?: Pick<FlinkCluster, 'parallelism' | 'checkpointIntervalMs'>,
): Promise<{ part: FlinkPart; script: FlinkJobScript }> {
  const part = compilablePart(pipeline);
  const script = compileFlinkScript(
    pipeline,
    part,
    await flinkConnections(pipeline, part),
    compileOptions(pipeline, cluster),
  );
  return { part, script };
}

/** A failure of a deployed job, on the node it belongs to where that is known. */
export class FlinkJobError extends Error {
  constructor(
    message: string,
    readonly nodeId?: string,
  ) {
    super(message);
  }
}

export interface Deployment {
  jobId: string;
  cluster: string;
  url: string;
  part: FlinkPart;
  script: FlinkJobScript;
}

/** The job jar's name on a cluster: with its digest, so a changed jar is uploaded again. */
function jarName(path: string): string {
  return `sluice-flink-job-${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12)}.jar`;
}

/** Deploy a pipeline's data part; resolves once every task of the job runs (or throws, leaving nothing behind). */
export async function deployPipeline(
  pipeline: ResolvedPipeline,
  cluster: FlinkCluster,
  options: {
    fromSavepoint?: string;
    startTimeoutMs?: number;
    /** Already compiled for this cluster (compileForFlink): not compiled again. */
    compiled?: { part: FlinkPart; script: FlinkJobScript };
  } = {},
): Promise<Deployment> {
  const { part, script } = options.compiled ?? (await compileForFlink(pipeline, cluster));
  const rest = cluster.rest;
  const jar = jobJar();
  const jarId = await rest.ensureJar(jar, jarName(jar));
  let jobId: string;
  try {
    jobId = await rest.runJar(
      jarId,
      ['--sql-base64', Buffer.from(script.sql).toString('base64')],
      options.fromSavepoint,
    );
  } catch (err) {
    const message = (err as Error).message;
    const m = /sluice-statement\[([^\]]*)\]: ([^\n;]*)/.exec(message);
    if (m) {
      const nodeId = nodeOfStatement(m[1]!, script);
      throw new FlinkJobError(`Flink refused the job's SQL${nodeId ? ` at node "${nodeId}"` : ''}: ${m[2]}`, nodeId);
    }
    throw err;
  }
  await waitRunning(rest, jobId, script, options.startTimeoutMs ?? 60_000);
  return { jobId, cluster: cluster.name, url: rest.url, part, script };
}

/** Wait until every task runs; a failure first cancels the job and throws its root cause. */
async function waitRunning(rest: FlinkRest, jobId: string, script: FlinkJobScript, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Running is not yet started well: a Kafka source finds a missing topic a moment after its task runs.
  const SETTLE_MS = 1500;
  let runningSince: number | undefined;
  for (;;) {
    const job: JobDetails = await rest.job(jobId);
    const exceptions = await rest.exceptions(jobId);
    if (exceptions.length || ['FAILED', 'FAILING', 'RESTARTING', 'CANCELED'].includes(job.state)) {
      if (!['FAILED', 'CANCELED', 'FINISHED'].includes(job.state)) await rest.cancel(jobId).catch(() => undefined);
      const e = exceptions[0];
      const nodeId = e ? nodeOfVertex(e.taskName ?? e.stacktrace, script) : undefined;
      throw new FlinkJobError(
        `the Flink job ${jobId} failed as it started${nodeId ? ` at node "${nodeId}"` : ''}, and was cancelled: ${e ? rootCause(e.stacktrace) : `state ${job.state}`}`,
        nodeId,
      );
    }
    if (job.state === 'RUNNING' && job.vertices.every((v) => v.status === 'RUNNING')) {
      runningSince ??= Date.now();
      if (Date.now() - runningSince >= SETTLE_MS) return;
    } else runningSince = undefined;
    if (Date.now() > deadline) {
      await rest.cancel(jobId).catch(() => undefined);
      throw new FlinkJobError(
        `the Flink job ${jobId} did not start within ${timeoutMs / 1000} s (state ${job.state}), and was cancelled`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
