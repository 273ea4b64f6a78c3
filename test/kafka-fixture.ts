/**
 * The `local` profile's Kafka cluster for a test file — a real Apache Kafka broker (KRaft), as the studio runs it —
 * started before its tests (the nodes connect to it through the profile) and stopped after. The tests reach it
 * directly too.
 */
import { afterAll, beforeAll } from 'vitest';
import { localCluster, type DevCluster } from '../src/engine/connectors/kafka/local';
import type { KafkaProfile } from '../src/engine/connectors/kafka/profiles';

export interface LocalKafka {
  readonly cluster: DevCluster;
  /** A profile for clients of the tests' own (producers, admins) on the same cluster. */
  profile(): KafkaProfile;
}

export function localKafka(): LocalKafka {
  let cluster: DevCluster | undefined;
  beforeAll(async () => {
    cluster = await localCluster();
    if (cluster.kind !== 'broker') throw new Error('the tests run on the real Kafka broker: run scripts/setup.sh');
  }, 120_000);
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
