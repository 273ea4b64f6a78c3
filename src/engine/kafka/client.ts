/**
 * The one module that knows the Kafka client library (kafkajs 2.2): everything else speaks in our terms, so the
 * client can be swapped (e.g. for @confluentinc/kafka-javascript, whose API is KafkaJS-compatible).
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaConfig, type Producer, type SASLOptions } from 'kafkajs';
import type { KafkaProfile } from './profiles';

export type { Admin, Consumer, Producer };
export type { EachBatchPayload, IHeaders, Message } from 'kafkajs';

/** Reconnects back off exponentially from 300 ms up to 30 s between tries, without end (a node shows `reconnecting`). */
const RETRY = { initialRetryTime: 300, maxRetryTime: 30_000, retries: Number.MAX_SAFE_INTEGER, factor: 0.2, multiplier: 2 };

export function kafkaClient(profile: KafkaProfile, clientId = profile.clientId): Kafka {
  const config: KafkaConfig = { clientId, brokers: profile.brokers, logLevel: logLevel.NOTHING, retry: RETRY, connectionTimeout: 3000 };
  if (profile.tls) config.ssl = profile.tls.caFile ? { ca: [readFileSync(profile.tls.caFile, 'utf8')] } : true;
  if (profile.sasl) config.sasl = { mechanism: profile.sasl.mechanism, username: profile.sasl.username, password: profile.password ?? '' } as SASLOptions;
  return new Kafka(config);
}

/** A failed Kafka call in words: the broker's error name where it gave one. */
export function kafkaError(err: unknown): string {
  const e = err as { message?: string; type?: string; name?: string };
  const what = e.type && e.type !== 'UNKNOWN' ? `${e.type}: ` : '';
  return `${what}${e.message ?? String(err)}`;
}
