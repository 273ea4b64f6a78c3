/** What the studio shows of Kafka: profiles, topics, messages, consumer groups and their lag. */

export interface KafkaProfileInfo {
  name: string;
  brokers: string[];
  /** The embedded development cluster (started by Sluice; development only). */
  local: boolean;
  /** The embedded cluster in words: a real Apache Kafka broker, or the mock cluster and why. */
  note?: string;
  /** The embedded cluster is librdkafka's mock (Java missing, or chosen): fewer features, said in `note`. */
  fallback?: boolean;
  sasl?: { mechanism: string; username: string };
  tls: boolean;
  /** Where its secret comes from, and whether it is set: the system's secret store (desktop app) or the environment. */
  secret?: { variable: string; set: boolean; store: 'system' | 'environment' };
}

/** A profile as kept in the settings (no secret). */
export interface KafkaProfileSettings {
  brokers: string[];
  clientId?: string;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string };
  tls?: { caFile?: string };
}

export interface ConnectionTest {
  ok: boolean;
  /** What worked or what failed, in words. */
  message: string;
  brokers: string[];
}

export interface TopicPartitionInfo {
  partition: number;
  low: number;
  high: number;
}

export interface TopicInfo {
  name: string;
  partitions: TopicPartitionInfo[];
  /** Messages held (high − low over all partitions). */
  messages: number;
}

export interface BrowsedMessage {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  /** The value as text: pretty-printed when it is JSON; base64 when it is not UTF-8 text (see `encoding`). */
  value: string | null;
  encoding: 'json' | 'text' | 'base64';
  headers: Record<string, string>;
  bytes: number;
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  committed: number | null;
  high: number;
  /** Records not yet read by the group. */
  lag: number;
  /** How far behind live the group is here: the age gap between the newest record and the next one it will read. */
  secondsBehind: number;
}

export interface GroupInfo {
  group: string;
  /** As the broker describes it: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead. */
  state: string;
  /** Its members now, as the broker knows them. */
  members: { clientId: string; host: string }[];
  partitions: GroupPartitionLag[];
  lag: number;
  secondsBehind: number;
}
