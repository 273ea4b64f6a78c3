/**
 * Records by the Kafka partition they came from, and the window's watermark figures over its sets of windows.
 */
import type { EventTimeMetrics } from '../../../../shared/metrics';
import type { Rec, Watermark } from '../../../contract/node';
import { KAFKA_FIELD, type KafkaOrigin } from '../../kafka/origin';

/** Whether two records' origins are the same partition (or both not from Kafka). */
function samePartition(a: KafkaOrigin | undefined, b: KafkaOrigin | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.partition === b.partition && a.topic === b.topic;
}

export const partKey = (o: { topic: string; partition: number }): string => `${o.topic}\u0000${o.partition}`;

/**
 * Call `fn` for each run of records from one partition, `batch[i]` .. `batch[j - 1]` (a Kafka source's batch is one
 * partition; records not read from Kafka make runs with no origin).
 */
export function forEachPartitionRun(
  batch: Rec[],
  fn: (origin: KafkaOrigin | undefined, i: number, j: number) => void,
): void {
  for (let i = 0; i < batch.length; ) {
    const origin = batch[i]![KAFKA_FIELD] as KafkaOrigin | undefined;
    let j = i + 1;
    // (Records not read from Kafka, the common case outside Kafka pipelines, without a call per record.)
    if (origin === undefined) while (j < batch.length && batch[j]![KAFKA_FIELD] === undefined) j++;
    else while (j < batch.length && samePartition(origin, batch[j]![KAFKA_FIELD] as KafkaOrigin | undefined)) j++;
    fn(origin, i, j);
    i = j;
  }
}

/**
 * The window's watermark figures: of its one set of windows, or of the partitions' (the lowest watermark, the
 * newest event), with what holds the input's clock back and which partitions upstream are idle.
 */
export function windowTimes(
  sets: [string, { times(): { watermark: number; newest: number } }][],
  clock: Watermark | undefined,
): EventTimeMetrics | undefined {
  let watermark = Infinity;
  let newest = -Infinity;
  let lowest: string | undefined;
  for (const [k, w] of sets) {
    const t = w.times();
    if (t.watermark < watermark) [watermark, lowest] = [t.watermark, k];
    if (t.newest > newest) newest = t.newest;
  }
  if (!sets.length) return undefined;
  const m: EventTimeMetrics = {};
  if (Number.isFinite(watermark)) m.watermark = watermark;
  if (Number.isFinite(newest)) m.newest = newest;
  if (m.watermark !== undefined && m.newest !== undefined) m.trailMs = Math.max(0, m.newest - m.watermark);
  const heldBy = clock?.heldBy ?? (lowest ? lowest.replace('\u0000', '/') : undefined);
  if (heldBy) m.heldBy = heldBy;
  if (clock?.idleParts?.length) m.idle = [...clock.idleParts];
  return m;
}
