/**
 * `key-by`: computes each record's key with a JSONata expression and stores it in a field, for windows downstream.
 */
import { z } from 'zod';
import { expressionField, expressionOperator } from './common';

export const KEY_BY = 'key-by';

export default expressionOperator({
  type: KEY_BY,
  title: 'Key by',
  description: 'Computes each record’s key with a JSONata expression and stores it (as a string) in a field; windows group by it.',
  output: 'The records, each with its key.',
  config: z.strictObject({
    key: expressionField('The key of a record.', 'room'),
    field: z.string().min(1).default('key').describe('The field that receives the key (as a string).'),
  }),
  field: 'key',
  apply(value, record, out, ctx, cfg) {
    if (value === undefined || value === null) ctx.error(`key expression "${cfg.key}" gave no value for a record`);
    else {
      // A record nobody else holds gets its key in place; a shared one is copied (Object.assign, not spread:
      // spreading objects built key by key, as $merge does, is several times slower in V8).
      const keyed: Record<string, unknown> = ctx.exclusiveInput ? record : Object.assign({}, record);
      keyed[cfg.field] = typeof value === 'string' ? value : JSON.stringify(value);
      out.push(keyed);
    }
  },
});
