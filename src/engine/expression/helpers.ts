/**
 * What generated expression code runs with: JSONata's semantics for the values compiled code handles (BAIL
 * where the interpreter must decide), passed to each generated function as its one table of helpers.
 */
import { isPlainObject, jsonataBoolean } from './json-values';

/** Returned when a record needs the interpreter. */
export const BAIL: unique symbol = Symbol('bail');
export type Compiled = (record: unknown) => unknown;

/** JSONata's `$string` for the values compiled code handles; BAIL for the rest. */
function toJsonataString(v: unknown): string | typeof BAIL {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return String(Number(v.toPrecision(15)));
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return v === null ? 'null' : BAIL;
  }
}

const SIMPLE_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;

const isScalar = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');

/** The one-argument built-ins compiled code calls: name → implementation (BAIL where the interpreter decides). */
export const FUNCTIONS: Record<string, (v: unknown) => unknown> = {
  exists: (v) => v !== undefined,
  boolean: (v) => (v === undefined ? undefined : Array.isArray(v) || isPlainObject(v) ? BAIL : jsonataBoolean(v)),
  not: (v) => (v === undefined ? undefined : Array.isArray(v) || isPlainObject(v) ? BAIL : !jsonataBoolean(v)),
  string: (v) => (v === undefined ? undefined : toJsonataString(v)),
  lowercase: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toLowerCase() : BAIL),
  uppercase: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toUpperCase() : BAIL),
  length: (v) => (v === undefined ? undefined : typeof v === 'string' ? Array.from(v).length : BAIL),
  number: (v) => {
    if (v === undefined) return undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string' && SIMPLE_NUMBER.test(v)) {
      const n = Number(v);
      return Number.isFinite(n) ? n : BAIL;
    }
    return BAIL;
  },
  abs: (v) => (v === undefined ? undefined : typeof v === 'number' ? Math.abs(v) : BAIL),
  floor: (v) => (v === undefined ? undefined : typeof v === 'number' ? Math.floor(v) : BAIL),
  ceil: (v) => (v === undefined ? undefined : typeof v === 'number' ? Math.ceil(v) : BAIL),
  merge: (v) => {
    if (v === undefined) return undefined;
    const parts = Array.isArray(v) ? v : [v];
    const out: Record<string, unknown> = {};
    for (const p of parts) {
      if (!isPlainObject(p)) return BAIL;
      for (const k in p) out[k] = p[k];
    }
    return out;
  },
};

/** `a in b` for values already evaluated. */
function inList(a: unknown, b: unknown): unknown {
  if (a === undefined || b === undefined) return false;
  if (!isScalar(a)) return BAIL;
  const list = Array.isArray(b) ? b : [b];
  for (const item of list) if (!isScalar(item)) return BAIL;
  return list.includes(a);
}

/** Everything generated code may use, passed in as one argument: it names nothing else. */
const HELPERS = {
  BAIL,
  jb: jsonataBoolean,
  str: toJsonataString,
  inList,
  isArray: Array.isArray,
  assign: Object.assign,
  F: FUNCTIONS,
};
const HELPER_PRELUDE =
  'const BAIL = H.BAIL, jb = H.jb, str = H.str, inList = H.inList, isArray = H.isArray, assign = H.assign, F = H.F;';

/** Generated functions made so far: each gets its own source text, so V8 keeps separate type feedback for each. */
let generated = 0;

/**
 * Make a function from generated source. The source sees the helpers (`BAIL`, `jb`, `str`, `inList`, `isArray`,
 * `assign`, `F`) and `X`, the values the caller passes, and no other free name of ours.
 */
export function generateFunction<T>(body: string, extra: Record<string, unknown> = {}): T {
  const factory = new Function(
    'H',
    'X',
    `'use strict'; // sluice generated #${generated++}\n${HELPER_PRELUDE}\n${body}`,
  ) as (h: typeof HELPERS, x: Record<string, unknown>) => T;
  return factory(HELPERS, extra);
}
