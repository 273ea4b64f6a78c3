/**
 * `sluice`: validate, run and list node types from the command line, with the same engine as the studio.
 */
import { createWriteStream } from 'node:fs';
import { Command, Option } from 'commander';
import { type StudioApi } from '../shared/api';
import { formatIssue } from '../shared/validation';
import { METRICS_INTERVAL_MS, type MetricsTick } from '../shared/metrics';
import { builtinRegistry } from '../engine/nodes/registry';
import { chooseEncoder, encoderProbe } from '../engine/media/encoders';
import { createLocalApi } from '../engine/services/local-api';
import { defaultWorkspace, findPackageRoot } from '../engine/support/paths';
import { join } from 'node:path';
import { summaryLine } from './summary';
import { portNumber, seconds } from './options';
import { loadValid, readText, refusal } from './load';
import { flinkCommands } from './flink';
import { planText } from './plan';
import { resolvedDocument } from '../engine/document/resolved';
import { describePlan, EXECUTORS, planPipeline, withFlink } from '../engine/plan/plan';
import { flinkExecutor } from '../engine/flink/executor';
import { PrometheusExporter } from '../engine/observe/prometheus';

const root = findPackageRoot(import.meta.dirname);

function localApi(): { api: StudioApi; close: () => void } {
  return createLocalApi({
    registry: builtinRegistry,
    resourcesDir: join(root, 'resources'),
    workspaceDir: defaultWorkspace(),
    preview: false,
  });
}

async function validateCommand(file: string, opts: { json?: boolean }): Promise<number> {
  const text = await readText(file);
  const { api, close } = localApi();
  const result = await api.validate(text);
  close();
  if (opts.json) process.stdout.write(JSON.stringify({ file, ...result }, null, 2) + '\n');
  else if (result.ok) {
    for (const issue of result.issues) process.stderr.write(formatIssue(issue, file) + '\n');
    process.stdout.write(`${file}: valid${result.issues.length ? ` (${result.issues.length} warning(s))` : ''}\n`);
  } else {
    for (const issue of result.issues) process.stderr.write(formatIssue(issue, file) + '\n');
    process.stderr.write(`${file}: ${result.issues.length} problem(s)\n`);
  }
  return result.ok ? 0 : 1;
}

interface RunOptions {
  duration?: number;
  metrics?: string;
  metricsPort?: number;
  metricsHost?: string;
  worker?: boolean;
  ingest?: boolean;
}

/** What replaced `sluice run --worker` and `--ingest` (the home-made scale-out), for whoever still types them. */
export const RETIRED_SCALE_OUT =
  'sluice run --worker and --ingest are retired: a pipeline outgrows one machine on Apache Flink — `sluice deploy <file> --flink <profile>` runs its data part there (exactly once, keyed state checkpointed by Flink) and the rest here (README: Scale-out). A pipeline without windows scales by starting `sluice run` again with the same consumer group.';

