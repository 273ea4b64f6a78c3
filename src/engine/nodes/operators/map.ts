/**
 * `map`: turns each record into a new one with a JSONata expression.
 */
import { z } from 'zod';
import { compileExpression, lintExpression } from '../../expression';
import { defineNode, type Rec } from '../../spec';
import { expressionField, isRecord, recordIn } from './common';

export const MAP = 'map';

const config = z.strictObject({
  expression: expressionField(
    'The new record. Must give an object; a result with no value drops the record.',
    '$merge([$, {"value": coins * 2}])',
  ),
});

export default defineNode({
  type: MAP,
  category: 'operators',
  title: 'Map',
  description: 'Turns each record into a new one with a JSONata expression (an object). Records whose result has no value are dropped and counted.',
  inputs: recordIn,
  outputs: [{ name: 'out', type: 'record', description: 'The new records.' }],
  config,
  lint: (cfg, report) => lintExpression(cfg.expression, 'expression', report),
  create(cfg, ctx) {
    const expr = compileExpression(cfg.expression);
    return {
      async process(_port, batch) {
        const out: Rec[] = [];
        for (const r of batch) {
          try {
            const v = await expr.evaluate(r);
            if (v === undefined) ctx.drop(1);
            else if (isRecord(v)) out.push(v);
            else ctx.error(`expression "${cfg.expression}" gave ${Array.isArray(v) ? 'an array' : typeof v}, expected an object`);
          } catch (err) {
            ctx.error((err as Error).message);
          }
        }
        return ctx.emit('out', out);
      },
    };
  },
});
