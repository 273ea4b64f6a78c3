/**
 * JSONata → Flink SQL: the common subset the expression compiler runs (field names, literals, arithmetic,
 * comparisons, `and`/`or`, `&`, `in` a list, `? :`, the string/number functions, object constructors and
 * `$merge([$, {...}])`) written as SQL expressions over the record's columns. Anything else is refused with the
 * construct named: nothing is deployed that would compute something else than the in-process engine.
 *
 * Where JSONata and SQL differ on a value, the difference is small and documented: a missing field is SQL's NULL
 * (JSONata's "no value"), a comparison with it is not true in either; `$string` of a whole DOUBLE keeps its ".0"
 * in SQL.
 */
import jsonata from 'jsonata';
import { describeExpressionError } from '../../expression/expression';
import type { Ast } from '../../expression/ast';

/** The column types the compiler gives records (a window's top-N: an array of rows, written out whole). */
export type SqlType = 'STRING' | 'DOUBLE' | 'BIGINT' | 'BOOLEAN' | 'NULL' | `ARRAY<${string}>`;

/** The columns a node's records carry, in order. */
export type Columns = Map<string, SqlType>;

/** An expression written as SQL, with its type. */
export interface SqlValue {
  sql: string;
  type: SqlType;
  /** Set for a bare column reference: the column's name. */
  column?: string;
}

/** Why an expression does not compile to SQL: the construct, in words. */
export class NotSql extends Error {}
const refuse = (why: string): never => {
  throw new NotSql(why);
};

