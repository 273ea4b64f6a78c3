/**
 * Prometheus metrics for headless runs (`sluice run --metrics-port N`): the engine's metrics ticks turned into
 * prom-client counters and gauges with node and edge labels, plus the process's own (memory, CPU, event-loop lag),
 * served as the text exposition format at /metrics. A run deployed to Flink adds its job's figures (state, restarts,
 * checkpoints) labelled with the job id; its nodes' figures come through the same node series.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PipelineDocument } from '../../shared/document';
import type { FlinkJobMetrics } from '../../shared/flink';
import type { MetricsTick, NodeState } from '../../shared/metrics';

/** Flink's job states (JobStatus), each a series of sluice_flink_job_state. */
const JOB_STATES = [
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'FAILING',
  'FAILED',
  'CANCELLING',
  'CANCELED',
  'FINISHED',
  'RESTARTING',
  'SUSPENDED',
  'RECONCILING',
];

const STATES: NodeState[] = [
  'idle',
  'starting',
  'running',
  'restarting',
  'reconnecting',
  'waiting',
  'draining',
  'stopped',
  'error',
];

export class PrometheusExporter {
  readonly registry = new Registry();
  private readonly nodeLabels: Map<string, { pipeline: string; node: string; type: string }>;
  private readonly edgeLabels: Map<string, { pipeline: string; edge: string; from: string; to: string }>;
  /** The cumulative figures of the last tick, to count on from. */
  private readonly last = new Map<string, number>();
  private server: Server | undefined;
  private readonly pipeline: string;

  private readonly counters;
  private readonly gauges;

