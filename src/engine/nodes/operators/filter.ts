/**
 * `filter`: keeps the records for which a JSONata expression is true.
 */
import { z } from 'zod';
import { compileExpression, lintExpression } from '../../expression';
import { defineNode, type Rec } from '../../spec';
import { expressionField, jsonataBoolean, recordIn } from './common';

export const FILTER = 'filter';

const config = z.strictObject({
  expression: expressionField('Keep a record when this is true.', "type = 'gift'"),
});

export default defineNode({
  type: FILTER,
  category: 'operators',
  title: 'Filter',
  description: 'Keeps the records for which a JSONata expression is true; drops the others.',
  inputs: recordIn,
  outputs: [{ name: 'out', type: 'record', description: 'The records kept.' }],
  config,
  lint: (cfg, report) => lintExpression(cfg.expression, 'expression', report),
  create(cfg, ctx) {
    const expr = compileExpression(cfg.expression);
    return {
      async process(_port, batch) {
        const out: Rec[] = [];
        for (const r of batch) {
          try {
            if (jsonataBoolean(await expr.evaluate(r))) out.push(r);
          } catch (err) {
            ctx.error((err as Error).message);
          }
        }
        return ctx.emit('out', out);
      },
    };
  },
});
