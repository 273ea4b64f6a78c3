/**
 * Kafka connection profiles: named in pipelines, kept in the app's settings — never in pipeline files. Secrets
 * (SASL passwords) come from the environment (`SLUICE_SECRET_<PROFILE>`) for the CLI and the web host; the desktop
 * app keeps them with Electron's safeStorage and hands them over the same way.
 *
 * The embedded profile `local` is a development cluster started on first use (a real Apache Kafka broker, or the mock
 * cluster where Java is missing; see local.ts): the demo runs on a fresh machine with no broker of the user's. It is
 * development only, and says so.
 */
import { z } from 'zod';
import { localCluster } from './local';
import { secretStore } from '../../secrets/store';
import {
  deleteSectionProfile,
  LOCAL_PROFILE,
  readSectionProfiles,
  saveSectionProfile,
  secretVariable,
  settingsPath,
} from '../settings';

export { LOCAL_PROFILE, secretVariable };

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

/** The profiles in the settings file, by name (the embedded `local` is not among them). */
export function readProfiles(path = settingsPath()): Record<string, KafkaProfileSettings> {
  return readSectionProfiles('kafka', profileSchema, path);
}

/** Add or replace a profile in the settings file (written whole, then renamed: never half-written). */
export function saveProfile(name: string, settings: unknown, path = settingsPath()): void {
  saveSectionProfile('kafka', 'the embedded development cluster', profileSchema, name, settings, path);
}

export function deleteProfile(name: string, path = settingsPath()): void {
  deleteSectionProfile('kafka', 'Kafka', name, path);
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
