/**
 * Shared pieces of the expression operators.
 */
import { z } from 'zod';
import type { PortInfo } from '../../../shared/spec';
import { batchLoop, compileExpression, lintExpression } from '../../expression';
import { defineNode, type NodeContext, type NodeSpec, type Rec } from '../../spec';

export const recordIn: PortInfo[] = [{ name: 'in', type: 'record', description: 'Records to process.' }];

export const expressionField = (description: string, example: string): z.ZodString =>
  z.string().min(1, 'an expression is required').describe(`${description} JSONata, e.g. \`${example}\`.`);

export { isPlainObject, jsonataBoolean } from '../../json-values';


/** What an expression operator does with one record and its expression's value. */
export type ApplyExpression<C> = (value: unknown, record: Record<string, unknown>, out: Record<string, unknown>[], ctx: NodeContext, cfg: C) => void;

/**
 * Declare an operator that evaluates one JSONata expression per record (filter, map, key-by): the expression is
 * linted at validation, compiled once at start, and a record whose evaluation fails is reported and skipped.
 */
export function expressionOperator<S extends z.ZodObject>(spec: {
  type: string;
  title: string;
  description: string;
  output: string;
  config: S;
  /** The config field holding the expression. */
  field: keyof z.output<S> & string;
  apply: ApplyExpression<z.output<S>>;
}): NodeSpec<S> {
  const source = (cfg: z.output<S>): string => cfg[spec.field] as string;
  return defineNode({
    type: spec.type,
    category: 'operators',
    title: spec.title,
    description: spec.description,
    inputs: recordIn,
    outputs: [{ name: 'out', type: 'record', description: spec.output }],
    config: spec.config,
    chainable: true,
    lint: (cfg, report) => lintExpression(source(cfg), spec.field, report),
    create(cfg, ctx) {
      const expr = compileExpression(source(cfg));
      // One generated loop per operator: the compiled expression and `apply` inline into it.
      const loop = batchLoop(expr.fast, spec.apply);
      /** From the first record the compiled code declines: that one through the interpreter, then on, in order. */
      const finishSlowly = async (batch: Rec[], from: number, out: Rec[]): Promise<void> => {
        for (let i = from; i < batch.length; i = loop(batch, i + 1, out, ctx, cfg)) {
          const r = batch[i]!;
          try {
            spec.apply(await expr.evaluate(r), r, out, ctx, cfg);
          } catch (err) {
            ctx.error((err as Error).message);
          }
        }
        return ctx.emit('out', out);
      };
      return {
        process(_port, batch) {
          const out: Rec[] = [];
          const declined = loop(batch, 0, out, ctx, cfg);
          if (declined < batch.length) return finishSlowly(batch, declined, out);
          return ctx.emit('out', out);
        },
      };
    },
  });
}
