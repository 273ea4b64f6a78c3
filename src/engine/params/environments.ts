/**
 * Environment files: the values of a pipeline's parameters for one environment (laptop, staging, production),
 * kept beside the pipeline as `<pipeline>.<env>.json`, or as `<env>.json` in a folder of them (`environments/`
 * beside the pipeline, or one named with `--env-dir`). An environment file is
 *
 *     { "parameters": { "brokers": "kafka.staging:9092", "rate": 2000 } }
 *
 * A secret parameter's value is never in one (it comes from the secret store).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { ValidationIssue } from '../../shared/validation';
import { JsonSyntaxError, locate, parseJsonWithLocations } from '../document/json-source';
import { findSecrets } from '../secrets/scan';
import { ptr, zodIssues } from '../validate/issues';
import type { ParameterSupply, SuppliedValue } from './resolve';

/** An environment's name: what `--env` takes and the studio's picker lists. */
export const ENV_NAME = /^[A-Za-z0-9_-]+$/;
/** Names a pipeline's sibling files take that are not environments. */
const NOT_ENVIRONMENTS = new Set(['fixture', 'fixtures', 'test', 'tests']);

const environmentFileSchema = z.strictObject({
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()),
});

const stem = (pipeline: string): string => basename(pipeline).replace(/\.json$/i, '');

/** The environments of a pipeline file: name → file, sorted by name. */
export function listEnvironments(pipeline: string, envDir?: string): { name: string; file: string }[] {
  const found = new Map<string, string>();
  const dir = dirname(pipeline);
  const prefix = stem(pipeline) + '.';
  const entries = (d: string): string[] => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  };
  for (const f of entries(envDir ?? join(dir, 'environments'))) {
    const name = f.replace(/\.json$/i, '');
    if (f.endsWith('.json') && ENV_NAME.test(name)) found.set(name, join(envDir ?? join(dir, 'environments'), f));
  }
  if (!envDir)
    for (const f of entries(dir)) {
      if (!f.startsWith(prefix) || !f.endsWith('.json')) continue;
      const name = f.slice(prefix.length, -'.json'.length);
      if (ENV_NAME.test(name) && !NOT_ENVIRONMENTS.has(name)) found.set(name, join(dir, f));
    }
  return [...found].map(([name, file]) => ({ name, file })).sort((a, b) => a.name.localeCompare(b.name));
}

/** A usage problem: an environment that is not there. The CLI says it and exits 2. */
export class EnvironmentNotFound extends Error {}

/** The file of environment `env` for `pipeline` (a path to a .json file is taken as it is). */
export function environmentFile(pipeline: string, env: string, envDir?: string): string {
  if (env.endsWith('.json') || env.includes('/')) {
    if (!existsSync(env) || !statSync(env).isFile())
      throw new EnvironmentNotFound(`environment file ${env} does not exist`);
    return env;
  }
  if (!ENV_NAME.test(env))
    throw new EnvironmentNotFound(`"${env}" is not an environment name (letters, digits, _ and - only)`);
  const all = listEnvironments(pipeline, envDir);
  const hit = all.find((e) => e.name === env);
  if (hit) return hit.file;
  const looked = envDir
    ? join(envDir, `${env}.json`)
    : `${join(dirname(pipeline), `${stem(pipeline)}.${env}.json`)} and ${join(dirname(pipeline), 'environments', `${env}.json`)}`;
  throw new EnvironmentNotFound(
    `no environment "${env}" for ${pipeline}: looked for ${looked}; ${all.length ? `its environments: ${all.map((e) => e.name).join(', ')}` : 'it has none'}`,
  );
}

/** Read an environment file's values (each with its line), and its problems, named in that file. */
export function readEnvironment(file: string, env: string): ParameterSupply {
  const issues: ValidationIssue[] = [];
  const from = `environment "${env}"`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EnvironmentNotFound(`cannot read environment file ${file}: ${(err as Error).message}`);
  }
  let parsed;
  try {
    parsed = parseJsonWithLocations(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    issues.push({ code: 'parameter', pointer: '', file, line: err.line, column: err.column, message: err.message });
    return { env, values: {}, issues };
  }
  const shape = environmentFileSchema.safeParse(parsed.value);
  if (!shape.success) {
    for (const i of zodIssues(shape.error, '', {}, 'parameter')) {
      const at = locate(parsed.locations, i.pointer);
      issues.push({
        ...i,
        file,
        ...at,
        message: `${from}: ${i.message}; an environment file is {"parameters": {"name": value, …}}`,
      });
    }
    return { env, values: {}, issues };
  }
  const values: Record<string, SuppliedValue> = {};
  for (const [name, value] of Object.entries(shape.data.parameters)) {
    const pointer = ptr('parameters', name);
    const at = locate(parsed.locations, pointer);
    for (const s of findSecrets({ [name]: value }))
      issues.push({
        code: 'secret',
        pointer,
        file,
        ...at,
        message: `${from}: "${name}" looks like a secret (${s.why}); secrets are never kept in files: mark the parameter "secret": true and keep its value in the secret store`,
      });
    values[name] = { value, from, file, pointer, ...at };
  }
  return { env, values, issues };
}

/** `--set name=value` pairs as supplied values (over the environment's); a malformed one is a usage problem. */
export function withSets(supply: ParameterSupply, sets: readonly string[]): ParameterSupply {
  const values = { ...supply.values };
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq < 1) throw new EnvironmentNotFound(`--set ${s}: expected name=value`);
    values[s.slice(0, eq)] = { value: s.slice(eq + 1), from: '--set', text: true };
  }
  return { ...supply, values };
}

/** The supply for a command: environment `env` of `pipeline` (if any), then the `--set` values. */
export function commandSupply(
  pipeline: string,
  options: { env?: string; envDir?: string; set?: readonly string[] },
): ParameterSupply {
  const base: ParameterSupply = options.env
    ? readEnvironment(environmentFile(pipeline, options.env, options.envDir), options.env)
    : { values: {}, issues: [] };
  return withSets(base, options.set ?? []);
}
