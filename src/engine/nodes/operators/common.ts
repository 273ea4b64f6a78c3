/**
 * Shared pieces of the expression operators.
 */
import { z } from 'zod';
import type { PortInfo } from '../../../shared/spec';
import { compileExpression, lintExpression } from '../../expression/expression';
import { stepApply, stepLoop } from '../../runtime/fusion';
import { defineNode, type NodeContext, type NodeSpec, type Rec } from '../../contract/spec';

export const recordIn: PortInfo[] = [{ name: 'in', type: 'record', description: 'Records to process.' }];

/** A JSONata expression field; `multiline`: edited in the inspector's code editor (longer expressions). */
export const expressionField = (description: string, example: string, multiline = true): z.ZodString => {
  const field = z.string().min(1, 'an expression is required').describe(`${description} JSONata, e.g. \`${example}\`.`);
  return multiline ? field.meta({ widget: 'code' }) : field;
};

export { isPlainObject, jsonataBoolean } from '../../expression/json-values';

/**
 * What an operator does with one record and its expression's value, as JavaScript statements (see
 * `FusableStep.code`): `v` is the value, `r` the record; `continue` drops the record, otherwise `r` goes on. The
 * statements reach the returned `values` through the name given to `code`. One definition serves the batch
 * loop, the interpreter's path and the fused chain.
 */
export interface OperatorStep {
  code(x: string): string;
  values: Record<string, unknown>;
}

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
  step(cfg: z.output<S>, ctx: NodeContext): OperatorStep;
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
      const { code, values } = spec.step(cfg, ctx);
      const step = { fast: expr.fast, evaluate: (r: unknown) => expr.evaluate(r), code, values };
      // Generated for this node: the compiled expression and the step inline into the loop.
      const loop = stepLoop(step);
      const applyOne = stepApply(step);
      /** From the first record the compiled code declines: that one through the interpreter, then on, in order. */
      const finishSlowly = async (batch: Rec[], from: number, out: Rec[]): Promise<void> => {
        for (let i = from; i < batch.length; i = loop(batch, i + 1, out)) {
          const r = batch[i]!;
          try {
            applyOne(await expr.evaluate(r), r, out);
          } catch (err) {
            ctx.error((err as Error).message, r);
          }
        }
        return ctx.emit('out', out);
      };
      return {
        step,
        process(_port, batch) {
          const out: Rec[] = [];
          const declined = loop(batch, 0, out);
          if (declined < batch.length) return finishSlowly(batch, declined, out);
          return ctx.emit('out', out);
        },
      };
    },
  });
}
