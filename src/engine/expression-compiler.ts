/**
 * Compiles the common subset of JSONata to plain JS closures, built from the parsed expression tree (never by
 * pasting user text into code, so an expression can reach nothing but the record it is given).
 *
 * The compiled function returns `BAIL` whenever a record takes it outside what it handles exactly (an array where
 * a path meets one, a type the interpreter would reject, ...): the caller then evaluates that record with the
 * JSONata interpreter, which gives the interpreter's own result or error. So compiled and interpreted evaluation
 * agree by construction on the cases compiled code declines, and the differential test checks the rest.
 */
import { isPlainObject, jsonataBoolean } from './json-values';

/** Returned when a record needs the interpreter. */
export const BAIL: unique symbol = Symbol('bail');
export type Compiled = (record: unknown) => unknown;

interface Ast {
  type: string;
  value?: unknown;
  steps?: Ast[];
  lhs?: Ast | Ast[][];
  rhs?: Ast;
  expressions?: Ast[];
  expression?: Ast;
  arguments?: Ast[];
  procedure?: Ast;
  condition?: Ast;
  then?: Ast;
  else?: Ast;
}

/** Thrown at compile time for anything outside the subset; the caller then uses the interpreter for all records. */
class NotCompilable extends Error {}
const no = (why: string): never => {
  throw new NotCompilable(why);
};


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

type Fn = (args: unknown[]) => unknown;
/** The built-in functions compiled code calls directly: name → [arity, implementation]. */
const FUNCTIONS: Record<string, [number, Fn]> = {
  exists: [1, ([v]) => v !== undefined],
  boolean: [1, ([v]) => (v === undefined ? undefined : Array.isArray(v) || isPlainObject(v) ? BAIL : jsonataBoolean(v))],
  not: [1, ([v]) => (v === undefined ? undefined : Array.isArray(v) || isPlainObject(v) ? BAIL : !jsonataBoolean(v))],
  string: [1, ([v]) => (v === undefined ? undefined : toJsonataString(v))],
  lowercase: [1, ([v]) => (v === undefined ? undefined : typeof v === 'string' ? v.toLowerCase() : BAIL)],
  uppercase: [1, ([v]) => (v === undefined ? undefined : typeof v === 'string' ? v.toUpperCase() : BAIL)],
  length: [1, ([v]) => (v === undefined ? undefined : typeof v === 'string' ? Array.from(v).length : BAIL)],
  number: [
    1,
    ([v]) => {
      if (v === undefined) return undefined;
      if (typeof v === 'number') return v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string' && SIMPLE_NUMBER.test(v)) {
        const n = Number(v);
        return Number.isFinite(n) ? n : BAIL;
      }
      return BAIL;
    },
  ],
  abs: [1, ([v]) => (v === undefined ? undefined : typeof v === 'number' ? Math.abs(v) : BAIL)],
  floor: [1, ([v]) => (v === undefined ? undefined : typeof v === 'number' ? Math.floor(v) : BAIL)],
  ceil: [1, ([v]) => (v === undefined ? undefined : typeof v === 'number' ? Math.ceil(v) : BAIL)],
  merge: [
    1,
    ([v]) => {
      if (v === undefined) return undefined;
      const parts = Array.isArray(v) ? v : [v];
      const out: Record<string, unknown> = {};
      for (const p of parts) {
        if (!isPlainObject(p)) return BAIL;
        for (const k in p) out[k] = p[k];
      }
      return out;
    },
  ],
};

const ARITH: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};
const COMPARE: Record<string, (a: number | string, b: number | string) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const isScalar = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');

/** The tree properties the compiler understands; any other (predicates, grouping, focus, ...) means "not compiled". */
const KNOWN_KEYS = new Set(['type', 'name', 'value', 'position', 'steps', 'lhs', 'rhs', 'expressions', 'expression', 'arguments', 'procedure', 'condition', 'then', 'else']);
const checkKeys = (node: Ast): void => {
  for (const k of Object.keys(node)) if (!KNOWN_KEYS.has(k)) no(`expression feature "${k}"`);
};

