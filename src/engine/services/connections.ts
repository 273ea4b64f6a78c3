/**
 * Connections: the Kafka and Redis profiles (one ProfileService each) and the topic browser.
 */
import { StudioError, type StudioMethods, type StudioStreamServers } from '../../shared/api';
import type { KafkaProfileInfo, KafkaProfileSettings } from '../../shared/kafka';
import type { RedisProfileInfo, RedisProfileSettings } from '../../shared/redis';
import {
  consumerGroups,
  listProfiles,
  listTopics,
  sampleMessages,
  tailPartition,
  testConnection,
} from '../connectors/kafka/browser';
import { kafkaError } from '../connectors/kafka/client';
import { deleteProfile, readProfiles, saveProfile } from '../connectors/kafka/profiles';
import {
  deleteRedisProfile,
  listRedisProfiles,
  readRedisProfiles,
  redisSecretKey,
  redisSecretVariable,
  saveRedisProfile,
  testRedisConnection,
} from '../connectors/redis/profiles';
import { secretVariable } from '../connectors/settings';
import { ProfileService } from './profiles';

const kafkaProfiles = new ProfileService<KafkaProfileInfo>({
  label: 'Kafka',
  list: listProfiles,
  save: saveProfile,
  remove: deleteProfile,
  exists: (name) => !!readProfiles()[name],
  secretKey: (name) => name,
  secretVariable,
  test: testConnection,
});

const redisProfiles = new ProfileService<RedisProfileInfo>({
  label: 'Redis',
  list: listRedisProfiles,
  save: saveRedisProfile,
  remove: deleteRedisProfile,
  exists: (name) => !!readRedisProfiles()[name],
  secretKey: redisSecretKey,
  secretVariable: redisSecretVariable,
  test: testRedisConnection,
});

type KafkaMethods = Pick<
  StudioMethods,
  | 'kafkaProfiles'
  | 'kafkaSaveProfile'
  | 'kafkaDeleteProfile'
  | 'kafkaSetSecret'
  | 'kafkaTestConnection'
  | 'kafkaTopics'
  | 'kafkaSample'
  | 'kafkaGroups'
>;

export class KafkaConnections implements KafkaMethods, Pick<StudioStreamServers, 'kafkaTail'> {
  kafkaProfiles = () => kafkaProfiles.profiles();
  kafkaSaveProfile = (name: string, profile: KafkaProfileSettings) => kafkaProfiles.save(name, profile);
  kafkaDeleteProfile = (name: string) => kafkaProfiles.remove(name);
  kafkaSetSecret = (name: string, secret: string | null) => kafkaProfiles.setSecret(name, secret);
  kafkaTestConnection = (profile: string) => kafkaProfiles.test(profile);

  async kafkaTopics(profile: string) {
    return listTopics(profile).catch((err: unknown) => {
      throw new StudioError(`cannot list topics with profile "${profile}": ${kafkaError(err)}`, 'kafka');
    });
  }

  async kafkaSample(profile: string, topic: string, partition: number, count: number) {
    return sampleMessages(profile, topic, partition, count).catch((err: unknown) => {
      throw new StudioError(`cannot read ${topic}/${partition}: ${kafkaError(err)}`, 'kafka');
    });
  }

  async kafkaGroups(profile: string) {
    return consumerGroups(profile).catch((err: unknown) => {
      throw new StudioError(`cannot read the consumer groups with profile "${profile}": ${kafkaError(err)}`, 'kafka');
    });
  }

  /** The `kafkaTail` stream: new messages of a partition as they arrive. */
  kafkaTail(
    [profile, topic, partition]: [string, string, number],
    out: Parameters<StudioStreamServers['kafkaTail']>[1],
  ): () => void {
    return tailPartition(
      profile,
      topic,
      partition,
      (m) => out.send(m),
      (error) => out.end(error),
    );
  }
}

type RedisMethods = Pick<
  StudioMethods,
  'redisProfiles' | 'redisSaveProfile' | 'redisDeleteProfile' | 'redisSetSecret' | 'redisTestConnection'
>;

export class RedisConnections implements RedisMethods {
  redisProfiles = () => redisProfiles.profiles();
  redisSaveProfile = (name: string, profile: RedisProfileSettings) => redisProfiles.save(name, profile);
  redisDeleteProfile = (name: string) => redisProfiles.remove(name);
  redisSetSecret = (name: string, secret: string | null) => redisProfiles.setSecret(name, secret);
  redisTestConnection = (profile: string) => redisProfiles.test(profile);
}
