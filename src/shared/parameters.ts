/**
 * Parameters: a document declares them (name, type, default, description, secret) and any config value may be
 * `${name}` — the whole value (it takes the parameter's type) or part of a string. An environment chooses their
 * values: an environment file next to the pipeline (`<pipeline>.<env>.json`, or `<env>.json` in a folder of them),
 * `--set name=value` on the CLI, the secret store for a secret one, else the default.
 */
import type { ValidationIssue } from './validation';

export type ParameterType = 'string' | 'number' | 'boolean';
export type ParameterValue = string | number | boolean;

export interface ParameterDeclaration {
  type: ParameterType;
  default?: ParameterValue;
  description?: string;
  /** Its value comes from the secret store (or SLUICE_SECRET_PARAM_<NAME>), never from a file. */
  secret?: boolean;
}

/**
 * The values a document is resolved with: an environment's (as its file gives them, read by `environments`) and
 * values given one by one as text (`--set name=value`), over those.
 */
export interface ParameterChoice {
  /** The environment's name, for messages; absent: the defaults. */
  env?: string;
  values?: Record<string, unknown>;
  set?: Record<string, string>;
}

/** An environment of a pipeline file: its values (a secret parameter's never), and the problems of its file. */
export interface EnvironmentInfo {
  name: string;
  /** Its file, as a path the studio shows. */
  file: string;
  values: Record<string, unknown>;
  issues: ValidationIssue[];
}

/** Where a parameter's value came from, in words: `default`, `environment "staging"`, `--set`, `secret store`. */
export interface ResolvedParameter {
  name: string;
  /** Its value; a secret's is never sent (`secret: true`, value omitted). */
  value?: ParameterValue;
  from: string;
  secret?: boolean;
}

/** A parameter's name: letters, digits, `_`, `.` and `-`, starting with a letter or `_`. */
export const PARAMETER_NAME = /^[A-Za-z_][\w.-]*$/;
const REFERENCE = /\$\{([^}]*)\}/g;

/** The names a string refers to (`${name}`), in order; `$${` is a literal `${`. */
export function parameterRefs(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(REFERENCE)) if (text[m.index - 1] !== '$') names.push(m[1]!);
  return names;
}

/** The name when the whole string is one reference (`"${port}"`): the value then takes the parameter's type. */
export function wholeRef(text: string): string | undefined {
  const m = /^\$\{([^}]*)\}$/.exec(text);
  return m ? m[1] : undefined;
}

/** Replace every reference in a string by `valueOf(name)` as text; `$${` becomes `${`. */
export function interpolate(text: string, valueOf: (name: string) => string): string {
  return text.replace(/\$?\$\{([^}]*)\}/g, (all, name: string) =>
    all.startsWith('$$') ? all.slice(1) : valueOf(name),
  );
}

/** Whether a config value (at any depth) refers to a parameter. */
export function hasRefs(value: unknown): boolean {
  if (typeof value === 'string') return parameterRefs(value).length > 0;
  if (Array.isArray(value)) return value.some(hasRefs);
  if (value && typeof value === 'object') return Object.values(value).some(hasRefs);
  return false;
}

/**
 * A config value as it resolves with the parameters' values (as validation gave them): what the inspector shows
 * next to a template. `missing` names the parameters without a value; a secret's value is shown as dots.
 */
export function resolvedForDisplay(
  value: unknown,
  parameters: readonly ResolvedParameter[],
): { text: string; from: string[]; missing: string[] } | undefined {
  if (!hasRefs(value)) return undefined;
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const refs = new Set<string>();
  const valueOf = (name: string): unknown => {
    refs.add(name);
    const p = byName.get(name);
    return p?.secret ? '••••' : p?.value;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = wholeRef(v);
      if (whole !== undefined) return valueOf(whole) ?? v;
      return interpolate(v, (name) => {
        const x = valueOf(name);
        return x === undefined ? `\${${name}}` : String(x);
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const resolved = walk(value);
  const names = [...refs];
  const missing = names.filter((r) => !byName.get(r)?.secret && byName.get(r)?.value === undefined);
  const from = names.map((r) => `${r}: ${byName.get(r)?.from ?? 'not declared'}`);
  return { text: JSON.stringify(resolved).replace(/"••••"/g, '••••'), from, missing };
}
