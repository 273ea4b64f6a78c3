/**
 * Shared pieces of the expression operators.
 */
import { z } from 'zod';
import type { PortInfo } from '../../../shared/spec';
import { BAIL, compileExpression, lintExpression } from '../../expression';
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
      const finishSlowly = async (batch: Rec[], from: number, out: Rec[]): Promise<void> => {
        for (let i = from; i < batch.length; i++) {
          const r = batch[i]!;
          try {
            let v = expr.fast(r);
            if (v === BAIL) v = await expr.evaluate(r);
            spec.apply(v, r, out, ctx, cfg);
          } catch (err) {
            ctx.error((err as Error).message);
          }
        }
        return ctx.emit('out', out);
      };
      return {
        process(_port, batch) {
          const out: Rec[] = [];
          for (let i = 0; i < batch.length; i++) {
            const r = batch[i]!;
            const v = expr.fast(r);
            // The first record the compiled code declines switches the rest of the batch to the slow path, in order.
            if (v === BAIL) return finishSlowly(batch, i, out);
            spec.apply(v, r, out, ctx, cfg);
          }
          return ctx.emit('out', out);
        },
      };
    },
  });
}
