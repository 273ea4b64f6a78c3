/**
 * What a flow tells each of its node runners: the events it reports and the options it runs with.
 */
import type { NodeState } from '../../shared/metrics';
import type { Rec } from '../contract/node';
import type { MediaGroup } from '../media/group';
import type { Trace } from './trace';

export interface RunnerEvents {
  onState(nodeId: string, state: NodeState): void;
  onError(nodeId: string, message: string, count: number, record?: Rec): void;
}

export interface RunnerOptions {
  /** Time batches for the processing-time quantiles (default true). */
  timing?: boolean;
  /** A trace was started (the flow keeps the latest for the latency waterfall). */
  onTrace?: (trace: Trace) => void;
  /** Shared by the runners of a flow: how many wires are being watched (fusion steps aside while any is). */
  taps?: { active: number };
  exclusiveInput?: boolean;
  fusion?: boolean;
  media?: MediaGroup;
  /** Where a record a node reports with its error goes (a Kafka source's dead-letter topic), if anywhere. */
  deadLetter?: (nodeId: string, error: string, record: Rec) => Promise<void> | undefined;
  /** Every source upstream sends watermarks: see `NodeContext.eventTime`. */
  clocked?: boolean;
}