function compileNode(node: Ast): Compiled {
  checkKeys(node);
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const v = node.value;
      return () => v;
    }
    case 'variable':
      if (node.value !== '') no(`variable $${String(node.value)}`);
      return (r) => r;
    case 'path':
      return compilePath(node.steps ?? []);
    case 'name':
      return compilePath([node]);
    case 'unary':
      return compileUnary(node);
    case 'binary':
      return compileBinary(node);
    case 'condition': {
      const c = compileNode(node.condition!);
      const t = compileNode(node.then!);
      const e = node.else ? compileNode(node.else) : () => undefined;
      return (r) => {
        const v = c(r);
        if (v === BAIL) return BAIL;
        return jsonataBoolean(v) ? t(r) : e(r);
      };
    }
    case 'function':
      return compileCall(node);
    case 'block': {
      // Parentheses: each expression in turn, the value of the last.
      const parts = (node.expressions ?? []).map(compileNode);
      if (parts.length === 0) no('empty block');
      return (r) => {
        let v: unknown;
        for (const p of parts) if ((v = p(r)) === BAIL) return BAIL;
        return v;
      };
    }
    default:
      return no(`${node.type} expressions`);
  }
}

function compilePath(steps: Ast[]): Compiled {
  const names = steps.map((s) => {
    checkKeys(s);
    if (s.type !== 'name') no('path steps other than plain names');
    return String(s.value);
  });
  if (names.length === 0) no('empty path');
  if (names.length === 1) {
    // The common case, a field of the record, without the loop.
    const name = names[0]!;
    return (r) => {
      if (Array.isArray(r)) return BAIL;
      if (!isPlainObject(r)) return undefined;
      const v = r[name];
      return Array.isArray(v) || typeof v === 'function' ? BAIL : v;
    };
  }
  return (r) => {
    let v: unknown = r;
    for (const name of names) {
      if (Array.isArray(v)) return BAIL; // sequences map and flatten: the interpreter knows how
      if (!isPlainObject(v)) return undefined;
      v = v[name];
      if (v === undefined) return undefined;
    }
    return Array.isArray(v) || typeof v === 'function' ? BAIL : v;
  };
}

function compileUnary(node: Ast): Compiled {
  if (node.value === '-') {
    const e = compileNode(node.expression!);
    return (r) => {
      const v = e(r);
      if (v === undefined || v === BAIL) return v;
      return typeof v === 'number' ? -v : BAIL;
    };
  }
  if (node.value === '[') {
    const items = (node.expressions ?? []).map((x) => [compileNode(x), x.type === 'unary' && x.value === '['] as const);
    return (r) => {
      const out: unknown[] = [];
      for (const [f, nested] of items) {
        const v = f(r);
        if (v === BAIL) return BAIL;
        if (v === undefined) continue;
        if (Array.isArray(v) && !nested) return BAIL;
        out.push(v);
      }
      return out;
    };
  }
  if (node.value === '{') {
    const pairs = (node.lhs as Ast[][]).map(([k, v]) => {
      if (k!.type !== 'string') no('computed object keys');
      return [String(k!.value), compileNode(v!)] as const;
    });
    if (new Set(pairs.map(([k]) => k)).size !== pairs.length) no('duplicate object keys');
    return (r) => {
      if (!isPlainObject(r)) return BAIL;
      const out: Record<string, unknown> = {};
      for (const [k, f] of pairs) {
        const v = f(r);
        if (v === BAIL) return BAIL;
        if (v !== undefined) out[k] = v;
      }
      return out;
    };
  }
  return no(`unary ${String(node.value)}`);
}

