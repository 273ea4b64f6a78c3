/**
 * Resolving a document's parameters in one environment: each declared parameter's value (given, secret, default),
 * checked against its type, then every `${name}` in the node configs replaced. Every problem names the parameter,
 * the environment and the place (the reference's field, or the environment file's line).
 */
import {
  interpolate,
  parameterRefs,
  wholeRef,
  type ParameterChoice,
  type ParameterDeclaration,
  type ParameterValue,
  type ResolvedParameter,
} from '../../shared/parameters';
import type { ValidationIssue } from '../../shared/validation';
import { secretStore } from '../secrets/store';
import { distance, ptr } from '../validate/issues';

/** A value given for a parameter, and where it was given (an environment file's place, or `--set`). */
export interface SuppliedValue {
  value: unknown;
  /** In words: `environment "staging"`, `--set`. */
  from: string;
  /** Given as text (`--set`): a number or boolean parameter reads it. */
  text?: boolean;
  /** The environment file and the pointer/line of the value there. */
  file?: string;
  pointer?: string;
  line?: number;
  column?: number;
}

/** The values an environment (and the command line) give, and the problems found reading them. */
export interface ParameterSupply {
  /** The environment's name, for messages; absent: the defaults. */
  env?: string;
  values: Record<string, SuppliedValue>;
  issues: ValidationIssue[];
}

export const NO_SUPPLY: ParameterSupply = { values: {}, issues: [] };

/** The supply of a choice the studio (or the CLI, through the API) sends. */
export function supplyOf(choice: ParameterChoice | undefined): ParameterSupply {
  if (!choice) return NO_SUPPLY;
  const values: Record<string, SuppliedValue> = {};
  for (const [k, value] of Object.entries(choice.values ?? {}))
    values[k] = { value, from: `environment "${choice.env ?? '?'}"` };
  for (const [k, value] of Object.entries(choice.set ?? {})) values[k] = { value, from: '--set', text: true };
  return { env: choice.env, values, issues: [] };
}

/** The choice that carries a supply's values (as the CLI sends its `--env`/`--set` through the API). */
export function choiceOf(supply: ParameterSupply): ParameterChoice {
  const values: Record<string, unknown> = {};
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(supply.values)) {
    if (v.text) set[k] = String(v.value);
    else values[k] = v.value;
  }
  return { ...(supply.env ? { env: supply.env } : {}), values, set };
}

