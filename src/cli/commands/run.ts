/**
 * `sluice run`: a pipeline headless, a summary line each second, metrics as NDJSON or for Prometheus. SIGINT and
 * SIGTERM stop it cleanly (queues drained, sinks flushed, the embedded Redis stopped and its folder removed): exit 0,
 * or 1 when the run or one of its nodes failed. Started through `npx`/`npm exec`, whose process a supervisor signals,
 * it stops the same way when that parent goes (npm does not forward signals to what it runs).
 */
import { createWriteStream } from 'node:fs';
import { METRICS_INTERVAL_MS, type MetricsTick } from '../../shared/metrics';
import { resolvedDocument } from '../../engine/document/resolved';
import { PrometheusExporter } from '../../engine/observe/prometheus';
import { stopLocalRedis } from '../../engine/connectors/redis/local';
import { choiceOf } from '../../engine/params/resolve';
import { summaryLine } from '../summary';
import { loadValid, type ParameterOptions } from '../load';
import { localApi } from './local';
import { whenParentGoes } from './parent';

export interface RunOptions extends ParameterOptions {
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

export async function runCommand(file: string, opts: RunOptions): Promise<number> {
  if (opts.worker || opts.ingest) {
    process.stderr.write(`${RETIRED_SCALE_OUT}\n`);
    return 2;
  }
  const loaded = await loadValid(file, 'not running', opts);
  if (!loaded) return 1;
  // Configs with their defaults filled in, from the specs (the exporter's labels): nothing here declares one again.
  const doc = resolvedDocument(loaded.pipeline);
  const { api, close } = localApi();
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
  // The document as written, with the values chosen: the engine resolves it again (secrets from the store).
  await api.run(loaded.doc, { kind: 'in-process' }, choiceOf(loaded.supply));
  started = true;
  if ((await api.status()).phase !== 'running') finished();

  const stop = async (why: string): Promise<void> => {
    process.stdout.write(`${why}: stopping (draining queues, flushing sinks)\n`);
    await api.stop();
  };
  const onSignal = (sig: string) => void stop(`received ${sig}`);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const unwatch = whenParentGoes(() => void stop('its parent (npx) went'));
  const timer = opts.duration ? setTimeout(() => void stop(`ran ${opts.duration}s`), opts.duration * 1000) : undefined;
  await done;
  clearTimeout(timer);
  unwatch();
  const status = await api.status();
  if (last) process.stdout.write(`totals: ${summaryLine(last, undefined, typesByNode)}\n`);
  if (metricsOut) await new Promise<void>((r) => metricsOut.end(() => r()));
  await prometheus?.close();
  process.stdout.write(`run ${status.phase === 'failed' ? 'failed' : 'ended'}: ${status.message ?? ''}\n`);
  close();
  await stopLocalRedis();
  // A run whose nodes ended in error did not do its work: say so to scripts and CI.
  return status.phase === 'failed' || Object.values(status.nodeStates).includes('error') ? 1 : 0;
}