async function runCommand(file: string, opts: RunOptions): Promise<number> {
  if (opts.worker || opts.ingest) {
    process.stderr.write(`${RETIRED_SCALE_OUT}\n`);
    return 2;
  }
  const loaded = await loadValid(file, 'not running');
  if (!loaded) return 1;
  // Configs with their defaults filled in, from the specs: nothing here declares a default again.
  const doc = resolvedDocument(loaded.pipeline);
  const { api, close } = createLocalApi({
    registry: builtinRegistry,
    resourcesDir: join(root, 'resources'),
    workspaceDir: defaultWorkspace(),
    preview: false,
  });
  const types = new Map((await api.listNodeTypes()).map((t) => [t.type, t]));
  const typesByNode = new Map(doc.nodes.map((n) => [n.id, types.get(n.type)!]));
  const metricsOut = opts.metrics ? createWriteStream(opts.metrics) : undefined;
  let prometheus: PrometheusExporter | undefined;
  if (opts.metricsPort !== undefined) {
    try {
      const served = await PrometheusExporter.serve(doc, opts.metricsPort, opts.metricsHost);
      prometheus = served.exporter;
      process.stdout.write(`Prometheus metrics: ${served.url}\n`);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      close();
      return 1;
    }
  }
  let last: MetricsTick | undefined;
  // Rates are counted from the start for the first line, then from the previous line.
  let printed: MetricsTick = { runId: '', seq: -1, time: 0, elapsedMs: 0, nodes: {}, edges: {} };
  api.on('metrics', (tick) => {
    metricsOut?.write(JSON.stringify(tick) + '\n');
    prometheus?.update(tick);
    last = tick;
    // Ticks drift by a few ms: a line is due once about a second (within half a tick) has passed.
    if (tick.elapsedMs - printed.elapsedMs >= 1000 - METRICS_INTERVAL_MS / 2) {
      process.stdout.write(summaryLine(tick, printed, typesByNode) + '\n');
      printed = tick;
    }
  });
  api.on('nodeError', (e) => process.stderr.write(`error in node "${e.nodeId}" (${e.count} so far): ${e.message}\n`));

  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));
  let started = false;
  api.on('runState', (s) => {
    if (started && (s.phase === 'idle' || s.phase === 'failed')) finished();
  });
  await api.run(doc);
  started = true;
  if ((await api.status()).phase !== 'running') finished();

  const stop = async (why: string): Promise<void> => {
    process.stdout.write(`${why}: stopping (draining queues, flushing sinks)\n`);
    await api.stop();
  };
  const onSignal = (sig: string) => void stop(`received ${sig}`);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = opts.duration ? setTimeout(() => void stop(`ran ${opts.duration}s`), opts.duration * 1000) : undefined;
  await done;
  clearTimeout(timer);
  const status = await api.status();
  if (last) process.stdout.write(`totals: ${summaryLine(last, undefined, typesByNode)}\n`);
  if (metricsOut) await new Promise<void>((r) => metricsOut.end(() => r()));
  await prometheus?.close();
  process.stdout.write(`run ${status.phase === 'failed' ? 'failed' : 'ended'}: ${status.message ?? ''}\n`);
  close();
  // A run whose nodes ended in error did not do its work: say so to scripts and CI.
  return status.phase === 'failed' || Object.values(status.nodeStates).includes('error') ? 1 : 0;
}

/** Where each node runs and why; exit 1 (with every problem) when the file is not a valid pipeline. */
async function planCommand(file: string, opts: { json?: boolean; flink?: boolean }): Promise<number> {
  const loaded = await loadValid(file, 'no plan');
  if (!loaded) return 1;
  const executors = opts.flink ? withFlink(flinkExecutor) : EXECUTORS;
  const planned = planPipeline(loaded.pipeline, executors);
  const plan = describePlan(planned, loaded.pipeline, executors);
  process.stdout.write(opts.json ? JSON.stringify(plan, null, 2) + '\n' : planText(plan));
  if (opts.flink && planned.problems.length) {
    const issues = planned.problems.map((p) => ({
      code: 'config' as const,
      pointer: `/nodes/${loaded.doc.nodes.findIndex((n) => n.id === p.nodeId)}`,
      nodeId: p.nodeId,
      message: p.message,
    }));
    process.stderr.write(`${refusal(file, loaded.text, issues, 'a Flink job')}\n`);
    return 1;
  }
  return 0;
}

async function nodesCommand(opts: { json?: boolean }): Promise<number> {
  const { api, close } = localApi();
  const types = await api.listNodeTypes();
  close();
  if (opts.json) {
    process.stdout.write(JSON.stringify(types, null, 2) + '\n');
    return 0;
  }
  for (const t of types) {
    process.stdout.write(`${t.type}  (${t.category}) ${t.title}\n  ${t.description}\n`);
    const ports = (dir: string, ps: typeof t.inputs) => ps.map((p) => `    ${dir} ${p.name}: ${p.type}`).join('\n');
    if (t.inputs.length) process.stdout.write(ports('in ', t.inputs) + '\n');
    if (t.outputs.length) process.stdout.write(ports('out', t.outputs) + '\n');
    for (const f of t.fields) {
      const def = f.default !== undefined ? ` = ${JSON.stringify(f.default)}` : f.required ? ' (required)' : '';
      process.stdout.write(`    ${f.name}: ${f.type}${f.unit ? ` [${f.unit}]` : ''}${def} — ${f.description}\n`);
    }
    process.stdout.write('\n');
  }
  return 0;
}