/** The environment variable of a secret parameter: SLUICE_SECRET_PARAM_ and the name upper-cased. */
export const secretParamVariable = (name: string): string =>
  `SLUICE_SECRET_PARAM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** A secret parameter's value: the secret store's "param:<name>", else its environment variable. */
export const secretParam = (name: string): string | undefined =>
  secretStore()?.get(`param:${name}`) ?? process.env[secretParamVariable(name)];

/** A given value as the declared type (a `--set` value is text), or why it is not one. */
function asType(decl: ParameterDeclaration, v: unknown, text: boolean): ParameterValue | string[] {
  if (decl.type === 'string') return typeof v === 'string' ? v : [`expected a string, found ${JSON.stringify(v)}`];
  if (decl.type === 'number') {
    const n = text && typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) ? n : [`expected a number, found ${JSON.stringify(v)}`];
  }
  if (text && (v === 'true' || v === 'false')) return v === 'true';
  return typeof v === 'boolean' ? v : [`expected true or false, found ${JSON.stringify(v)}`];
}

/** "; did you mean …?" for a name close to a declared one. */
function didYouMean(names: Iterable<string>, name: string): string {
  const near = [...names].find((d) => distance(d, name) <= 2);
  return near ? `; did you mean "${near}"?` : '';
}

/** Where a value was given, as an issue places it: its line in the environment file (none for `--set`). */
const placeOf = (given: SuppliedValue): Partial<ValidationIssue> =>
  given.file ? { file: given.file, line: given.line, column: given.column } : {};

export class ParameterResolver {
  /** Problems of the declarations and of the values given (not of the references: `config` reports those). */
  readonly issues: ValidationIssue[] = [];
  private readonly values = new Map<string, { value: ParameterValue; from: string }>();
  private readonly used = new Set<string>();
  /** Parameters whose given value is refused (said once, where it was given; not again at each reference). */
  private readonly refused = new Set<string>();
  private readonly where: string;

  constructor(
    private readonly decls: Record<string, ParameterDeclaration>,
    private readonly supply: ParameterSupply = NO_SUPPLY,
    secretOf: (name: string) => string | undefined = secretParam,
  ) {
    this.where = supply.env ? ` in environment "${supply.env}"` : '';
    this.issues.push(...supply.issues);
    for (const [name, given] of Object.entries(supply.values)) {
      if (decls[name]) continue;
      this.issues.push({
        code: 'parameter',
        pointer: given.pointer ?? ptr('parameters', name),
        ...(given.file ? placeOf(given) : { file: 'command line' }),
        message: `${given.from} gives "${name}", which the pipeline does not declare${didYouMean(Object.keys(decls), name)}`,
      });
    }
    for (const [name, decl] of Object.entries(decls)) this.settle(name, decl, secretOf);
  }

  private settle(name: string, decl: ParameterDeclaration, secretOf: (name: string) => string | undefined): void {
    const at = ptr('parameters', name);
    const byDefault = decl.default !== undefined ? asType(decl, decl.default, false) : undefined;
    if (byDefault !== undefined) {
      if (Array.isArray(byDefault))
        this.issues.push({
          code: 'parameter',
          pointer: at + '/default',
          message: `parameter "${name}": default ${byDefault[0]}`,
        });
      if (decl.secret)
        this.issues.push({
          code: 'secret',
          pointer: at + '/default',
          message: `parameter "${name}" is secret: it has no default in the file; keep its value in the secret store ("param:${name}") or ${secretParamVariable(name)}`,
        });
    }
    const given = this.supply.values[name];
    if (decl.secret) {
      if (given)
        this.issues.push({
          code: 'secret',
          pointer: given.pointer ?? '',
          ...placeOf(given),
          message: `parameter "${name}" is secret: its value is never given ${given.text ? 'on the command line' : 'in an environment file'}; keep it in the secret store ("param:${name}") or ${secretParamVariable(name)}`,
        });
      const s = secretOf(name);
      if (s !== undefined) {
        const v = asType(decl, s, true);
        if (!Array.isArray(v)) this.values.set(name, { value: v, from: 'secret store' });
        else this.issues.push({ code: 'parameter', pointer: at, message: `secret parameter "${name}": ${v[0]}` });
      }
      return;
    }
    if (given) {
      const v = asType(decl, given.value, given.text === true);
      if (Array.isArray(v)) {
        this.refused.add(name);
        this.issues.push({
          code: 'parameter',
          pointer: given.pointer ?? at,
          ...placeOf(given),
          message: `parameter "${name}" (${decl.type}) ${given.from}: ${v[0]}`,
        });
      } else this.values.set(name, { value: v, from: given.from });
      return;
    }
    if (byDefault !== undefined && !Array.isArray(byDefault))
      this.values.set(name, { value: byDefault, from: 'default' });
  }

  /** Each declared parameter's value and where it came from (a secret's value left out). */
  resolved(): ResolvedParameter[] {
    return Object.entries(this.decls).map(([name, decl]) => {
      const v = this.values.get(name);
      if (decl.secret) return { name, secret: true, from: v ? v.from : 'no value' };
      return v ? { name, value: v.value, from: v.from } : { name, from: 'no value' };
    });
  }

  /** The value of a reference as shown next to it: `${port} = 9092 (environment "staging")`, a secret's hidden. */
  private note(name: string): string {
    const v = this.values.get(name)!;
    const shown = this.decls[name]!.secret ? '•••• (secret)' : JSON.stringify(v.value);
    return `\${${name}} = ${shown} (${v.from})`;
  }

  /**
   * The config with every reference replaced. `issues` gets each unknown parameter and each parameter without a
   * value at the reference's place; `notes` each resolved reference's pointer with what it resolved to; `resolved`
   * is false when a reference was left as it is (its problem said above, or where its value was given).
   */
  config(
    config: Record<string, unknown>,
    base: string,
    nodeId: string,
    issues: ValidationIssue[],
  ): { config: Record<string, unknown>; notes: Map<string, string>; resolved: boolean } {
    const notes = new Map<string, string>();
    let resolved = true;
    const known = (name: string, pointer: string): boolean => {
      this.used.add(name);
      if (!this.decls[name]) {
        issues.push({
          code: 'parameter',
          pointer,
          nodeId,
          message: `unknown parameter "${name}"${didYouMean(Object.keys(this.decls), name)}: declare it under "parameters" (${Object.keys(this.decls).length ? `declared: ${Object.keys(this.decls).join(', ')}` : 'none declared'})`,
        });
        return false;
      }
      if (this.refused.has(name)) return (resolved = false);
      if (!this.values.has(name)) {
        const decl = this.decls[name]!;
        issues.push({
          code: 'parameter',
          pointer,
          nodeId,
          message: decl.secret
            ? `secret parameter "${name}" has no value${this.where}: keep it in the secret store ("param:${name}") or set ${secretParamVariable(name)}`
            : `parameter "${name}" has no value${this.where}: give it in the environment file, with --set ${name}=…, or as its default`,
        });
        return false;
      }
      return true;
    };
    const walk = (v: unknown, pointer: string): unknown => {
      if (typeof v === 'string') {
        const refs = parameterRefs(v);
        if (!refs.length) return v.includes('$${') ? interpolate(v, () => '') : v;
        if (!refs.every((name) => known(name, pointer))) {
          resolved = false;
          return v;
        }
        notes.set(pointer, refs.map((r) => this.note(r)).join(', '));
        const whole = wholeRef(v);
        if (whole !== undefined) return this.values.get(whole)!.value;
        return interpolate(v, (name) => String(this.values.get(name)!.value));
      }
      if (Array.isArray(v)) return v.map((x, i) => walk(x, `${pointer}/${i}`));
      if (v && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, pointer + ptr(k))]));
      return v;
    };
    return { config: walk(config, base) as Record<string, unknown>, notes, resolved };
  }

  /** Warnings for declared parameters no config refers to (call after every `config`). */
  unused(): ValidationIssue[] {
    return Object.keys(this.decls)
      .filter((name) => !this.used.has(name))
      .map((name) => ({
        code: 'parameter' as const,
        pointer: ptr('parameters', name),
        severity: 'warning' as const,
        message: `parameter "${name}" is declared but no node's config refers to it (\${${name}})`,
      }));
  }

  /** Whether a name is a declared secret parameter (a secret-named field may refer to one). */
  isSecret(name: string): boolean {
    return this.decls[name]?.secret === true;
  }

  /** For a config problem at `pointer`: what the reference there (or above it) resolved to. */
  static explain(notes: ReadonlyMap<string, string>, pointer: string): string | undefined {
    for (let p = pointer; p.includes('/'); p = p.slice(0, p.lastIndexOf('/'))) {
      const n = notes.get(p);
      if (n) return n;
    }
    return undefined;
  }
}
