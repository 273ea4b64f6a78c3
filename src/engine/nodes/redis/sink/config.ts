/**
 * The Redis sink's config: the connection profile, the mode, and the JSONata templates of each command.
 */
import { z } from 'zod';
import { LOCAL_PROFILE } from '../../../connectors/settings';

export const redisSinkConfig = z.strictObject({
  profile: z
    .string()
    .min(1)
    .default(LOCAL_PROFILE)
    .describe(
      'The Redis connection: "local" is a redis-server Sluice starts itself (development only); others are kept in the app’s settings (redis.profiles: url, username, tls.caFile), their password in the secret store or SLUICE_SECRET_REDIS_<PROFILE>.',
    ),
  mode: z
    .enum(['counter', 'hash', 'leaderboard', 'stream', 'publish', 'value'])
    .describe(
      'counter: INCRBY key (or HINCRBY key field); hash: HSET key field value; leaderboard: ZINCRBY key by member; stream: XADD key MAXLEN ~ n; publish: PUBLISH channel; value: SET key (EX ttl).',
    ),
  key: z.string().min(1).describe('JSONata: the key (or channel), e.g. "likes:" & room.'),
  field: z
    .string()
    .optional()
    .describe('JSONata: the hash field (counter with a field uses HINCRBY; hash mode needs it).'),
  member: z.string().optional().describe('JSONata: the leaderboard member, e.g. user.'),
  by: z.string().optional().describe('JSONata: the increment for counter and leaderboard (default 1), e.g. coins.'),
  value: z
    .string()
    .optional()
    .describe(
      'JSONata: the value for hash, value and publish (default: the record as JSON); stream: the fields as an object (default: the record).',
    ),
  ttlSeconds: z.number().int().min(1).optional().describe('value mode: expire after this long.').meta({ unit: 's' }),
  maxLen: z.number().int().min(1).default(10_000).describe('stream mode: keep about this many entries (MAXLEN ~).'),
});

export type RedisSinkConfig = z.output<typeof redisSinkConfig>;