  constructor(doc: PipelineDocument) {
    const pipeline = (this.pipeline = doc.name);
    this.nodeLabels = new Map(doc.nodes.map((n) => [n.id, { pipeline, node: n.id, type: n.type }]));
    this.edgeLabels = new Map(
      doc.edges.map((e) => [
        e.id,
        { pipeline, edge: e.id, from: `${e.from.node}.${e.from.port}`, to: `${e.to.node}.${e.to.port}` },
      ]),
    );
    const registers = [this.registry];
    const node = ['pipeline', 'node', 'type'] as const;
    const edge = ['pipeline', 'edge', 'from', 'to'] as const;
    const job = ['pipeline', 'job'] as const;
    const counter = (name: string, help: string, labelNames: readonly string[]) =>
      new Counter({ name, help, labelNames, registers });
    const gauge = (name: string, help: string, labelNames: readonly string[]) =>
      new Gauge({ name, help, labelNames, registers });
    this.counters = {
      recordsIn: counter('sluice_node_records_in_total', 'Records a node has taken in.', node),
      recordsOut: counter('sluice_node_records_out_total', 'Records a node has sent on.', node),
      errors: counter('sluice_node_errors_total', 'Record-level errors of a node.', node),
      dropped: counter('sluice_node_dropped_total', 'Records a node discarded by its own policy.', node),
      acknowledged: counter(
        'sluice_source_acknowledged_total',
        'Records of a source that everything downstream has finished with (at least once).',
        node,
      ),
      frames: counter('sluice_media_frames_total', 'Video frames a media node has encoded.', node),
      droppedFrames: counter('sluice_media_dropped_frames_total', 'Video frames dropped by a media group.', node),
      edgeDropped: counter('sluice_edge_dropped_total', 'Records a wire with the drop policy discarded.', edge),
      jobRestarts: counter('sluice_flink_job_restarts_total', 'Restarts of the Flink job since it was submitted.', job),
      checkpoints: counter('sluice_flink_checkpoints_completed_total', 'Checkpoints the Flink job completed.', job),
      checkpointsFailed: counter(
        'sluice_flink_checkpoints_failed_total',
        'Checkpoints of the Flink job that failed.',
        job,
      ),
    };
    this.gauges = {
      state: gauge('sluice_node_state', 'A node’s state: 1 for the state it is in.', [...node, 'state']),
      bytesIn: gauge(
        'sluice_node_bytes_in_per_second',
        'Bytes (approximate, as JSON) a node took in per second over the last tick.',
        node,
      ),
      bytesOut: gauge(
        'sluice_node_bytes_out_per_second',
        'Bytes (approximate, as JSON) a node sent on per second over the last tick.',
        node,
      ),
      p50: gauge('sluice_node_processing_seconds_p50', 'Median processing time per record over the last tick.', node),
      p99: gauge(
        'sluice_node_processing_seconds_p99',
        '99th percentile processing time per record over the last tick.',
        node,
      ),
      fps: gauge('sluice_media_fps', 'Frames per second of a media node.', node),
      bitrate: gauge('sluice_media_bitrate_bits_per_second', 'Bitrate of the encoded video.', node),
      behind: gauge(
        'sluice_kafka_consumer_behind_seconds',
        'How far behind live a Kafka source is: the age of the newest record it handled while more wait.',
        node,
      ),
      lag: gauge('sluice_kafka_consumer_lag_records', 'Records a Kafka source is behind the partition’s end.', [
        ...node,
        'topic',
        'partition',
      ]),
      watermark: gauge(
        'sluice_watermark_seconds',
        'A window’s (or a source’s) event-time watermark, seconds since the epoch.',
        node,
      ),
      watermarkTrail: gauge(
        'sluice_watermark_trail_seconds',
        'How far a window’s watermark trails the newest event it has seen.',
        node,
      ),
      idle: gauge(
        'sluice_kafka_partition_idle',
        'A Kafka source’s partition: 1 while idle (not holding the watermark back).',
        [...node, 'topic', 'partition'],
      ),
      queue: gauge('sluice_edge_queue_records', 'Records waiting on a wire.', edge),
      capacity: gauge('sluice_edge_queue_capacity_records', 'How many records may wait on a wire.', edge),
      queueBytes: gauge('sluice_edge_queue_bytes', 'Bytes (approximate) waiting on a wire.', edge),
      backpressure: gauge(
        'sluice_edge_backpressure_ratio',
        'Fraction of the last tick the wire’s queue was full (0 free, 1 fully back-pressured).',
        edge,
      ),
      jobState: gauge('sluice_flink_job_state', 'The Flink job’s state: 1 for the state it is in.', [...job, 'state']),
      checkpointsInProgress: gauge(
        'sluice_flink_checkpoints_in_progress',
        'Checkpoints of the Flink job under way.',
        job,
      ),
      checkpointDuration: gauge(
        'sluice_flink_checkpoint_last_duration_seconds',
        'How long the last completed checkpoint of the Flink job took.',
        job,
      ),
      checkpointSize: gauge(
        'sluice_flink_checkpoint_last_size_bytes',
        'The state size of the last completed checkpoint of the Flink job.',
        job,
      ),
      checkpointAt: gauge(
        'sluice_flink_checkpoint_last_completed_timestamp_seconds',
        'When the last checkpoint of the Flink job completed, seconds since the epoch.',
        job,
      ),
    };
    // Every series exists from the start (at 0), so that rates and absent-alerts see each node and wire.
    const c = this.counters;
    for (const labels of this.nodeLabels.values())
      for (const x of [c.recordsIn, c.recordsOut, c.errors, c.dropped, c.acknowledged]) x.inc(labels, 0);
    for (const labels of this.edgeLabels.values()) c.edgeDropped.inc(labels, 0);
    // process_resident_memory_bytes, process_cpu_seconds_total, nodejs_eventloop_lag_seconds, … under sluice_.
    collectDefaultMetrics({ register: this.registry, prefix: 'sluice_' });
  }

  /** Count on from a cumulative figure. */
  private add(c: Counter, key: string, labels: Record<string, string>, total: number | undefined): void {
    if (total === undefined) return;
    const before = this.last.get(key) ?? 0;
    if (total > before) c.inc(labels, total - before);
    this.last.set(key, Math.max(total, before));
  }

