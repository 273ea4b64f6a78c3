/**
 * Redis connection profiles: named in pipelines, kept in the app's settings (`redis.profiles`), never in pipeline
 * files. The password comes from the system's secret store (desktop app) under `redis:<name>`, else from
 * `SLUICE_SECRET_REDIS_<NAME>`. The embedded profile `local` is a redis-server Sluice starts on first use.
 */
import { readFileSync } from 'node:fs';
import Redis, { type RedisOptions } from 'ioredis';
import type { ConnectionTest } from '../../../shared/kafka';
import type { RedisProfileInfo } from '../../../shared/redis';
import { z } from 'zod';
import {
  LOCAL_PROFILE,
  deleteSectionProfile,
  readSectionProfiles,
  saveSectionProfile,
  settingsPath,
} from '../settings';
import { secretStore } from '../../secrets/store';
import { localRedis } from './local';

export const redisProfileSchema = z.strictObject({
  /** redis:// or rediss:// (TLS); no password in it (validation and this schema refuse one). */
  url: z
    .string()
    .regex(
      /^rediss?:\/\/[^\s:@/]+(:\d+)?(\/\d+)?$/,
      'redis://host:port or rediss://host:port (TLS), optionally /db; the password comes from the secret store',
    ),
  username: z.string().min(1).optional(),
  tls: z
    .strictObject({
      /** rediss://: a PEM file of the CA that signed the server's certificate (else the system's). */
      caFile: z.string().min(1).optional(),
    })
    .optional(),
});

export type RedisProfileSettings = z.output<typeof redisProfileSchema>;
/** The Redis profiles in the settings file (`redis.profiles`), by name. */
export function readRedisProfiles(path = settingsPath()): Record<string, RedisProfileSettings> {
  return readSectionProfiles('redis', redisProfileSchema, path);
}

/** The key of a Redis profile's password in the secret store (apart from Kafka profiles of the same name). */
export const redisSecretKey = (name: string): string => `redis:${name}`;
/** The environment variable holding a Redis profile's password. */
export const redisSecretVariable = (name: string): string =>
  `SLUICE_SECRET_REDIS_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

const passwordOf = (name: string): string | undefined =>
  secretStore()?.get(redisSecretKey(name)) ?? process.env[redisSecretVariable(name)];

export function listRedisProfiles(): RedisProfileInfo[] {
  const store = secretStore() ? ('system' as const) : ('environment' as const);
  return [
    { name: LOCAL_PROFILE, url: '', local: true, tls: false },
    ...Object.entries(readRedisProfiles()).map(([name, p]) => ({
      name,
      url: p.url,
      local: false,
      tls: p.url.startsWith('rediss:'),
      ...(p.username ? { username: p.username } : {}),
      ...(p.tls?.caFile ? { caFile: p.tls.caFile } : {}),
      secret: { variable: redisSecretVariable(name), set: !!passwordOf(name), store },
    })),
  ];
}

export function saveRedisProfile(name: string, settings: unknown): void {
  saveSectionProfile('redis', 'the embedded redis-server', redisProfileSchema, name, settings);
}

export function deleteRedisProfile(name: string): void {
  deleteSectionProfile('redis', 'Redis', name);
}

/** Keep (or forget, with null) a profile's password in the secret store. */
/**
 * Connect with a profile: the URL and options ready for ioredis (not yet connected). A failure to find the profile
 * or its CA file is said in words.
 */
export async function redisConnection(
  name: string,
  options: RedisOptions = {},
): Promise<{ url: string; redis: Redis; hint: string }> {
  if (name === LOCAL_PROFILE) {
    const url = (await localRedis()).url;
    return { url, redis: new Redis(url, { ...options, lazyConnect: true }), hint: '' };
  }
  const profiles = readRedisProfiles();
  const p = profiles[name];
  if (!p)
    throw new Error(
      `no Redis connection profile "${name}" (profiles: ${[LOCAL_PROFILE, ...Object.keys(profiles)].map((n) => `"${n}"`).join(', ')}; they are kept in ${settingsPath()})`,
    );
  let tls: RedisOptions['tls'];
  if (p.tls?.caFile) {
    try {
      tls = { ca: readFileSync(p.tls.caFile) };
    } catch (err) {
      throw new Error(`Redis profile "${name}": cannot read its CA file ${p.tls.caFile}: ${(err as Error).message}`);
    }
  }
  const password = passwordOf(name);
  const hint = password
    ? ''
    : `; if it needs a password, set ${redisSecretVariable(name)} or keep it in the secret store`;
  return {
    url: p.url,
    hint,
    redis: new Redis(p.url, { ...options, ...(tls ? { tls } : {}), username: p.username, password, lazyConnect: true }),
  };
}

/**
 * Connect with a profile, or fail in words: the profile, its URL and the reason (ECONNREFUSED, ...) rather than
 * ioredis's "Connection is closed". Errors after connecting are the caller's to watch.
 */
export async function connectRedis(name: string, options: RedisOptions = {}): Promise<{ redis: Redis; url: string }> {
  const { redis, url, hint } = await redisConnection(name, options);
  let reason: Error | undefined;
  redis.on('error', (e: Error) => (reason = e));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `could not connect to Redis profile "${name}" (${url}): ${(reason ?? (err as Error)).message}${hint}`,
    );
  }
  return { redis, url };
}

/** Connect with a profile and say what worked or what failed, in words. */
export async function testRedisConnection(name: string): Promise<ConnectionTest> {
  let url = '';
  try {
    const c = await redisConnection(name, { maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000 });
    url = c.url;
    // ioredis rejects connect() with "Connection is closed."; the reason (ECONNREFUSED, ...) comes as an event.
    let reason: Error | undefined;
    c.redis.on('error', (e: Error) => (reason = e));
    try {
      await c.redis.connect();
      const info = await c.redis.info('server');
      const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
      const mode = /redis_mode:(\S+)/.exec(info)?.[1] ?? 'standalone';
      return {
        ok: true,
        brokers: [url],
        message: `connected: Redis ${version} (${mode}) at ${url.replace(/^rediss?:\/\//, '')}`,
      };
    } catch (err) {
      return {
        ok: false,
        brokers: [url],
        message: `could not connect with profile "${name}" (${url}): ${(reason ?? (err as Error)).message}${c.hint}`,
      };
    } finally {
      c.redis.disconnect();
    }
  } catch (err) {
    return { ok: false, brokers: url ? [url] : [], message: (err as Error).message };
  }
}
