/**
 * The settings file that keeps connection profiles, a section per kind (`kafka`, `redis`) — never secrets, which
 * the secret store or the environment (`SLUICE_SECRET_<PROFILE>`) hold. Each kind validates its own section.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** The embedded profile of every kind: a development server started on first use. */
export const LOCAL_PROFILE = 'local';

export type ProfileSection = 'kafka' | 'redis' | 'flink';

/** The settings file: $SLUICE_SETTINGS, else $XDG_CONFIG_HOME/sluice/settings.json, else ~/.config/sluice/settings.json. */
export const settingsPath = (): string =>
  process.env.SLUICE_SETTINGS ??
  join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'sluice', 'settings.json');

/** The environment variable holding a profile's secret: SLUICE_SECRET_ and the name upper-cased, other characters as _. */
export const secretVariable = (profile: string): string =>
  `SLUICE_SECRET_${profile.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** The settings file as JSON (empty when there is none). */
function readSettings(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${path}: expected a JSON object`);
  return raw as Record<string, unknown>;
}

/** A section's profiles, by name, each checked by `schema` (the embedded `local` is not among them). */
export function readSectionProfiles<T>(
  section: ProfileSection,
  schema: z.ZodType<T>,
  path = settingsPath(),
): Record<string, T> {
  const raw = readSettings(path)[section] as { profiles?: unknown } | undefined;
  const parsed = z.record(z.string(), schema).safeParse(raw?.profiles ?? {});
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${path}: ${[section, 'profiles', ...i.path].join('.')}: ${i.message}`);
  }
  return parsed.data;
}

/** Add or replace a profile of a section (the file written whole, then renamed: never half-written). */
export function saveSectionProfile(
  section: ProfileSection,
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
  readSectionProfiles(section, schema, path); // says what is wrong with the file, if anything
  const all = readSettings(path);
  const current = (all[section] ?? {}) as { profiles?: Record<string, unknown> };
  all[section] = { ...current, profiles: { ...(current.profiles ?? {}), [name]: parsed.data } };
  writeSettings(path, all);
}

export function deleteSectionProfile(section: ProfileSection, what: string, name: string, path = settingsPath()): void {
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
