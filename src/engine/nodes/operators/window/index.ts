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
 * per key, window and partition — for keys that live on one partition (the topic keyed by the window's key).
 * Scaling windows beyond one process is Flink's job (`sluice deploy`): its keyed state is checkpointed there.
 */
import { defineNode } from '../../../contract/spec';
import { recordIn } from '../common';
import { windowConfig } from './config';
import { WindowOperator } from './local';
import { WindowShape } from './windows';

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
  create(cfg, ctx) {
    return new WindowOperator(new WindowShape(cfg, ctx));
  },
});
