/**
 * The Flink commands: `sluice deploy <file> --flink <profile>` (prints the job id; `--show` prints the SQL instead),
 * `sluice jobs`, `sluice stop <job> [--savepoint]`, and `sluice schema <file> <node>` (infers a Kafka source's
 * schema from sampled messages and writes it into the file for review).
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { LOCAL_PROFILE } from '../engine/connectors/settings';
import { resolveFlinkProfile, runningLocalFlink } from '../engine/flink/cluster';
import { checkCompiles, compileForFlink, FlinkCompileError, FlinkJobError } from '../engine/flink/deploy';
import { FlinkRun } from '../engine/flink/run';
import { PrometheusExporter } from '../engine/observe/prometheus';
import { builtinRegistry } from '../engine/nodes/registry';
import { refusalIssues } from '../engine/flink/part';
import { inferSchema } from '../engine/flink/schema';
import { serializeDocument } from '../shared/document';
import { loadValid, parameterOptions, refusal, type ParameterOptions } from './load';
import { count, portNumber } from './options';

const say = (line: string) => process.stderr.write(`${line}\n`);

/** How often a slow stop says what it waits for. */
const STOP_REPORT_MS = 5000;

async function deployCommand(
  file: string,
  opts: {
    flink: string;
    show?: boolean;
    fromSavepoint?: string;
    metricsPort?: number;
    metricsHost?: string;
  } & ParameterOptions,
): Promise<number> {
  const loaded = await loadValid(file, 'not deploying', opts);
  if (!loaded) return 1;
  const refuse = (err: unknown): number => {
    if (err instanceof FlinkCompileError) {
      say(
        refusal(file, loaded.text, refusalIssues(loaded.doc, err.refusals), 'a Flink job').replace(
          /cannot run as a Flink job/,
          'does not compile to a Flink job; nothing was deployed',
        ),
      );
      return 1;
    }
    throw err;
  };
  if (opts.show) {
    try {
      const { script } = await compileForFlink(loaded.pipeline);
      process.stdout.write(script.shown);
      return 0;
    } catch (err) {
      return refuse(err);
    }
  }
  // Refused before a cluster is reached (or the embedded one started).
  try {
    checkCompiles(loaded.pipeline);
  } catch (err) {
    return refuse(err);
  }
  // (A busy port is refused before anything is started.)
  let prometheus: PrometheusExporter | undefined;
  if (opts.metricsPort !== undefined) {
    try {
      const served = await PrometheusExporter.serve(loaded.doc, opts.metricsPort, opts.metricsHost);
      prometheus = served.exporter;
      say(`Prometheus metrics: ${served.url}`);
    } catch (err) {
      say((err as Error).message);
      return 1;
    }
  }
  const ownsLocal = opts.flink === LOCAL_PROFILE && !(await runningLocalFlink());
  if (ownsLocal) say('starting the embedded Flink (development only: a MiniCluster in one JVM)…');
  const cluster = await resolveFlinkProfile(opts.flink);
  const run = new FlinkRun(
    loaded.pipeline,
    cluster,
    {
      onState: () => undefined,
      onError: (nodeId, message) => say(`error in node "${nodeId}": ${message}`),
      onMetrics: (tick) => prometheus?.update(tick),
    },
    { registry: builtinRegistry, fromSavepoint: opts.fromSavepoint, flow: { preview: false } },
  );
  try {
    await run.start();
  } catch (err) {
    await prometheus?.close();
    if (err instanceof FlinkJobError) {
      say(`${file}: ${err.message}`);
      return 1;
    }
    return refuse(err);
  }
  const info = run.info!;
  process.stdout.write(`${info.jobId}\n`);
  say(
    `deployed "${loaded.doc.name}" to Flink profile "${cluster.name}" (${cluster.rest.url}): job ${info.jobId}, nodes ${info.nodes.join(', ')}`,
  );
  const here = run.localFlow ? loaded.pipeline.nodes.filter((n) => !info.nodes.includes(n.id)).map((n) => n.id) : [];
  const attached = ownsLocal || here.length > 0;
  if (!attached && !prometheus) return 0;
  // Something of the run lives in this process (the embedded Flink, the nodes that run in-process), or it serves
  // the job's figures: it stays until Ctrl+C.
  say(
    [
      attached ? '' : `serving the job's figures; Ctrl+C stops watching and leaves the job running`,
      here.length ? `running here beside the job: ${here.join(', ')}` : '',
      ownsLocal
        ? `the embedded Flink runs while this command runs (\`sluice jobs\`, \`sluice stop ${info.jobId} --savepoint\` reach it from another terminal)`
        : '',
      attached ? 'Ctrl+C stops the job and everything here' : '',
    ]
      .filter(Boolean)
      .join('; '),
  );
  const signalled = new Promise<string>((r) => {
    process.once('SIGINT', () => r('interrupted'));
    process.once('SIGTERM', () => r('terminated'));
  });
  const why = await Promise.race([signalled, run.done.then(() => 'the job ended')]);
  if (attached) {
    // A stop that takes a while says what it waits for (a second Ctrl+C ends this command at once).
    const slow = setInterval(() => {
      const what = run.stopWaitsFor;
      if (what) say(`still stopping: waiting for ${what} (Ctrl+C again quits now)`);
    }, STOP_REPORT_MS);
    await run.stop().finally(() => clearInterval(slow));
    say(`${why}: job ${info.jobId} stopped${ownsLocal ? '; stopping the embedded Flink' : ''}`);
  } else if (why === 'the job ended') say(`job ${info.jobId} ended (${run.lastState ?? 'unknown'})`);
  else {
    run.detach();
    say(`${why}: stopped watching; job ${info.jobId} runs on (\`sluice stop ${info.jobId}\` stops it)`);
  }
  await prometheus?.close();
  return 0;
}

