/**
 * `key-by`: computes each record's key with a JSONata expression and stores it in a field, for windows downstream.
 */
import { z } from 'zod';
import type { Rec } from '../../contract/spec';
import { expressionField, expressionOperator } from './common';

export const KEY_BY = 'key-by';

export default expressionOperator({
  type: KEY_BY,
  title: 'Key by',
  description:
    'Computes each record’s key with a JSONata expression and stores it (as a string) in a field; windows group by it.',
  output: 'The records, each with its key.',
  config: z.strictObject({
    key: expressionField('The key of a record.', 'room', false),
    field: z
      .string()
      .min(1)
      .refine((f) => f !== '__proto__', 'this name cannot be a field')
      .default('key')
      .describe('The field that receives the key (as a string).'),
  }),
  field: 'key',
  step: (cfg, ctx) => ({
    // A record nobody else holds gets its key in place; a shared one is copied first (Object.assign, not spread:
    // spreading objects built key by key, as $merge does, is several times slower in V8).
    code: (x) => `if (v === undefined || v === null) { ${x}.noKey(r); continue; }
const key = typeof v === 'string' ? v : ${x}.stringify(v);
${ctx.exclusiveInput ? '' : 'r = assign({}, r);'}
r[${JSON.stringify(cfg.field)}] = key;`,
    values: {
      noKey: (r: Rec) => ctx.error(`key expression "${cfg.key}" gave no value for a record`, r),
      stringify: (v: unknown) => JSON.stringify(v),
    },
  }),
});
