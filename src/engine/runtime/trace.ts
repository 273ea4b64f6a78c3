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
