/**
 * The context a node runner gives its node: every ability of the contract (each node's `create` says which of
 * them it uses), each a call back into the runner.
 */
import type { NodeState } from '../../shared/metrics';
import type { MediaNodeContext } from '../contract/media';
import type { Hold, Rec, SourceContext, Watermark } from '../contract/node';
import type { NodeCounters } from './node-counters';
import type { RunnerEvents, RunnerOptions } from './runner-options';

export type RunnerContext = SourceContext & MediaNodeContext;

/** What the context calls in its runner. */
export interface ContextHost {
  readonly id: string;
  readonly stats: NodeCounters;
  readonly failed: boolean;
  emitBatch(
    port: string,
    batch: Rec[],
    releases?: Hold[],
    acknowledged?: () => void,
    capturedAt?: number,
  ): Promise<void> | void;
  emitRecords(port: string, from: number, count: number, produce: (i: number) => Rec): Promise<void> | void;
  sendMark(mark: Watermark): Promise<void> | void;
  /** A hold on the batch being processed (or one that holds nothing). */
  holdCurrent(): Hold;
  showState(state: NodeState): void;
}

export function runnerContext(
  host: ContextHost,
  signal: AbortSignal,
  events: RunnerEvents,
  options: RunnerOptions,
): RunnerContext {
  const { stats } = host;
  const error = (message: string, record?: Rec): Promise<void> | void => {
    stats.errors++;
    stats.lastError = message;
    events.onError(host.id, message, stats.errors, record);
    const written = record && options.deadLetter?.(host.id, message, record);
    if (!written) return;
    // The batch being processed is acknowledged only once the record is in the dead-letter topic.
    const hold = host.holdCurrent();
    return written.then(
      () => hold.release(),
      (err: unknown) => {
        stats.errors++;
        events.onError(host.id, `could not write to the dead-letter topic: ${(err as Error).message}`, stats.errors);
      },
    );
  };
  return {
    nodeId: host.id,
    signal,
    exclusiveInput: options.exclusiveInput ?? false,
    media: options.media,
    eventTime: options.clocked ?? false,
    watermark: (mark) => host.sendMark(mark),
    emit: (port, batch, releases) => host.emitBatch(port, batch, releases),
    emitTracked: (port, batch, acknowledged) => host.emitBatch(port, batch, undefined, acknowledged),
    emitCaptured: (port, batch, capturedAt) => host.emitBatch(port, batch, undefined, undefined, capturedAt),
    hold: () => host.holdCurrent(),
    emitEach: (port, from, count, produce) => host.emitRecords(port, from, count, produce),
    error,
    status: (state) => {
      if (!host.failed) host.showState(state);
    },
    drop: (count) => {
      stats.dropped += count;
    },
    count: (name, n = 1) => {
      stats.counters[name] = (stats.counters[name] ?? 0) + n;
    },
  };
}
