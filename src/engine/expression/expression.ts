/**
 * JSONata expressions, compiled once per node. The common subset runs as a plain synchronous JS function
 * (`expression-compiler.ts`); anything else, and any record the compiled code declines, goes to the JSONata
 * interpreter. Errors name the expression and the position in it.
 */
import jsonata from 'jsonata';
import { BAIL, compileAst, type Compiled } from './compiler';

export { BAIL };

export interface CompiledExpression {
  readonly source: string;
  /** Synchronous evaluation: a value, or `BAIL` when this record needs `evaluate` (or the expression is not compiled). */
  readonly fast: Compiled;
  /** True when the expression compiled to JS; false when every record goes through the interpreter. */
  readonly compiled: boolean;
  /** The interpreter, with the same result (and the errors) for every record. */
  evaluate(record: unknown): Promise<unknown>;
}

interface JsonataError {
  message?: string;
  position?: number;
  token?: string;
  code?: string;
}

/** Describe a JSONata error in words: what went wrong and where in the expression. */
export function describeExpressionError(err: unknown, source: string): string {
  const e = (err ?? {}) as JsonataError;
  const at = typeof e.position === 'number' ? ` at position ${e.position}` : '';
  const excerpt =
    typeof e.position === 'number' ? ` (near "${source.slice(Math.max(0, e.position - 10), e.position + 5)}")` : '';
  return `${e.message ?? String(err)}${at}${excerpt}`;
}

const alwaysBail: Compiled = () => BAIL;

/** Compile a JSONata expression; throws an Error whose message says where the syntax is wrong. */
export function compileExpression(source: string, options: { interpretOnly?: boolean } = {}): CompiledExpression {
  let expr: ReturnType<typeof jsonata>;
  try {
    expr = jsonata(source);
  } catch (err) {
    throw new Error(`JSONata syntax error: ${describeExpressionError(err, source)}`);
  }
  const fast = options.interpretOnly ? undefined : compileAst(expr.ast());
  return {
    source,
    fast: fast ?? alwaysBail,
    compiled: fast !== undefined,
    async evaluate(record) {
      try {
        return await expr.evaluate(record);
      } catch (err) {
        throw new Error(`expression "${source}" failed: ${describeExpressionError(err, source)}`);
      }
    },
  };
}

/** One record's value: the compiled code where it takes the record, else the interpreter. */
export async function evaluateExpression(e: CompiledExpression, record: unknown): Promise<unknown> {
  const v = e.fast(record);
  return v === BAIL ? e.evaluate(record) : v;
}

/** Lint helper: report a syntax error for a config field, or nothing (parsing is all it takes). */
export function lintExpression(
  source: string,
  field: string,
  report: (field: string, message: string, kind: 'expression') => void,
): void {
  try {
    compileExpression(source, { interpretOnly: true });
  } catch (err) {
    report(field, (err as Error).message, 'expression');
  }
}
