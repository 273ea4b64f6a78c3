/**
 * `window`: tumbling or sliding windows on event time, with watermarks and allowed lateness (Flink's model).
 *
 * The watermark is the event-time clock of the window's input minus `watermarkDelayMs` (bounded out-of-orderness).
 * The clock comes from the sources, in order with the records (runtime/watermark.ts): a Kafka source keeps the
 * largest event time seen per partition and sends the minimum over its partitions that are not idle; a node fed by
 * several wires takes the minimum over them. So a partition read behind the others holds the watermark back instead
 * of having its records counted late, exactly as Flink's per-partition watermarks do. (Where a source upstream sends
 * no clock, the window keeps its own: the largest event time it has seen.) A window [start, end) fires when the
 * watermark reaches `end`; it is kept `allowedLatenessMs` longer, and a record that arrives in that time updates it
 * and fires it again. A record whose every window has been purged is late: it is counted and sent to the `late`
 * port. When the input ends, every open window fires. The window sends its watermark on to the nodes after it.
 *
 * `scope: all` (the default) gives one result per key and window, whatever partitions the key's records came from.
 * `scope: partition` keeps windows and a watermark per Kafka partition the records came from (`_kafka`): one result
 * per key, window and partition — for keys that live on one partition (the topic keyed by the window's key), and
 * what consumer-group workers need. In a worker run (`sluice run --worker`) that state is checkpointed per
 * partition to the workers' store; the records' acknowledgements are released once a checkpoint holding them is
 * saved (and every result emitted before it has been acknowledged), so the source commits past records still in
 * open windows; a worker that receives the partition restores the state and skips the records before its offset. A
 * stopping worker saves its windows instead of firing them: the next owner goes on with them.
 */
import { defineNode } from '../../../contract/spec';
import type { WorkerNodeContext } from '../../../contract/node';
import { recordIn } from '../common';
import { windowConfig } from './config';
import { WindowOperator } from './local';
import { WindowShape } from './windows';
import { WorkerWindows } from './worker';

export type { WindowConfig } from './config';

export const WINDOW = 'window';

export default defineNode({
  type: WINDOW,
  category: 'operators',
  title: 'Window',
  description:
    'Tumbling or sliding windows on event time with watermarks and allowed lateness; count, sum, min, max, avg and top-N per key. Late records are counted and sent to the `late` port.',
  inputs: recordIn,
  outputs: [
    {
      name: 'out',
      type: 'record',
      description: 'One record per key and window: {key, windowStart, windowEnd, ts, ...aggregates}.',
    },
    { name: 'late', type: 'record', description: 'Records that arrived after their windows were purged.' },
  ],
  config: windowConfig,
  chainable: true,
  create(cfg, ctx: WorkerNodeContext) {
    const shape = new WindowShape(cfg, ctx);
    const worker = cfg.scope === 'partition' ? ctx.worker : undefined;
    return worker ? new WorkerWindows(shape, worker) : new WindowOperator(shape);
  },
});