  /** Take a metrics tick. */
  update(tick: MetricsTick): void {
    const c = this.counters;
    const g = this.gauges;
    for (const [id, m] of Object.entries(tick.nodes)) {
      const labels = this.nodeLabels.get(id);
      if (!labels) continue;
      const k = (f: string) => `n\u0000${id}\u0000${f}`;
      this.add(c.recordsIn, k('in'), labels, m.recordsIn);
      this.add(c.recordsOut, k('out'), labels, m.recordsOut);
      this.add(c.errors, k('err'), labels, m.errors);
      this.add(c.dropped, k('drop'), labels, m.dropped);
      this.add(c.acknowledged, k('ack'), labels, m.acknowledged);
      for (const s of STATES) g.state.set({ ...labels, state: s }, m.state === s ? 1 : 0);
      g.bytesIn.set(labels, m.bytesInPerSec);
      g.bytesOut.set(labels, m.bytesOutPerSec);
      g.p50.set(labels, m.p50Ms / 1000);
      g.p99.set(labels, m.p99Ms / 1000);
      if (m.media) {
        this.add(c.frames, k('frames'), labels, m.media.frames);
        this.add(c.droppedFrames, k('dframes'), labels, m.media.dropped);
        g.fps.set(labels, m.media.fps);
        if (m.media.bitrateKbps !== undefined) g.bitrate.set(labels, m.media.bitrateKbps * 1000);
      }
      if (m.kafka?.behindSec !== undefined) g.behind.set(labels, m.kafka.behindSec);
      const part = (tp: string) => ({
        ...labels,
        topic: tp.slice(0, tp.lastIndexOf('/')),
        partition: tp.slice(tp.lastIndexOf('/') + 1),
      });
      for (const [tp, lag] of Object.entries(m.kafka?.lag ?? {})) g.lag.set(part(tp), lag);
      const et = m.eventTime;
      if (et?.watermark !== undefined) g.watermark.set(labels, et.watermark / 1000);
      if (et?.trailMs !== undefined) g.watermarkTrail.set(labels, et.trailMs / 1000);
      for (const [tp, c] of Object.entries(et?.partitions ?? {})) g.idle.set(part(tp), c.idle ? 1 : 0);
    }
    for (const [id, e] of Object.entries(tick.edges)) {
      const labels = this.edgeLabels.get(id);
      if (!labels) continue;
      this.add(c.edgeDropped, `e\u0000${id}`, labels, e.dropped);
      g.queue.set(labels, e.length);
      g.capacity.set(labels, e.capacity);
      g.queueBytes.set(labels, e.bytes);
      g.backpressure.set(labels, e.fullFraction);
    }
    if (tick.flink) this.updateJob(tick.flink);
  }

  /** A Flink job's own figures (a run deployed to Flink). */
  private updateJob(f: FlinkJobMetrics): void {
    const c = this.counters;
    const g = this.gauges;
    const labels = { pipeline: this.pipeline, job: f.jobId };
    const k = (x: string) => `j\u0000${f.jobId}\u0000${x}`;
    this.add(c.jobRestarts, k('restarts'), labels, f.restarts);
    this.add(c.checkpoints, k('completed'), labels, f.checkpoints.completed);
    this.add(c.checkpointsFailed, k('failed'), labels, f.checkpoints.failed);
    for (const s of new Set([...JOB_STATES, f.state])) g.jobState.set({ ...labels, state: s }, f.state === s ? 1 : 0);
    g.checkpointsInProgress.set(labels, f.checkpoints.inProgress);
    const last = f.checkpoints.last;
    if (last) {
      g.checkpointDuration.set(labels, last.durationMs / 1000);
      g.checkpointSize.set(labels, last.sizeBytes);
      g.checkpointAt.set(labels, last.at / 1000);
    }
  }

  /** An exporter of `doc`'s figures serving /metrics on `host:port`; resolves with it and the address to scrape. */
  static async serve(
    doc: PipelineDocument,
    port: number,
    host = '127.0.0.1',
  ): Promise<{ exporter: PrometheusExporter; url: string }> {
    const exporter = new PrometheusExporter(doc);
    return { exporter, url: `http://${host}:${await exporter.listen(port, host)}/metrics` };
  }

  /** Serve /metrics on `host:port`; resolves with the port (0 picks a free one). */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Sluice serves Prometheus metrics at /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(err.message),
      );
    });
    return new Promise((resolve, reject) => {
      this.server!.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            err.code === 'EADDRINUSE'
              ? `--metrics-port ${port}: the port is in use`
              : `--metrics-port ${port}: ${err.message}`,
          ),
        ),
      );
      this.server!.listen(port, host, () => resolve((this.server!.address() as { port: number }).port));
    });
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
