/**
 * Kafka connection profiles: named in pipelines, kept in the app's settings — never in pipeline files. Secrets
 * (SASL passwords) come from the environment (`SLUICE_SECRET_<PROFILE>`) for the CLI and the web host; the desktop
 * app keeps them with Electron's safeStorage and hands them over the same way.
 *
 * The embedded profile `local` is a development cluster started on first use (librdkafka's mock cluster, see
 * mock.ts): the demo runs on a fresh machine with no broker. It is development only, and says so.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { MockCluster } from './mock';
import { secretStore } from '../../secrets/store';

export const LOCAL_PROFILE = 'local';

const profileSchema = z.strictObject({
  brokers: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'host:port')).min(1),
  clientId: z.string().min(1).default('sluice'),
  sasl: z
    .strictObject({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string().min(1),
    })
    .optional(),
  tls: z
    .strictObject({
      /** A PEM file of the CA that signed the brokers' certificates (else the system's). */
      caFile: z.string().optional(),
    })
    .optional(),
});

export type KafkaProfileSettings = z.output<typeof profileSchema>;

/** A profile ready to connect with: brokers resolved (the local cluster started), the secret read. */
export interface KafkaProfile extends KafkaProfileSettings {
  name: string;
  /** The embedded development cluster. */
  local: boolean;
  password?: string;
}

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

const settingsSchema = z.object({
  kafka: z.object({ profiles: z.record(z.string(), profileSchema).default({}) }).default({ profiles: {} }),
  redis: z.object({ profiles: z.record(z.string(), redisProfileSchema).default({}) }).default({ profiles: {} }),
});

/** The settings file: $SLUICE_SETTINGS, else $XDG_CONFIG_HOME/sluice/settings.json, else ~/.config/sluice/settings.json. */
export const settingsPath = (): string =>
  process.env.SLUICE_SETTINGS ??
  join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'sluice', 'settings.json');

/** The Redis profiles in the settings file (`redis.profiles`), by name. */
export function readRedisProfiles(path = settingsPath()): Record<string, RedisProfileSettings> {
  return readSettingsFile(path).redis.profiles;
}

/** The profiles in the settings file, by name (the embedded `local` is not among them). */
export function readProfiles(path = settingsPath()): Record<string, KafkaProfileSettings> {
  return readSettingsFile(path).kafka.profiles;
}

function readSettingsFile(path: string): z.output<typeof settingsSchema> {
  if (!existsSync(path)) return settingsSchema.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${path}: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

/** The settings file as JSON (other settings kept as they are). */
function readSettings(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  readProfiles(path); // says what is wrong with it, if anything
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Add or replace a profile in the settings file (written whole, then renamed: never half-written). */
export function saveProfile(name: string, settings: unknown, path = settingsPath()): void {
  saveSectionProfile('kafka', 'the embedded development cluster', profileSchema, name, settings, path);
}

export function deleteProfile(name: string, path = settingsPath()): void {
  deleteSectionProfile('kafka', 'Kafka', name, path);
}

/** Add or replace a profile of a section (`kafka`, `redis`) of the settings file. */
export function saveSectionProfile(
  section: 'kafka' | 'redis',
  local: string,
  schema: z.ZodType,
  name: string,
  settings: unknown,
  path = settingsPath(),
): void {
  if (name === LOCAL_PROFILE) throw new Error(`"${LOCAL_PROFILE}" is ${local}; give this profile another name`);
  if (!/^[\w.-]{1,64}$/.test(name))
    throw new Error(`"${name}" is not a profile name: letters, digits, . _ - (up to 64)`);
  const parsed = schema.safeParse(settings);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`profile "${name}": ${i.path.join('.') || 'settings'}: ${i.message}`);
  }
  const all = readSettings(path);
  const current = (all[section] ?? {}) as { profiles?: Record<string, unknown> };
  all[section] = { ...current, profiles: { ...(current.profiles ?? {}), [name]: parsed.data } };
  writeSettings(path, all);
}

export function deleteSectionProfile(
  section: 'kafka' | 'redis',
  what: string,
  name: string,
  path = settingsPath(),
): void {
  const all = readSettings(path);
  const current = (all[section] ?? {}) as { profiles?: Record<string, unknown> };
  if (!current.profiles?.[name]) throw new Error(`no ${what} connection profile "${name}" in ${path}`);
  delete current.profiles[name];
  writeSettings(path, all);
}

function writeSettings(path: string, all: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

/** The environment variable holding a profile's secret: SLUICE_SECRET_ and the name upper-cased, other characters as _. */
export const secretVariable = (profile: string): string =>
  `SLUICE_SECRET_${profile.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

let local: Promise<MockCluster> | undefined;

/** The embedded development cluster, started once per process on first use. */
export function localCluster(): Promise<MockCluster> {
  return (local ??= MockCluster.start(1).catch((err: unknown) => {
    local = undefined;
    throw err;
  }));
}

/** Resolve a profile by name, starting the local cluster when it is the one named. */
export async function resolveProfile(name: string, env: NodeJS.ProcessEnv = process.env): Promise<KafkaProfile> {
  if (name === LOCAL_PROFILE) {
    const cluster = await localCluster();
    return { name, local: true, brokers: cluster.brokers, clientId: 'sluice' };
  }
  const profiles = readProfiles();
  const p = profiles[name];
  if (!p) {
    const known = [LOCAL_PROFILE, ...Object.keys(profiles)].map((n) => `"${n}"`).join(', ');
    throw new Error(`no Kafka connection profile "${name}" (profiles: ${known}; they are kept in ${settingsPath()})`);
  }
  const password = secretStore()?.get(name) ?? env[secretVariable(name)];
  if (p.sasl && !password) {
    const where = secretStore()
      ? `save its password in the profile (kept in the system’s secret store) or set ${secretVariable(name)}`
      : `set its password in ${secretVariable(name)}`;
    throw new Error(`profile "${name}" uses SASL ${p.sasl.mechanism} as "${p.sasl.username}": ${where}`);
  }
  return { ...p, name, local: false, password };
}