/** An identifier, back-quoted (a back quote inside doubled). */
export const ident = (name: string): string => '`' + name.replace(/`/g, '``') + '`';

/** A string literal; line breaks become CHR(10)/CHR(13) so that no statement holds a line break in a literal. */
export function stringLiteral(s: string): string {
  const parts = s
    .split(/(\r|\n)/)
    .filter((p) => p !== '')
    .map((p) => (p === '\n' ? 'CHR(10)' : p === '\r' ? 'CHR(13)' : `'${p.replace(/'/g, "''")}'`));
  if (parts.length === 0) return "''";
  return parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`;
}

const numeric = (t: SqlType) => t === 'DOUBLE' || t === 'BIGINT' || t === 'NULL';

function numberLiteral(v: number): SqlValue {
  if (!Number.isFinite(v)) refuse(`the number ${v}`);
  if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return { sql: String(v), type: 'BIGINT' };
  return { sql: `CAST(${String(v)} AS DOUBLE)`, type: 'DOUBLE' };
}

const FUNCTIONS: Record<string, (a: SqlValue) => SqlValue> = {
  string: (a) => ({ sql: a.type === 'STRING' ? a.sql : `CAST(${a.sql} AS STRING)`, type: 'STRING' }),
  number: (a) => ({
    sql: numeric(a.type) ? a.sql : `CAST(${a.sql} AS DOUBLE)`,
    type: numeric(a.type) ? a.type : 'DOUBLE',
  }),
  lowercase: (a) => ({ sql: `LOWER(${a.sql})`, type: 'STRING' }),
  uppercase: (a) => ({ sql: `UPPER(${a.sql})`, type: 'STRING' }),
  length: (a) => ({ sql: `CHAR_LENGTH(${a.sql})`, type: 'BIGINT' }),
  abs: (a) => ({ sql: `ABS(${a.sql})`, type: a.type }),
  floor: (a) => ({ sql: `CAST(FLOOR(${a.sql}) AS BIGINT)`, type: 'BIGINT' }),
  ceil: (a) => ({ sql: `CAST(CEIL(${a.sql}) AS BIGINT)`, type: 'BIGINT' }),
  exists: (a) => ({ sql: `(${a.sql} IS NOT NULL)`, type: 'BOOLEAN' }),
  boolean: (a) => ({ sql: truth(a), type: 'BOOLEAN' }),
  not: (a) => ({ sql: `(NOT ${truth(a)})`, type: 'BOOLEAN' }),
};

/** A value as a condition, JSONata's truth: booleans as they are, numbers true unless 0, strings unless empty. */
export function truth(v: SqlValue): string {
  switch (v.type) {
    case 'BOOLEAN':
      return v.sql;
    case 'STRING':
      return `(CHAR_LENGTH(${v.sql}) > 0)`;
    case 'NULL':
      return 'FALSE';
    default:
      return `(${v.sql} <> 0)`;
  }
}

const ARITH: Record<string, string> = { '+': '+', '-': '-', '*': '*', '/': '/', '%': '%' };
const COMPARE: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '=': '=', '!=': '<>' };

class Translator {
  constructor(private readonly columns: Columns) {}

  value(node: Ast): SqlValue {
    for (const k of ['stages', 'predicate', 'group', 'focus', 'index', 'keepArray'] as const)
      if (node[k] !== undefined)
        refuse(`${k === 'stages' || k === 'predicate' ? 'a predicate [...]' : `"${k}"`} in a path`);
    switch (node.type) {
      case 'string':
        return { sql: stringLiteral(String(node.value)), type: 'STRING' };
      case 'number':
        return numberLiteral(node.value as number);
      case 'value':
        if (node.value === null) return { sql: 'NULL', type: 'NULL' };
        return { sql: node.value ? 'TRUE' : 'FALSE', type: 'BOOLEAN' };
      case 'name':
        return this.column(String(node.value));
      case 'path': {
        const steps = node.steps ?? [];
        if (steps.length !== 1 || steps[0]!.type !== 'name')
          return refuse('a path of several steps (a.b): records on Flink are flat rows of the declared fields');
        return this.value(steps[0]!);
      }
      case 'variable':
        return refuse(
          node.value === '' ? 'the whole record ($) outside $merge([$, {...}])' : `the variable $${String(node.value)}`,
        );
      case 'unary':
        if (node.value === '-') {
          const e = this.value(node.expression!);
          if (!numeric(e.type)) refuse(`minus on a ${e.type.toLowerCase()}`);
          return { sql: `(-${e.sql})`, type: e.type };
        }
        return refuse(
          node.value === '{' ? 'an object here (only as the whole result of a map)' : 'an array here (only after "in")',
        );
      case 'binary':
        return this.binary(node);
      case 'condition': {
        const c = this.value(node.condition!);
        const a = this.value(node.then!);
        const b = node.else ? this.value(node.else) : { sql: 'NULL', type: 'NULL' as SqlType };
        const type =
          a.type === 'NULL'
            ? b.type
            : b.type === 'NULL' || b.type === a.type
              ? a.type
              : numeric(a.type) && numeric(b.type)
                ? 'DOUBLE'
                : refuse(`a condition whose branches give ${a.type.toLowerCase()} and ${b.type.toLowerCase()}`);
        return { sql: `(CASE WHEN ${truth(c)} THEN ${a.sql} ELSE ${b.sql} END)`, type };
      }
      case 'function': {
        const proc = node.procedure;
        const name = proc?.type === 'variable' ? String(proc.value) : '';
        const fn = FUNCTIONS[name];
        if (!fn) return refuse(name ? `the function $${name}` : 'calling a computed function');
        if ((node.arguments ?? []).length !== 1) refuse(`$${name} with ${(node.arguments ?? []).length} arguments`);
        return fn(this.value(node.arguments![0]!));
      }
      case 'block': {
        const parts = node.expressions ?? [];
        if (parts.length !== 1) refuse('a block of several expressions (a; b)');
        return this.value(parts[0]!);
      }
      default:
        return refuse(`${node.type} expressions`);
    }
  }

  column(name: string): SqlValue {
    const type = this.columns.get(name);
    if (!type)
      refuse(
        `the field "${name}", which the records do not have here (fields: ${[...this.columns.keys()].join(', ') || 'none'}; declare it in the Kafka source's schema)`,
      );
    return { sql: ident(name), type: type!, column: name };
  }

  private binary(node: Ast): SqlValue {
    const op = String(node.value);
    if (op === 'and' || op === 'or') {
      const a = this.value(node.lhs as Ast);
      const b = this.value(node.rhs!);
      return { sql: `(${truth(a)} ${op.toUpperCase()} ${truth(b)})`, type: 'BOOLEAN' };
    }
    if (op === 'in') {
      const a = this.value(node.lhs as Ast);
      const list = node.rhs!;
      if (list.type !== 'unary' || list.value !== '[') refuse('"in" anything but a list of literals [..]');
      const items = (list.expressions ?? []).map((i) => this.value(i));
      if (items.length === 0) return { sql: 'FALSE', type: 'BOOLEAN' };
      return { sql: `(${a.sql} IN (${items.map((i) => i.sql).join(', ')}))`, type: 'BOOLEAN' };
    }
    const a = this.value(node.lhs as Ast);
    const b = this.value(node.rhs!);
    if (op === '&') {
      const str = (v: SqlValue) =>
        v.type === 'STRING' ? `COALESCE(${v.sql}, '')` : `COALESCE(CAST(${v.sql} AS STRING), '')`;
      return { sql: `(${str(a)} || ${str(b)})`, type: 'STRING' };
    }
    if (ARITH[op]) {
      if (!numeric(a.type) || !numeric(b.type)) refuse(`"${op}" on a ${(numeric(a.type) ? b : a).type.toLowerCase()}`);
      if (op === '/') return { sql: `(CAST(${a.sql} AS DOUBLE) / ${b.sql})`, type: 'DOUBLE' };
      const type = a.type === 'DOUBLE' || b.type === 'DOUBLE' ? 'DOUBLE' : 'BIGINT';
      if (op === '%') {
        if (type === 'DOUBLE') refuse('"%" on a fraction (Flink SQL\'s MOD takes whole numbers)');
        return { sql: `MOD(${a.sql}, ${b.sql})`, type };
      }
      return { sql: `(${a.sql} ${op} ${b.sql})`, type };
    }
    if (COMPARE[op]) {
      const comparable =
        a.type === b.type || (numeric(a.type) && numeric(b.type)) || a.type === 'NULL' || b.type === 'NULL';
      if (!comparable) refuse(`comparing a ${a.type.toLowerCase()} with a ${b.type.toLowerCase()} ("${op}")`);
      return { sql: `(${a.sql} ${COMPARE[op]} ${b.sql})`, type: 'BOOLEAN' };
    }
    return refuse(`the operator "${op}"`);
  }

  /** The fields of an object constructor `{"a": x, ...}` (keys must be strings written out). */
  objectFields(node: Ast): [string, SqlValue][] {
    const pairs = node.lhs as Ast[][];
    const out: [string, SqlValue][] = [];
    for (const [k, v] of pairs) {
      if (k!.type !== 'string') refuse('a computed key in an object');
      const name = String(k!.value);
      if (out.some(([n]) => n === name)) refuse(`the key "${name}" twice in an object`);
      out.push([name, this.value(v!)]);
    }
    return out;
  }
}

