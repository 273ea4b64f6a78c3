/**
 * `map`: turns each record into a new one with a JSONata expression.
 */
import { z } from 'zod';
import { expressionField, expressionOperator, isPlainObject } from './common';

export const MAP = 'map';

export default expressionOperator({
  type: MAP,
  title: 'Map',
  description:
    'Turns each record into a new one with a JSONata expression (an object). Records whose result has no value are dropped and counted.',
  output: 'The new records.',
  config: z.strictObject({
    expression: expressionField(
      'The new record. Must give an object; a result with no value drops the record.',
      '$merge([$, {"value": coins * 2}])',
    ),
  }),
  field: 'expression',
  apply(value, _record, out, ctx, cfg) {
    if (value === undefined) ctx.drop(1);
    else if (isPlainObject(value)) out.push(value);
    else ctx.error(`expression "${cfg.expression}" gave ${Array.isArray(value) ? 'an array' : typeof value}, expected an object`);
  },
});
