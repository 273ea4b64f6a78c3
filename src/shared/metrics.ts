/**
 * Live metrics: one tick every 250 ms carries every node and edge, never one message per record.
 */
import type { FlinkJobMetrics } from './flink';
export const METRICS_INTERVAL_MS = 250;

/**
 * A per-second rate as ticks carry it: whole numbers from 100 up, one decimal below. Seventeen-digit floats made
 * a large pipeline's tick big enough that every one landed in the browser's large-object space.
 */
export const roundRate = (perSec: number): number =>
  perSec >= 100 ? Math.round(perSec) : Math.round(perSec * 10) / 10;

/** Milliseconds to the microsecond, fractions to 0.1 %. */
export const roundFine = (x: number): number => Math.round(x * 1000) / 1000;

export type NodeState =
  | 'idle'
  | 'starting'
  | 'running'
  | 'restarting'
  | 'reconnecting'
  /** A live ingest between publishers: listening, nobody publishing. */
  | 'waiting'
  | 'draining'
  | 'stopped'
  | 'error';

/** A media node's figures, from its ffmpeg process's progress. */
export interface MediaNodeMetrics {
  frames: number;
  fps: number;
  /** Of the encoded video; absent where it cannot be known (several outputs and no preview to measure it on). */
  bitrateKbps?: number;
  /** Encoding speed relative to real time. */
  speed: number;
  dropped: number;
  duplicated: number;
  /** Dropped frames against OBS's thresholds: warn above 1 %, error above 5 %. */
  dropLevel: 'ok' | 'warn' | 'error';
  /** The encoder the group uses. */
  encoder?: string;
  /** Restarts of the process after crashes, in this run. */
  restarts?: number;
  /** A live ingest (its source node only): the publisher, and the gaps between publishers. */
  ingest?: IngestMetrics;
  /** An encoder ladder's renditions as they come out (measured on their preview streams: the studio's runs). */
  renditions?: { height: number; targetKbps: number; fps?: number; bitrateKbps?: number }[];
  /** A stream-publish sink: whether the receiver takes the stream, what it was sent and what was dropped meanwhile. */
  publish?: { connected: boolean; sentBytes: number; droppedBytes: number };
}

/** What a live ingest's node shows. */
export interface IngestMetrics {
  /** Where publishers connect (no secrets). */
  url: string;
  /** Listening, nobody publishing. */
  waiting: boolean;
  /** What the publisher sends, as ffmpeg read it. */
  publisher?: { codec: string; width: number; height: number; fps?: number; audio?: string };
  /** Publisher → ingest, kbit/s (RTMP, measured at the door). */
  bitrateKbps?: number;
  /** Times a publisher left and one came back, and the seconds lost between. */
  gaps: number;
  gapSeconds: number;
  /** Publishers turned away (wrong key or passphrase, another already live). */
  refused: number;
}

/** A Kafka node's figures. */
export interface KafkaNodeMetrics {
  /** Consumer lag per partition (`topic/partition` → records behind the high watermark). */
  lag?: Record<string, number>;
  /** Seconds behind live: of the partitions with records left to read, how old the newest record handled is. */
  behindSec?: number;
}

/**
 * Event time (watermarks) at a window or a source that sends them. Times are ms since the epoch; absent until known.
 */
export interface EventTimeMetrics {
  /** The node's watermark: a window's is its input's clock minus its delay; a source's, the clock it sends. */
  watermark?: number;
  /** The newest event time the node has seen. */
  newest?: number;
  /** How far the watermark trails the newest event, ms. */
  trailMs?: number;
  /** What holds the watermark back, e.g. `read room-events/2` (the slowest partition that is not idle). */
  heldBy?: string;
  /** Idle partitions upstream: they do not hold the watermark back until they have records again. */
  idle?: string[];
  /** A Kafka source: each partition's clock (`topic/partition` → largest event time seen, and whether it is idle). */
  partitions?: Record<string, { time?: number; idle: boolean }>;
  /** A source's idle timeout (ms; 0: partitions never go idle). */
  idleTimeoutMs?: number;
}

export interface NodeMetrics {
  state: NodeState;
  /** Records per second over the last tick. */
  recordsInPerSec: number;
  recordsOutPerSec: number;
  bytesInPerSec: number;
  bytesOutPerSec: number;
  recordsIn: number;
  recordsOut: number;
  errors: number;
  /** Records this node chose to drop (e.g. late records with nowhere to go). */
  dropped: number;
  /** Processing time per record over the last tick, milliseconds. */
  p50Ms: number;
  p99Ms: number;
  lastError?: string;
  /**
   * Sources: records every node downstream has finished with, including what was derived from them (a window's
   * result, a sink's completed write): the at-least-once bookkeeping. `recordsOut - acknowledged` are in flight.
   */
  acknowledged?: number;
  /** Node-specific counters, e.g. `late` for a window. */
  counters?: Record<string, number>;
  /** Media nodes: the figures of their ffmpeg process. */
  media?: MediaNodeMetrics;
  kafka?: KafkaNodeMetrics;
  /** Windows and sources that send watermarks. */
  eventTime?: EventTimeMetrics;
}

export interface EdgeMetrics {
  length: number;
  capacity: number;
  bytes: number;
  /** The fraction of the last tick during which the queue was full: 0 is free flowing, 1 is fully back-pressured. */
  fullFraction: number;
  recordsPerSec: number;
  dropped: number;
}

export interface MetricsTick {
  runId: string;
  seq: number;
  /** Wall-clock time of the tick, ms since the epoch. */
  time: number;
  elapsedMs: number;
  nodes: Record<string, NodeMetrics>;
  edges: Record<string, EdgeMetrics>;
  /** A run whose data part is deployed to Flink: the job's own figures. */
  flink?: FlinkJobMetrics;
}

/**
 * One source batch followed through the flow: for each node it reached, when (ms after the source sent it) the node
 * received it, finished with it and sent on what it made of it; and when everything derived from it was acknowledged.
 */
export interface LatencyTrace {
  id: number;
  source: string;
  /** Wall-clock time the source sent it. */
  startedAt: number;
  /** How old its first record's event time was when the source sent it (video: since its first frame was captured). */
  eventAgeMs?: number;
  /**
   * Video fragments out of a media group: the nodes that captured and encoded them inside the group's ffmpeg process
   * (capture first), and the media time of the first frame (s since the process started).
   */
  captured?: { by: string[]; frameTime: number };
  stages: { node: string; inMs?: number; doneMs?: number; outMs?: number }[];
  /** Not yet acknowledged while absent (a window may hold it until its watermark passes). */
  ackMs?: number;
}
