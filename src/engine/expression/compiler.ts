/**
 * Compiles the common subset of JSONata to plain JavaScript, generated from the parsed expression tree.
 *
 * The generated source is built only from fixed code shapes and the tree's literals written out by `JSON.stringify`
 * (strings) or `String` (finite numbers): user text never becomes code. The function it makes takes the record and
 * a table of helpers as its only inputs and names no global, so an expression can reach nothing but the record.
 * Generating code (rather than nesting closures) lets V8 inline a whole expression into the loop that runs it: a
 * filter such as `type = 'gift'` becomes one property load and one comparison per record.
 *
 * The compiled function returns `BAIL` whenever a record takes it outside what it handles exactly (an array where
 * a path meets one, a type the interpreter would reject, a record that is not an object, ...): the caller then
 * evaluates that record with the JSONata interpreter, which gives the interpreter's own result or error. So
 * compiled and interpreted evaluation agree by construction on the cases compiled code declines, and the
 * differential test checks the rest.
 */
import { BAIL, FUNCTIONS, generateFunction, type Compiled } from './helpers';
import type { Ast } from './ast';

export { BAIL, generateFunction, type Compiled };

/** Thrown at compile time for anything outside the subset; the caller then uses the interpreter for all records. */
class NotCompilable extends Error {}
const no = (why: string): never => {
  throw new NotCompilable(why);
};

const ARITH = new Set(['+', '-', '*', '/', '%']);
const COMPARE = new Set(['<', '<=', '>', '>=']);

/** The tree properties the compiler understands; any other (predicates, grouping, focus, ...) means "not compiled". */
const KNOWN_KEYS = new Set([
  'type',
  'name',
  'value',
  'position',
  'steps',
  'lhs',
  'rhs',
  'expressions',
  'expression',
  'arguments',
  'procedure',
  'condition',
  'then',
  'else',
]);
const checkKeys = (node: Ast): void => {
  for (const k of Object.keys(node)) if (!KNOWN_KEYS.has(k)) no(`expression feature "${k}"`);
};

/** A property name written as a JS string literal; `__proto__` would reach the prototype, so it is not compiled. */
function propertyName(v: unknown): string {
  const name = String(v);
  if (name === '__proto__') no('the name __proto__');
  return JSON.stringify(name);
}

/** A value in generated code: the code that reads it, and what is known about it at compile time. */
interface Val {
  code: string;
  /** May be BAIL (the caller must check before using it). */
  bail: boolean;
  /** A literal: its value. */
  literal?: { value: unknown };
}

/** The literal as source text (finite numbers, strings, booleans, null); anything else is not compiled. */
function literalCode(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
  if (v === true || v === false || v === null) return String(v);
  return no(`literal ${typeof v}`);
}

/** Source-writing state: numbered temporaries and the statement list being filled. */
class Writer {
  private next = 0;
  out: string[] = [];

  temp(): string {
    return `t${this.next++}`;
  }

  line(s: string): void {
    this.out.push(s);
  }

  /** Write `node` into a block of its own; returns the block's statements and the value's code. */
  block(node: Ast): { body: string; val: Val } {
    const saved = this.out;
    this.out = [];
    const val = this.value(node);
    const body = this.out.join('\n');
    this.out = saved;
    return { body, val };
  }

  /** A value that is never BAIL: the statements to check and unwrap it are written. */
  checked(node: Ast): Val {
    const v = this.value(node);
    if (v.bail) this.line(`if (${v.code} === BAIL) return BAIL;`);
    return { ...v, bail: false };
  }

  /** Write the statements computing `node` and return its value. */
  value(node: Ast): Val {
    checkKeys(node);
    switch (node.type) {
      case 'string':
      case 'number':
      case 'value':
        return { code: literalCode(node.value), bail: false, literal: { value: node.value } };
      case 'variable':
        if (node.value !== '') no(`variable $${String(node.value)}`);
        return { code: 'r', bail: false };
      case 'path':
        return this.path(node.steps ?? []);
      case 'name':
        return this.path([node]);
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'condition':
        return this.condition(node);
      case 'function':
        return this.call(node);
      case 'block': {
        const parts = node.expressions ?? [];
        if (parts.length === 0) no('empty block');
        let v: Val | undefined;
        for (const p of parts) v = this.checked(p);
        return v!;
      }
      default:
        return no(`${node.type} expressions`);
    }
  }

  /** A value as a boolean, JSONata's way, with the common case (already a boolean) inline. */
  private truth(code: string): string {
    return `(typeof ${code} === 'boolean' ? ${code} : jb(${code}))`;
  }

