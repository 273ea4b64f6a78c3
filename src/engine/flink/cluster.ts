/**
 * Flink connection profiles and the embedded `local` Flink.
 *
 * A profile names a JobManager's REST address (and optional auth: a user name with its password, or a bearer
 * token), kept in the settings file's `flink` section; the secret comes from the secret store or
 * `SLUICE_SECRET_<PROFILE>`, as for Kafka — never from a pipeline file. The profile `local` is the embedded
 * development Flink (a MiniCluster, services/flink): started on first use by this process, or the one another Sluice
 * process on this machine already runs (it records its address in the runtime folder), so `sluice jobs --flink
 * local` reaches the cluster a studio or a `sluice deploy` started. Development only: one JVM, no high availability.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { JvmServer, jvmServerMissing } from '../connectors/jvm-server';
import {
  deleteSectionProfile,
  LOCAL_PROFILE,
  readSectionProfiles,
  saveSectionProfile,
  secretVariable,
  settingsPath,
} from '../connectors/settings';
import { secretStore } from '../secrets/store';
import { findPackageRoot } from '../support/paths';
import { FlinkRest } from './rest';
import type { FlinkProfileInfo } from '../../shared/flink';

const profileSchema = z.strictObject({
  url: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'the JobManager’s REST address, e.g. http://jobmanager:8081'),
  auth: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('basic'), username: z.string().min(1) }),
      z.strictObject({ kind: z.literal('bearer') }),
    ])
    .optional(),
  parallelism: z.number().int().min(1).max(10_000).default(1).describe('Parallelism of the jobs deployed there.'),
  checkpointIntervalMs: z.number().int().min(100).default(10_000).describe('Checkpoint interval of the jobs.'),
});

export type FlinkProfileSettings = z.output<typeof profileSchema>;

/** A profile ready to use: the REST client, and what to deploy with. */
export interface FlinkCluster {
  name: string;
  local: boolean;
  rest: FlinkRest;
  parallelism: number;
  checkpointIntervalMs: number;
}

export function readFlinkProfiles(path = settingsPath()): Record<string, FlinkProfileSettings> {
  return readSectionProfiles('flink', profileSchema, path);
}

export function saveFlinkProfile(name: string, settings: unknown, path = settingsPath()): void {
  saveSectionProfile('flink', 'the embedded development Flink', profileSchema, name, settings, path);
}

export function deleteFlinkProfile(name: string, path = settingsPath()): void {
  deleteSectionProfile('flink', 'Flink', name, path);
}

/** The job jar Sluice deploys (built by scripts/setup.sh). */
export function jobJar(): string {
  const jar = join(findPackageRoot(import.meta.dirname), 'build', 'services', 'flink', 'sluice-flink-job.jar');
  if (!existsSync(jar)) throw new Error(`the Flink job jar is not built here (${jar}): run scripts/setup.sh`);
  return jar;
}

/** Where a running embedded Flink records its address for other Sluice processes of this user. */
const runtimeFile = (): string =>
  join(process.env.XDG_RUNTIME_DIR ?? join(tmpdir(), `sluice-${userInfo().uid}`), 'sluice-flink-local.json');

let local: Promise<FlinkRest> | undefined;
let server: JvmServer | undefined;

/** The embedded Flink's REST address if a Sluice process on this machine runs one now. */
export async function runningLocalFlink(): Promise<FlinkRest | undefined> {
  if (server) return new FlinkRest(server.address);
  try {
    const { url, pid } = JSON.parse(readFileSync(runtimeFile(), 'utf8')) as { url: string; pid: number };
    process.kill(pid, 0);
    await new FlinkRest(url, {}, 3000).overview();
    return new FlinkRest(url);
  } catch {
    return undefined;
  }
}

