/**
 * `kafka-source`: records from Kafka topics, as a member of a consumer group, at least once: a partition's offset
 * is committed only once every record read from it before that offset has been handled by every node downstream
 * (see kafka/offsets.ts). A record that cannot be read (bad JSON) goes to the dead-letter topic, with headers
 * naming this node, the error and where it came from; the rest flow on.
 */
import { defineNode } from '../../../contract/spec';
import type { SourceContext } from '../../../contract/node';
import { KAFKA_FIELD } from '../origin';
import { kafkaSourceConfig } from './config';
import { KafkaTopicSource } from './source';

export type { KafkaSourceConfig } from './config';
export { KAFKA_FIELD };

export default defineNode({
  type: 'kafka-source',
  category: 'kafka',
  title: 'Kafka source',
  description:
    'Reads Kafka topics as a consumer group member, at least once: offsets are committed only after every sink downstream has the records. Sends watermarks as Flink’s Kafka source does: the largest event time per partition, the minimum over the partitions that are not idle.',
  inputs: [],
  outputs: [
    {
      name: 'out',
      type: 'record',
      description:
        'json: the value, with _kafka {topic, partition, offset, key, headers, timestamp}; string: {value, _kafka}.',
    },
    { name: 'bytes', type: 'bytes', description: 'bytes: each value as it is.' },
  ],
  config: kafkaSourceConfig,
  eventTime: true,
  lint(cfg, report) {
    if (cfg.topics.length === 0 && !cfg.pattern) report('topics', 'name at least one topic, or a pattern');
    if (cfg.pattern) {
      try {
        new RegExp(cfg.pattern);
      } catch (err) {
        report('pattern', `not a regular expression: ${(err as Error).message}`);
      }
    }
    if (cfg.start === 'timestamp' && cfg.startTimestamp === undefined)
      report('startTimestamp', 'start: timestamp needs the time to start from');
  },
  create: (cfg, ctx: SourceContext) => new KafkaTopicSource(cfg, ctx),
});
