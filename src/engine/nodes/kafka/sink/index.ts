/**
 * `kafka-sink`: records (as JSON) or bytes to a Kafka topic. A record is acknowledged upstream only when the broker
 * has it (with the acks asked for), so a Kafka source before it commits only what is written. While the brokers are
 * away the sends wait and retry with backoff (the node shows `reconnecting`), and upstream waits with them.
 */
import { defineNode } from '../../../contract/spec';
import { lintExpression } from '../../../expression/expression';
import { kafkaSinkConfig } from './config';
import { KafkaTopicSink } from './sink';

export default defineNode({
  type: 'kafka-sink',
  category: 'kafka',
  title: 'Kafka sink',
  description:
    'Writes records (as JSON) or bytes to a Kafka topic; a record counts as handled once the brokers have it.',
  inputs: [
    { name: 'in', type: 'record', description: 'Records, written as JSON values.' },
    { name: 'bytes', type: 'bytes', description: 'Bytes, written as they are.' },
  ],
  outputs: [],
  config: kafkaSinkConfig,
  lint(cfg, report) {
    if (cfg.key) lintExpression(cfg.key, 'key', report);
    if (cfg.partition) lintExpression(cfg.partition, 'partition', report);
    for (const [name, expr] of Object.entries(cfg.headers)) lintExpression(expr, `headers.${name}`, report);
  },
  create: (cfg, ctx) => new KafkaTopicSink(cfg, ctx),
});