/** Which H.264/H.265 encoders work here, in the order `device: auto` tries them, and why the others do not. */
async function encodersCommand(opts: { json?: boolean; refresh?: boolean }): Promise<number> {
  const probe = await encoderProbe({ refresh: opts.refresh });
  if (opts.json) {
    process.stdout.write(JSON.stringify(probe, null, 2) + '\n');
    return 0;
  }
  const when = probe.cached ? `probed ${probe.probedAt}, from the cache; --refresh probes again` : `probed now`;
  process.stdout.write(`ffmpeg ${probe.ffmpegVersion} on ${probe.machine} (${when})\n`);
  for (const codec of ['h264', 'hevc'] as const) {
    process.stdout.write(`${codec}:\n`);
    const trials = probe.codecs[codec].trials;
    const width = Math.max(...trials.map((t) => t.encoder.length));
    for (const t of trials)
      process.stdout.write(
        `  ${t.ok ? '✓' : '✗'} ${t.encoder.padEnd(width)}  ${t.label}${t.ok ? '' : `: ${t.reason}`}\n`,
      );
    for (const device of ['auto', 'gpu', 'cpu'] as const) {
      const choice = chooseEncoder(probe, codec, device);
      const line = choice.encoder
        ? `${choice.encoder} (${choice.hardware ? `${choice.label}, on the GPU` : choice.label})`
        : `error: no ${device === 'gpu' ? 'GPU' : 'working'} encoder for ${codec} (the reasons are above)`;
      process.stdout.write(`  device ${device} → ${line}\n`);
    }
  }
  return 0;
}

// A closed pipe (`sluice nodes | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('sluice').description('Build, run and watch live stream pipelines.').showHelpAfterError();
const exit = (code: number) => {
  process.exitCode = code;
};
program
  .command('validate <file>')
  .description('check a pipeline file; exit 0 when valid, else print every problem and exit 1')
  .option('--json', 'print the result as JSON')
  .action(async (file: string, opts) => exit(await validateCommand(file, opts)));
program
  .command('plan <file>')
  .description(
    'show where each node runs (in-process, ffmpeg per media group) and why; exit 1 when the file is invalid',
  )
  .option('--json', 'print the plan as JSON')
  .option('--flink', 'plan for a Flink target: the data part on Flink (and what keeps it from compiling)')
  .action(async (file: string, opts) => exit(await planCommand(file, opts)));
program
  .command('run <file>')
  .description('run a pipeline headless, printing a summary each second; SIGINT/SIGTERM stop it cleanly')
  .option('--duration <seconds>', 'stop after this many seconds', seconds)
  .option('--metrics <out.ndjson>', 'write every metrics tick as a line of JSON')
  .option(
    '--metrics-port <port>',
    'serve Prometheus metrics at http://127.0.0.1:<port>/metrics (0: a free port)',
    portNumber,
  )
  .option(
    '--metrics-host <address>',
    'the address to serve them on (default 127.0.0.1; 0.0.0.0 for a scraper elsewhere)',
  )
  // Retired (the home-made scale-out): said in words rather than "unknown option".
  .addOption(new Option('--worker').hideHelp())
  .addOption(new Option('--ingest').hideHelp())
  .action(async (file: string, opts) => {
    const code = await runCommand(file, opts);
    // The run is over: leave now, whatever a client library still keeps going (a Kafka client whose brokers are
    // gone retries without end), once what was written has reached stdout and stderr.
    await new Promise<void>((r) => process.stdout.write('', () => process.stderr.write('', () => r())));
    process.exit(code);
  });
program
  .command('nodes')
  .description('list the node types with their ports and config fields')
  .option('--json', 'print as JSON')
  .action(async (opts) => exit(await nodesCommand(opts)));

program
  .command('encoders')
  .description(
    'probe the H.264/H.265 encoders ffmpeg offers here (GPU first, then software) and say why each that fails does',
  )
  .option('--json', 'print the probe as JSON')
  .option('--refresh', 'probe again instead of using the cached result')
  .action(async (opts) => exit(await encodersCommand(opts)));

program
  .command('devices')
  .description('list the capture devices of this machine: cameras (V4L2), X displays, microphones (ALSA)')
  .option('--json', 'print them as JSON')
  .action(async (opts: { json?: boolean }) => {
    const { api, close } = localApi();
    const d = await api.mediaDevices();
    close();
    if (opts.json) process.stdout.write(JSON.stringify(d, null, 2) + '\n');
    else {
      const list = (title: string, items: string[], none: string) =>
        `${title}:\n${items.length ? items.map((i) => `  ${i}\n`).join('') : `  ${none}\n`}`;
      process.stdout.write(
        list(
          'cameras',
          d.cameras.map((c) => `${c.device}  ${c.name}`),
          'none (no V4L2 device in /sys/class/video4linux)',
        ) +
          list(
            'screens',
            d.screens.map((s) => `${s.display}  ${s.name}`),
            'none (DISPLAY is not set)',
          ) +
          list(
            'microphones',
            d.microphones.map((m) => `${m.format} ${m.device}  ${m.name}`),
            'none (no ALSA capture device in /proc/asound/pcm)',
          ),
      );
    }
    exit(0);
  });

flinkCommands(program, exit);

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`sluice: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
