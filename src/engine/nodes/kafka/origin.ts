/**
 * Where a record read from Kafka came from: the Kafka source puts it under `_kafka` (topic, partition, offset, key,
 * headers, timestamp); windows with `scope: partition` keep their state per partition by it, and a Kafka sink can
 * write it on (`keepKafkaField`).
 */

/** The field a record read from Kafka carries its origin under. */
export const KAFKA_FIELD = '_kafka';

/** The part of `_kafka` that says which partition a record came from. */
export interface KafkaOrigin {
  topic: string;
  partition: number;
  offset: number;
}