function compileBinary(node: Ast): Compiled {
  const op = String(node.value);
  const l = compileNode(node.lhs as Ast);
  const r = compileNode(node.rhs!);
  if (op === 'and' || op === 'or') {
    const isAnd = op === 'and';
    return (x) => {
      const a = l(x);
      if (a === BAIL) return BAIL;
      if (jsonataBoolean(a) !== isAnd) return !isAnd;
      const b = r(x);
      return b === BAIL ? BAIL : jsonataBoolean(b);
    };
  }
  // Both sides, then the operator; `f` is made once here, at compile time, so evaluation allocates nothing.
  const binary =
    (f: (a: unknown, b: unknown) => unknown): Compiled =>
    (x) => {
      const a = l(x);
      if (a === BAIL) return BAIL;
      const b = r(x);
      return b === BAIL ? BAIL : f(a, b);
    };
  const arith = ARITH[op];
  if (arith) {
    return binary((a, b) => {
      if ((a !== undefined && typeof a !== 'number') || (b !== undefined && typeof b !== 'number')) return BAIL;
      if (a === undefined || b === undefined) return undefined;
      const v = arith(a as number, b as number);
      return Number.isFinite(v) ? v : BAIL;
    });
  }
  const compare = COMPARE[op];
  if (compare) {
    return binary((a, b) => {
      const ta = typeof a;
      const tb = typeof b;
      if (!(ta === 'undefined' || ta === 'string' || ta === 'number') || !(tb === 'undefined' || tb === 'string' || tb === 'number')) return BAIL;
      if (a === undefined || b === undefined) return undefined;
      return ta === tb ? compare(a as number, b as number) : BAIL;
    });
  }
  if (op === '=' || op === '!=') {
    const eq = op === '=';
    const rhs = node.rhs!;
    const lhs = node.lhs as Ast;
    if ((rhs.type === 'string' || rhs.type === 'number') && lhs.type === 'path' && lhs.steps?.length === 1 && lhs.steps[0]!.type === 'name') {
      // A field against a literal (`type = 'gift'`), the commonest filter: one closure, no calls.
      checkKeys(lhs.steps[0]!);
      const name = String(lhs.steps[0]!.value);
      const literal = rhs.value;
      return (x) => {
        if (Array.isArray(x)) return BAIL;
        if (!isPlainObject(x)) return false;
        const a = x[name];
        if (a === undefined) return false;
        if (!isScalar(a)) return BAIL;
        return (a === literal) === eq;
      };
    }
    if (rhs.type === 'string' || rhs.type === 'number') {
      // Comparing with a literal: one evaluation and one check.
      const literal = rhs.value;
      return (x) => {
        const a = l(x);
        if (a === BAIL) return BAIL;
        if (a === undefined) return false;
        if (!isScalar(a)) return BAIL;
        return (a === literal) === eq;
      };
    }
    return binary((a, b) => {
      if (a === undefined || b === undefined) return false;
      if (!isScalar(a) || !isScalar(b)) return BAIL;
      return (a === b) === eq;
    });
  }
  if (op === '&') {
    return binary((a, b) => {
      const sa = a === undefined ? '' : toJsonataString(a);
      const sb = b === undefined ? '' : toJsonataString(b);
      return sa === BAIL || sb === BAIL ? BAIL : sa + sb;
    });
  }
  if (op === 'in') {
    return binary((a, b) => {
      if (a === undefined || b === undefined) return false;
      if (!isScalar(a)) return BAIL;
      const list = Array.isArray(b) ? b : [b];
      for (const item of list) if (!isScalar(item)) return BAIL;
      return list.includes(a);
    });
  }
  return no(`operator ${op}`);
}

function compileCall(node: Ast): Compiled {
  const proc = node.procedure;
  if (!proc || proc.type !== 'variable') no('calls of anything but a built-in function');
  const name = String(proc!.value);
  const def = FUNCTIONS[name];
  if (!def) no(`function $${name}`);
  const [arity, fn] = def!;
  const args = (node.arguments ?? []).map(compileNode);
  if (args.length !== arity) no(`$${name} with ${args.length} arguments`);
  return (r) => {
    const values: unknown[] = [];
    for (const a of args) {
      const v = a(r);
      if (v === BAIL) return BAIL;
      values.push(v);
    }
    return fn(values);
  };
}

/**
 * Compile a parsed JSONata expression tree (`jsonata(text).ast()`); undefined when it is outside the subset.
 * The result is a plain, synchronous function of the record.
 */
export function compileAst(ast: unknown): Compiled | undefined {
  try {
    return compileNode(ast as Ast);
  } catch (err) {
    if (err instanceof NotCompilable) return undefined;
    throw err;
  }
}
