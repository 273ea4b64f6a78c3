/**
 * A node's counters, read by the flow at every metrics tick, and the metrics computed from them.
 */
import { roundFine, roundRate, type NodeMetrics, type NodeState } from '../../shared/metrics';
import type { NodeAbilities } from '../contract/node';
import { LatencySampler } from './latency';

/** The counters a rate is computed from. */
export type CounterSnapshot = Pick<NodeCounters, 'recordsIn' | 'recordsOut' | 'bytesIn' | 'bytesOut'>;

/** Counters of one node. */
export class NodeCounters {
  recordsIn = 0;
  recordsOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  errors = 0;
  dropped = 0;
  /** Sources: records whose batch every node downstream has finished with (at-least-once bookkeeping). */
  acknowledged = 0;
  lastError: string | undefined;
  readonly counters: Record<string, number> = {};
  readonly latency = new LatencySampler();
}

/** A node's metrics over the last `seconds`, given its counters at the previous tick and its subsystem's figures. */
export function nodeMetrics(
  state: NodeState,
  s: NodeCounters,
  source: boolean,
  instance: NodeAbilities | undefined,
  prev: CounterSnapshot | undefined,
  seconds: number,
): NodeMetrics {
  const rate = (now: number, before: number | undefined): number => roundRate((now - (before ?? 0)) / seconds);
  const { p50, p99 } = s.latency.takeQuantiles();
  const m: NodeMetrics = {
    state,
    recordsInPerSec: rate(s.recordsIn, prev?.recordsIn),
    recordsOutPerSec: rate(s.recordsOut, prev?.recordsOut),
    bytesInPerSec: rate(s.bytesIn, prev?.bytesIn),
    bytesOutPerSec: rate(s.bytesOut, prev?.bytesOut),
    recordsIn: s.recordsIn,
    recordsOut: s.recordsOut,
    errors: s.errors,
    dropped: s.dropped,
    p50Ms: roundFine(p50),
    p99Ms: roundFine(p99),
  };
  if (source) m.acknowledged = s.acknowledged;
  if (s.lastError) m.lastError = s.lastError;
  if (Object.keys(s.counters).length) m.counters = { ...s.counters };
  const part = instance?.metrics?.();
  if (part)
    for (const [k, v] of Object.entries(part)) if (v !== undefined) (m as unknown as Record<string, unknown>)[k] = v;
  return m;
}