  /**
   * A path of plain names from the record (known to be a plain object: the function checks it on entry). A step
   * that meets an array needs the interpreter (sequences map and flatten); one that meets a scalar gives nothing.
   */
  private path(steps: Ast[]): Val {
    if (steps.length === 0) no('empty path');
    const names = steps.map((s) => {
      checkKeys(s);
      if (s.type !== 'name') no('path steps other than plain names');
      return propertyName(s.value);
    });
    const t = this.temp();
    this.line(`let ${t} = r[${names[0]}];`);
    let close = '';
    for (const name of names.slice(1)) {
      this.line(`if (${t} !== undefined) {`);
      this.line(`if (isArray(${t})) return BAIL;`);
      this.line(`${t} = typeof ${t} === 'object' && ${t} !== null ? ${t}[${name}] : undefined;`);
      close += '}';
    }
    if (close) this.line(close);
    this.line(`if (typeof ${t} === 'object' ? isArray(${t}) : typeof ${t} === 'function') return BAIL;`);
    return { code: t, bail: false };
  }

  private unary(node: Ast): Val {
    const t = this.temp();
    if (node.value === '-') {
      const e = this.checked(node.expression!);
      this.line(`let ${t};`);
      this.line(`if (typeof ${e.code} === 'number') ${t} = -${e.code}; else if (${e.code} !== undefined) return BAIL;`);
      return { code: t, bail: false };
    }
    if (node.value === '[') {
      this.line(`const ${t} = [];`);
      for (const item of node.expressions ?? []) {
        const nested = item.type === 'unary' && item.value === '[';
        const v = this.checked(item);
        if (v.literal) this.line(`${t}.push(${v.code});`);
        else if (nested) this.line(`if (${v.code} !== undefined) ${t}.push(${v.code});`);
        else this.line(`if (${v.code} !== undefined) { if (isArray(${v.code})) return BAIL; ${t}.push(${v.code}); }`);
      }
      return { code: t, bail: false };
    }
    if (node.value === '{') {
      const pairs = (node.lhs as Ast[][]).map(([k, v]) => {
        if (k!.type !== 'string') no('computed object keys');
        return [propertyName(k!.value), v!] as const;
      });
      if (new Set(pairs.map(([k]) => k)).size !== pairs.length) no('duplicate object keys');
      this.line(`const ${t} = {};`);
      this.assignPairs(t, pairs);
      return { code: t, bail: false };
    }
    return no(`unary ${String(node.value)}`);
  }

  /** Set each pair whose value is not undefined on the object `target`, in order. */
  private assignPairs(target: string, pairs: readonly (readonly [string, Ast])[]): void {
    for (const [k, vNode] of pairs) {
      const v = this.checked(vNode);
      if (v.literal) this.line(`${target}[${k}] = ${v.code};`);
      else this.line(`if (${v.code} !== undefined) ${target}[${k}] = ${v.code};`);
    }
  }

  private binary(node: Ast): Val {
    const op = String(node.value);
    const t = this.temp();
    if (op === 'and' || op === 'or') {
      const isAnd = op === 'and';
      const a = this.checked(node.lhs as Ast);
      const rhs = this.block(node.rhs!);
      const check = rhs.val.bail ? `if (${rhs.val.code} === BAIL) return BAIL;` : '';
      this.line(`let ${t};`);
      this.line(`if (${this.truth(a.code)} !== ${isAnd}) ${t} = ${!isAnd};`);
      this.line(`else { ${rhs.body}\n${check} ${t} = ${this.truth(rhs.val.code)}; }`);
      return { code: t, bail: false };
    }
    const a = this.checked(node.lhs as Ast);
    const b = this.checked(node.rhs!);
    const [x, y] = [a.code, b.code];
    const isNum = (v: Val) => v.literal !== undefined && typeof v.literal.value === 'number';
    const isStr = (v: Val) => v.literal !== undefined && typeof v.literal.value === 'string';
    const numberTest = (v: Val) => (isNum(v) ? 'true' : `typeof ${v.code} === 'number'`);
    this.line(`let ${t};`);
    if (ARITH.has(op)) {
      // Numbers compute; a missing operand gives nothing; anything else, or a result that is not finite, is the
      // interpreter's to report.
      const notNumber = (v: Val) => (isNum(v) ? 'false' : `(${v.code} !== undefined && typeof ${v.code} !== 'number')`);
      this.line(
        `if (${numberTest(a)} && ${numberTest(b)}) { ${t} = ${x} ${op} ${y}; if (${t} - ${t} !== 0) return BAIL; }`,
      );
      this.line(`else if (${notNumber(a)} || ${notNumber(b)}) return BAIL;`);
      return { code: t, bail: false };
    }
    if (COMPARE.has(op)) {
      const ok = (v: Val) =>
        v.literal
          ? isNum(v) || isStr(v)
            ? 'true'
            : 'false'
          : `(${v.code} === undefined || typeof ${v.code} === 'string' || typeof ${v.code} === 'number')`;
      this.line(
        `if ((${numberTest(a)} && ${numberTest(b)}) || (typeof ${x} === 'string' && typeof ${y} === 'string')) ${t} = ${x} ${op} ${y};`,
      );
      this.line(`else if (!${ok(a)} || !${ok(b)}) return BAIL;`);
      this.line(`else if (${x} !== undefined && ${y} !== undefined) return BAIL;`);
      return { code: t, bail: false };
    }
    if (op === '=' || op === '!=') {
      const eq = op === '=';
      const scalar = (v: Val) =>
        v.literal
          ? 'true'
          : `(${v.code} === null || (typeof ${v.code} !== 'object' && typeof ${v.code} !== 'function'))`;
      // Missing on either side is false (for = and != alike); equal scalars are equal; objects and arrays are
      // the interpreter's (deep equality).
      this.line(`if (${x} === undefined || ${y} === undefined) ${t} = false;`);
      this.line(`else if (!${scalar(a)} || !${scalar(b)}) return BAIL;`);
      this.line(`else ${t} = ${eq ? '' : '!'}(${x} === ${y});`);
      return { code: t, bail: false };
    }
    if (op === '&') {
      const asString = (v: Val): string => {
        if (isStr(v)) return v.code;
        const s = this.temp();
        this.line(
          `const ${s} = typeof ${v.code} === 'string' ? ${v.code} : ${v.code} === undefined ? '' : str(${v.code});`,
        );
        this.line(`if (${s} === BAIL) return BAIL;`);
        return s;
      };
      this.line(`${t} = ${asString(a)} + ${asString(b)};`);
      return { code: t, bail: false };
    }
    if (op === 'in') {
      this.line(`${t} = inList(${x}, ${y});`);
      return { code: t, bail: true };
    }
    return no(`operator ${op}`);
  }