function parse(source: string): Ast {
  try {
    return jsonata(source).ast() as Ast;
  } catch (err) {
    throw new NotSql(`not valid JSONata: ${describeExpressionError(err, source)}`);
  }
}

/** A JSONata expression as one SQL expression over `columns`; throws NotSql naming the construct. */
export function sqlExpression(source: string, columns: Columns): SqlValue {
  return new Translator(columns).value(parse(source));
}

/**
 * A map's expression as the new record's columns: an object constructor, or `$merge([$, {...}])` (the record's
 * columns with some replaced or added). Throws NotSql naming the construct otherwise.
 */
export function sqlRecord(source: string, columns: Columns): [string, SqlValue][] {
  const t = new Translator(columns);
  let ast = parse(source);
  while (ast.type === 'block' && ast.expressions?.length === 1) ast = ast.expressions[0]!;
  if (ast.type === 'unary' && ast.value === '{') return t.objectFields(ast);
  const proc = ast.procedure;
  if (ast.type === 'function' && proc?.type === 'variable' && proc.value === 'merge') {
    const list = ast.arguments?.[0];
    if (ast.arguments?.length !== 1 || list?.type !== 'unary' || list.value !== '[')
      refuse('$merge of anything but a list [$, {...}]');
    const fields = new Map<string, SqlValue>();
    for (const part of list!.expressions ?? []) {
      if (part.type === 'variable' && part.value === '') {
        for (const name of columns.keys()) fields.set(name, t.column(name));
      } else if (part.type === 'unary' && part.value === '{') {
        for (const [name, v] of t.objectFields(part)) fields.set(name, v);
      } else refuse('$merge of anything but $ and objects {...}');
    }
    return [...fields];
  }
  return refuse('a map result that is not an object {...} or $merge([$, {...}])');
}
