/**
 * JSONata expressions, compiled once per node. Errors name the node, the field and the position in the expression.
 */
import jsonata from 'jsonata';

export interface CompiledExpression {
  readonly source: string;
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
  const excerpt = typeof e.position === 'number' ? ` (near "${source.slice(Math.max(0, e.position - 10), e.position + 5)}")` : '';
  return `${e.message ?? String(err)}${at}${excerpt}`;
}

/** Compile a JSONata expression; throws an Error whose message says where the syntax is wrong. */
export function compileExpression(source: string): CompiledExpression {
  let expr: ReturnType<typeof jsonata>;
  try {
    expr = jsonata(source);
  } catch (err) {
    throw new Error(`JSONata syntax error: ${describeExpressionError(err, source)}`);
  }
  return {
    source,
    async evaluate(record) {
      try {
        return await expr.evaluate(record);
      } catch (err) {
        throw new Error(`expression "${source}" failed: ${describeExpressionError(err, source)}`);
      }
    },
  };
}

/** Lint helper: report a compile error for a config field, or nothing. */
export function lintExpression(source: string, field: string, report: (field: string, message: string) => void): void {
  try {
    compileExpression(source);
  } catch (err) {
    report(field, (err as Error).message);
  }
}