async function jobsCommand(opts: { flink: string; json?: boolean }): Promise<number> {
  const cluster = await resolveFlinkProfile(opts.flink, { start: false });
  const jobs = await cluster.rest.jobs();
  if (opts.json) process.stdout.write(JSON.stringify(jobs, null, 2) + '\n');
  else if (!jobs.length) say(`no jobs on Flink profile "${cluster.name}" (${cluster.rest.url})`);
  else
    for (const j of jobs.sort((a, b) => b['start-time'] - a['start-time']))
      process.stdout.write(`${j.jid}  ${j.state.padEnd(9)}  ${new Date(j['start-time']).toISOString()}  ${j.name}\n`);
  return 0;
}

async function stopCommand(job: string, opts: { flink: string; savepoint?: boolean | string }): Promise<number> {
  const cluster = await resolveFlinkProfile(opts.flink, { start: false });
  if (opts.savepoint) {
    const path = await cluster.rest.stopWithSavepoint(
      job,
      typeof opts.savepoint === 'string' ? opts.savepoint : undefined,
    );
    process.stdout.write(`${path}\n`);
    say(`job ${job} stopped with a savepoint: deploy again from it with --from-savepoint ${path}`);
  } else {
    await cluster.rest.cancel(job);
    say(`job ${job} cancelled`);
  }
  return 0;
}

async function schemaCommand(
  file: string,
  node: string,
  opts: { samples: number; print?: boolean } & ParameterOptions,
): Promise<number> {
  const loaded = await loadValid(file, 'not sampling', opts);
  if (!loaded) return 1;
  const n = loaded.pipeline.nodes.find((x) => x.id === node);
  if (!n || n.spec.type !== 'kafka-source') {
    say(
      `${file}: no kafka-source node "${node}" (kafka sources: ${
        loaded.pipeline.nodes
          .filter((x) => x.spec.type === 'kafka-source')
          .map((x) => x.id)
          .join(', ') || 'none'
      })`,
    );
    return 1;
  }
  const result = await inferSchema(n.config as never, opts.samples);
  for (const note of result.notes) say(`${node}: ${note}`);
  if (opts.print) {
    process.stdout.write(JSON.stringify(result.schema, null, 2) + '\n');
    return 0;
  }
  const doc = loaded.doc;
  const written = doc.nodes.find((x) => x.id === node)!;
  written.config = { ...written.config, schema: result.schema };
  await writeFile(file, serializeDocument(doc));
  say(
    `${file}: node "${node}": schema of ${Object.keys(result.schema).length} field(s) from ${result.sampled} message(s) written; review it before deploying`,
  );
  return 0;
}

export function flinkCommands(program: Command, exit: (code: number) => void): void {
  parameterOptions(
    program
      .command('deploy <file>')
      .description(
        'compile the data part of a pipeline (Kafka → filter/map/key-by/window → Kafka, archive) to Flink SQL and deploy it; prints the job id. With the embedded `local` Flink it stays running until Ctrl+C',
      )
      .option(
        '--flink <profile>',
        'the Flink connection profile (settings file), or local: the embedded development Flink',
        LOCAL_PROFILE,
      )
      .option('--show', 'print the Flink SQL that would run (secrets masked) and deploy nothing')
      .option('--from-savepoint <path>', 'start from a savepoint (as `sluice stop --savepoint` printed it)')
      .option(
        '--metrics-port <port>',
        'stay attached and serve the job’s figures (per node, checkpoints, restarts) as Prometheus metrics at http://127.0.0.1:<port>/metrics (0: a free port); Ctrl+C stops watching',
        portNumber,
      )
      .option('--metrics-host <address>', 'the address to serve them on (default 127.0.0.1)'),
  ).action(async (file: string, opts) => {
    // However it ends, leave: clients of the servers this process started would otherwise keep it alive.
    const code = await deployCommand(file, opts).catch((err: unknown) => {
      say(`sluice: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    });
    await new Promise<void>((r) => process.stdout.write('', () => process.stderr.write('', () => r())));
    process.exit(code);
  });
  program
    .command('jobs')
    .description('list the jobs on a Flink cluster')
    .option('--flink <profile>', 'the Flink connection profile, or local (a running embedded Flink)', LOCAL_PROFILE)
    .option('--json', 'print them as JSON')
    .action(async (opts) => exit(await jobsCommand(opts)));
  program
    .command('stop <job>')
    .description('stop a Flink job: cancel it, or with --savepoint stop it after writing a savepoint (prints its path)')
    .option('--flink <profile>', 'the Flink connection profile, or local (a running embedded Flink)', LOCAL_PROFILE)
    .option('--savepoint [dir]', 'write a savepoint first (into dir, else the cluster’s default savepoint folder)')
    .action(async (job: string, opts) => exit(await stopCommand(job, opts)));
  parameterOptions(
    program
      .command('schema <file> <node>')
      .description(
        "infer a Kafka source's schema (field names and types) from messages sampled from its topic, and write it into the file for review",
      )
      .option('--samples <n>', 'how many messages to sample', count, 200)
      .option('--print', 'print the schema instead of writing the file'),
  ).action(async (file: string, node: string, opts) => exit(await schemaCommand(file, node, opts)));
}
