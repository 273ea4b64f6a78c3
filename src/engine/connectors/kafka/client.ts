/**
 * The one module that knows the Kafka client library (kafkajs 2.2): everything else speaks in our terms, so the
 * client can be swapped (e.g. for @confluentinc/kafka-javascript, whose API is KafkaJS-compatible).
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaConfig, type Producer, type SASLOptions } from 'kafkajs';
import type { KafkaProfile } from './profiles';

export type { Admin, Consumer, Kafka, Producer };
export type { EachBatchPayload, IHeaders, Message, PartitionAssigner } from 'kafkajs';
export { AssignerProtocol } from 'kafkajs';

/** Reconnects back off exponentially from 300 ms up to 30 s between tries, without end (a node shows `reconnecting`). */
const RETRY = {
  initialRetryTime: 300,
  maxRetryTime: 30_000,
  retries: Number.MAX_SAFE_INTEGER,
  factor: 0.2,
  multiplier: 2,
};

/**
 * A client for a profile. `onTrouble` hears why a connection to the brokers failed, each time kafkajs tries again
 * (refused, TLS, authentication), in words a user can act on.
 */
export function kafkaClient(
  profile: KafkaProfile,
  clientId = profile.clientId,
  retry: Partial<typeof RETRY> = {},
  onTrouble?: (reason: string) => void,
): Kafka {
  const config: KafkaConfig = {
    clientId,
    brokers: profile.brokers,
    logLevel: onTrouble ? logLevel.ERROR : logLevel.NOTHING,
    logCreator: () => (entry) => {
      if (onTrouble && entry.namespace === 'BrokerPool') onTrouble(connectionTrouble(entry.log.message, profile));
    },
    retry: { ...RETRY, ...retry },
    connectionTimeout: 3000,
  };
  if (profile.tls) config.ssl = profile.tls.caFile ? { ca: [readFileSync(profile.tls.caFile, 'utf8')] } : true;
  if (profile.sasl)
    config.sasl = {
      mechanism: profile.sasl.mechanism,
      username: profile.sasl.username,
      password: profile.password ?? '',
    } as SASLOptions;
  return new Kafka(config);
}

const SEED_RETRY = 'Failed to connect to seed broker, trying another broker from the list: ';

/** A connection failure as kafkajs logs it, with what to check in the profile where the cause is known. */
export function connectionTrouble(message: string, profile: Pick<KafkaProfile, 'tls' | 'sasl'>): string {
  const m = message.startsWith(SEED_RETRY) ? message.slice(SEED_RETRY.length) : message;
  if (/certificate|self.signed|SSL routines|EPROTO/i.test(m))
    return `${m} (TLS: is the brokers' certificate signed by the CA in the profile's tls.caFile${profile.tls?.caFile ? `, ${profile.tls.caFile}` : ''}?)`;
  if (/^Closed connection$/.test(m) && !profile.tls && !profile.sasl)
    return `${m} by the broker (does its listener expect TLS or SASL? the profile has neither)`;
  return m;
}

/** A failed Kafka call in words: the broker's error name where it gave one. */
export function kafkaError(err: unknown): string {
  const e = err as { message?: string; type?: string; name?: string };
  const what = e.type && e.type !== 'UNKNOWN' ? `${e.type}: ` : '';
  return `${what}${e.message ?? String(err)}`;
}

/** A message as read by the topic browser. */
export interface FetchedMessage {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  timestamp: number;
}

interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(q: { nodeId: string }): Promise<{
    fetch(r: object): Promise<{
      responses: {
        topicName: string;
        partitions: {
          partition: number;
          errorCode: number;
          highWatermark: string;
          messages: {
            offset: string;
            key: Buffer | null;
            value: Buffer | null;
            headers?: FetchedMessage['headers'];
            timestamp: string;
          }[];
        }[];
      }[];
    }>;
  }>;
}

/**
 * Reads a partition at any offset straight from its leader, without a consumer group (no join, no group left
 * behind): what the topic browser needs. kafkajs's consumer only reads through a group, so this uses the cluster
 * object kafkajs keeps behind a private symbol — the same one its consumer fetches through; a test pins it.
 */
export class PartitionReader {
  private cluster: InternalCluster | undefined;

  constructor(private readonly kafka: Kafka) {}

  private async open(topic: string): Promise<InternalCluster> {
    if (!this.cluster) {
      const create = Object.getOwnPropertySymbols(this.kafka).find(
        (s) => s.description === 'private:Kafka:createCluster',
      );
      if (!create)
        throw new Error(
          'this kafkajs version keeps no cluster to read partitions through (the topic browser needs kafkajs 2.x)',
        );
      const cluster = (this.kafka as unknown as Record<symbol, (o: object) => InternalCluster>)[create]!({
        allowAutoTopicCreation: false,
      });
      await cluster.connect();
      this.cluster = cluster;
    }
    await this.cluster.addTargetTopic(topic);
    return this.cluster;
  }

  /** Messages of a partition from `offset` (at most about `maxBytes`), and the partition's high watermark. */
  async read(
    topic: string,
    partition: number,
    offset: number,
    maxBytes = 1 << 20,
    maxWaitMs = 0,
  ): Promise<{ messages: FetchedMessage[]; high: number }> {
    const cluster = await this.open(topic);
    const leaders = cluster.findLeaderForPartitions(topic, [partition]);
    const leader = Object.keys(leaders)[0];
    if (leader === undefined) throw new Error(`${topic} has no partition ${partition} (or it has no leader now)`);
    const broker = await cluster.findBroker({ nodeId: leader });
    const res = await broker.fetch({
      maxWaitTime: maxWaitMs,
      minBytes: 1,
      maxBytes,
      topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
    });
    const p = res.responses[0]?.partitions[0];
    if (!p) return { messages: [], high: offset };
    const messages = p.messages
      .filter((m) => Number(m.offset) >= offset)
      .map((m) => ({
        offset: Number(m.offset),
        key: m.key,
        value: m.value,
        headers: m.headers ?? {},
        timestamp: Number(m.timestamp),
      }));
    return { messages, high: Number(p.highWatermark) };
  }

  async close(): Promise<void> {
    await this.cluster?.disconnect().catch(() => undefined);
    this.cluster = undefined;
  }
}