/** The embedded Flink: one another Sluice process runs, else started by this one (stopped when it exits). */
export function localFlink(): Promise<FlinkRest> {
  return (local ??= (async () => {
    const running = await runningLocalFlink();
    if (running) return running;
    const missing = jvmServerMissing('flink');
    if (missing) throw new Error(`the local Flink profile cannot start: ${missing}`);
    server = await JvmServer.start('flink');
    const file = runtimeFile();
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify({ url: server.address, pid: process.pid }), { mode: 0o600 });
    const mine = server;
    void mine.exited.then(() => {
      if (server === mine) server = undefined;
      local = undefined;
    });
    process.once('exit', () => {
      try {
        const now = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
        if (now.pid === process.pid) rmSync(file, { force: true });
      } catch {
        // gone already
      }
    });
    return new FlinkRest(server.address);
  })().catch((err: unknown) => {
    local = undefined;
    throw err;
  }));
}

/** Stop the embedded Flink this process started (if it did). */
export async function stopLocalFlink(): Promise<void> {
  const s = server;
  server = undefined;
  local = undefined;
  if (s) {
    try {
      const now = JSON.parse(readFileSync(runtimeFile(), 'utf8')) as { pid: number };
      if (now.pid === process.pid) rmSync(runtimeFile(), { force: true });
    } catch {
      // gone already
    }
    await s.stop();
  }
}

/**
 * Resolve a Flink profile by name: `local` is the embedded Flink (started unless `start: false`, when a running one
 * is required); others come from the settings file with their secret.
 */
export async function resolveFlinkProfile(
  name: string,
  options: { start?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<FlinkCluster> {
  const env = options.env ?? process.env;
  if (name === LOCAL_PROFILE) {
    const rest = options.start === false ? await runningLocalFlink() : await localFlink();
    if (!rest)
      throw new Error(
        'the embedded Flink is not running: it runs while a studio or a `sluice deploy <file> --flink local` that started it runs',
      );
    return { name, local: true, rest, parallelism: 1, checkpointIntervalMs: 5000 };
  }
  const profiles = readFlinkProfiles();
  const p = profiles[name];
  if (!p) {
    const known = [LOCAL_PROFILE, ...Object.keys(profiles)].map((n) => `"${n}"`).join(', ');
    throw new Error(`no Flink connection profile "${name}" (profiles: ${known}; they are kept in ${settingsPath()})`);
  }
  const secret = secretStore()?.get(`flink:${name}`) ?? env[secretVariable(name)];
  if (p.auth && !secret)
    throw new Error(
      `Flink profile "${name}" uses ${p.auth.kind} authentication: set its ${p.auth.kind === 'basic' ? 'password' : 'token'} in ${secretVariable(name)}${secretStore() ? ' or save it in the profile' : ''}`,
    );
  const auth =
    p.auth?.kind === 'basic' ? { username: p.auth.username, password: secret } : p.auth ? { token: secret } : {};
  return {
    name,
    local: false,
    rest: new FlinkRest(p.url, auth),
    parallelism: p.parallelism,
    checkpointIntervalMs: p.checkpointIntervalMs,
  };
}

/** The profiles as the studio lists them: the embedded one first (its address once it runs), never a secret. */
export async function listFlinkProfiles(env: NodeJS.ProcessEnv = process.env): Promise<FlinkProfileInfo[]> {
  const running = await runningLocalFlink();
  const missing = jvmServerMissing('flink');
  const local: FlinkProfileInfo = {
    name: LOCAL_PROFILE,
    local: true,
    ...(running ? { url: running.url } : {}),
    note: missing
      ? `the embedded Flink cannot start here: ${missing}`
      : 'embedded Apache Flink 2.2 (a MiniCluster in one JVM, started on first deploy): development only',
  };
  return [
    local,
    ...Object.entries(readFlinkProfiles()).map(([name, p]) => ({
      name,
      local: false,
      url: p.url,
      note: `JobManager at ${p.url}`,
      ...(p.auth
        ? { auth: p.auth, secretSet: !!(secretStore()?.get(`flink:${name}`) ?? env[secretVariable(name)]) }
        : {}),
    })),
  ];
}
