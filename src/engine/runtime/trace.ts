/**
 * Latency traces: one source batch a second is followed through the flow — when each node received it, finished
 * with it and sent what it made of it — until everything derived from it is acknowledged (written by the sinks, or
 * accounted for by a window's result). The studio draws them as a waterfall. The batch carries its trace on its
 * at-least-once ticket, so following it costs a time reading per node it passes, and nothing for other batches.
 */
import type { LatencyTrace } from '../../shared/metrics';

/** A trace is started at most this often per source. */
export const TRACE_EVERY_MS = 1000;

export class Trace {
  private readonly marks = new Map<string, { inMs?: number; doneMs?: number; outMs?: number }>();
  private readonly t0 = performance.now();
  readonly startedAt = Date.now();
  ackMs: number | undefined;

  constructor(
    readonly id: number,
    readonly source: string,
    /** The event time of the batch's first record, when it has one (ms since the epoch). */
    readonly eventTime: number | undefined,
    /** Video: the media group's nodes that captured and encoded the frames, and the first frame's media time (s). */
    readonly captured?: { by: string[]; frameTime: number },
  ) {}

  /** A node received the batch (`in`), finished with it (`done`) or sent what it made of it (`out`): the first time counts. */
  mark(node: string, kind: 'inMs' | 'doneMs' | 'outMs'): void {
    let m = this.marks.get(node);
    if (!m) this.marks.set(node, (m = {}));
    if (m[kind] === undefined) m[kind] = Math.round((performance.now() - this.t0) * 1000) / 1000;
  }

  acknowledged(): void {
    this.ackMs = Math.round((performance.now() - this.t0) * 1000) / 1000;
  }

  toJSON(): LatencyTrace {
    return {
      id: this.id,
      source: this.source,
      startedAt: this.startedAt,
      ...(this.eventTime !== undefined ? { eventAgeMs: Math.max(0, this.startedAt - this.eventTime) } : {}),
      ...(this.captured ? { captured: this.captured } : {}),
      stages: [...this.marks].map(([node, m]) => ({ node, ...m })).sort((a, b) => (a.inMs ?? -1) - (b.inMs ?? -1)),
      ...(this.ackMs !== undefined ? { ackMs: this.ackMs } : {}),
    };
  }
}

/** Starts the traces of one source's batches: at most one every TRACE_EVERY_MS. */
export class SourceTracer {
  private lastAt = -Infinity;
  private static started = 0;

  constructor(
    private readonly nodeId: string,
    private readonly onTrace: (trace: Trace) => void,
    /** Video out of a media group: the nodes that captured and encoded it, and when its process started. */
    private readonly capture?: { by: string[]; startedAt: () => number },
  ) {}

  /** Whether the next batch should be followed for the latency waterfall. */
  due(): boolean {
    return performance.now() - this.lastAt >= TRACE_EVERY_MS;
  }

  /** Follow this batch (sent now); `capturedAt`: when the video it holds was captured. */
  start(batch: readonly unknown[], capturedAt?: number): Trace {
    this.lastAt = performance.now();
    const ts = capturedAt ?? (batch[0] as { ts?: unknown } | undefined)?.ts;
    // Video out of a media group: the frames were captured and encoded inside its one ffmpeg process.
    const captured =
      capturedAt !== undefined && this.capture
        ? { by: this.capture.by, frameTime: (capturedAt - this.capture.startedAt()) / 1000 }
        : undefined;
    const eventTime = typeof ts === 'number' && Number.isFinite(ts) ? ts : undefined;
    const trace = new Trace(++SourceTracer.started, this.nodeId, eventTime, captured);
    trace.mark(this.nodeId, 'outMs');
    this.onTrace(trace);
    return trace;
  }
}

/** A window's results go on with the trace of a batch they were computed from, if one was followed. */
export function tracedHold(holds: readonly object[]): Trace | undefined {
  for (const h of holds) {
    const trace = (h as { trace?: unknown }).trace;
    if (trace instanceof Trace) return trace;
  }
  return undefined;
}
