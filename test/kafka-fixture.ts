/**
 * The `local` profile's Kafka cluster (librdkafka's mock cluster) for a test file: started before its tests — the
 * nodes connect to it through the profile — and stopped after. The tests reach it directly too.
 */
import { afterAll, beforeAll } from 'vitest';
import type { MockCluster } from '../src/engine/connectors/kafka/mock';
import { localCluster, type KafkaProfile } from '../src/engine/connectors/kafka/profiles';

export interface LocalKafka {
  readonly cluster: MockCluster;
  /** A profile for clients of the tests' own (producers, admins) on the same cluster. */
  profile(): KafkaProfile;
}

export function localKafka(): LocalKafka {
  let cluster: MockCluster | undefined;
  beforeAll(async () => {
    cluster = await localCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('the local Kafka cluster is started before the tests');
      return cluster;
    },
    profile() {
      return { name: 'local', local: true, brokers: this.cluster.brokers, clientId: 'test' };
    },
  };
}
