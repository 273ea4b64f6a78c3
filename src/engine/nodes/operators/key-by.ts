/**
 * `key-by`: computes each record's key with a JSONata expression and stores it in a field, for windows downstream.
 */
import { z } from 'zod';
import { compileExpression, lintExpression } from '../../expression';
import { defineNode, type Rec } from '../../spec';
import { expressionField, recordIn } from './common';

export const KEY_BY = 'key-by';

const config = z.strictObject({
  key: expressionField('The key of a record.', 'room'),
  field: z.string().min(1).default('key').describe('The field that receives the key (as a string).'),
});

export default defineNode({
  type: KEY_BY,
  category: 'operators',
  title: 'Key by',
  description: 'Computes each record’s key with a JSONata expression and stores it (as a string) in a field; windows group by it.',
  inputs: recordIn,
  outputs: [{ name: 'out', type: 'record', description: 'The records, each with its key.' }],
  config,
  lint: (cfg, report) => lintExpression(cfg.key, 'key', report),
  create(cfg, ctx) {
    const expr = compileExpression(cfg.key);
    return {
      async process(_port, batch) {
        const out: Rec[] = [];
        for (const r of batch) {
          try {
            const k = await expr.evaluate(r);
            if (k === undefined || k === null) ctx.error(`key expression "${cfg.key}" gave no value for a record`);
            else out.push({ ...r, [cfg.field]: typeof k === 'string' ? k : JSON.stringify(k) });
          } catch (err) {
            ctx.error((err as Error).message);
          }
        }
        return ctx.emit('out', out);
      },
    };
  },
});