  private condition(node: Ast): Val {
    const c = this.checked(node.condition!);
    const t = this.temp();
    const branch = (n: Ast | undefined): string => {
      if (!n) return `${t} = undefined;`;
      const { body, val } = this.block(n);
      return `${body}\n${val.bail ? `if (${val.code} === BAIL) return BAIL;` : ''} ${t} = ${val.code};`;
    };
    this.line(`let ${t};`);
    this.line(`if (${this.truth(c.code)}) { ${branch(node.then)} } else { ${branch(node.else)} }`);
    return { code: t, bail: false };
  }

  private call(node: Ast): Val {
    const proc = node.procedure;
    if (!proc || proc.type !== 'variable') no('calls of anything but a built-in function');
    const name = String(proc!.value);
    if (!Object.hasOwn(FUNCTIONS, name)) no(`function $${name}`);
    const args = node.arguments ?? [];
    if (args.length !== 1) no(`$${name} with ${args.length} arguments`);
    const arg = args[0]!;
    if (name === 'merge' && arg.type === 'unary' && arg.value === '[') return this.mergeList(arg.expressions ?? []);
    const v = this.checked(arg);
    const t = this.temp();
    if (name === 'exists') {
      this.line(`const ${t} = ${v.code} !== undefined;`);
      return { code: t, bail: false };
    }
    this.line(`const ${t} = F[${JSON.stringify(name)}](${v.code});`);
    return { code: t, bail: true };
  }

  /**
   * `$merge([a, b, ...])` written straight into one new object: each part that has a value must be an object
   * (else the interpreter decides), and its fields are copied in order; `{...}` parts are assigned field by field.
   */
  private mergeList(items: Ast[]): Val {
    const t = this.temp();
    this.line(`const ${t} = {};`);
    for (const item of items) {
      checkKeys(item);
      if (item.type === 'unary' && item.value === '{') {
        const pairs = (item.lhs as Ast[][]).map(([k, v]) => {
          if (k!.type !== 'string') no('computed object keys');
          return [propertyName(k!.value), v!] as const;
        });
        if (new Set(pairs.map(([k]) => k)).size !== pairs.length) no('duplicate object keys');
        this.assignPairs(t, pairs);
        continue;
      }
      if (item.type === 'unary' && item.value === '[') {
        no('$merge of an array part'); // merge needs objects: the interpreter reports it
      }
      const v = this.checked(item);
      if (v.code === 'r') {
        // The record is a plain JSON object (checked on entry): its own fields are all its fields.
        this.line(`assign(${t}, r);`);
        continue;
      }
      this.line(`if (${v.code} !== undefined) {`);
      this.line(`if (typeof ${v.code} !== 'object' || ${v.code} === null || isArray(${v.code})) return BAIL;`);
      this.line(`for (const k in ${v.code}) ${t}[k] = ${v.code}[k];`);
      this.line('}');
    }
    return { code: t, bail: false };
  }
}

/** The source of `function (r) { ... }` for a tree; throws NotCompilable outside the subset. */
function functionSource(ast: Ast): string {
  const w = new Writer();
  const v = w.value(ast);
  return [
    'return function expression(r) {',
    // Records are plain objects; anything else (and there is nothing else on a record port) is the interpreter's.
    "if (typeof r !== 'object' || r === null || isArray(r)) return BAIL;",
    ...w.out,
    `return ${v.code};`,
    '};',
  ].join('\n');
}

/**
 * Compile a parsed JSONata expression tree (`jsonata(text).ast()`); undefined when it is outside the subset.
 * The result is a plain, synchronous function of the record.
 */
export function compileAst(ast: unknown): Compiled | undefined {
  let body: string;
  try {
    body = functionSource(ast as Ast);
  } catch (err) {
    if (err instanceof NotCompilable) return undefined;
    throw err;
  }
  return generateFunction<Compiled>(body);
}
