/**
 * `filter`: keeps the records for which a JSONata expression is true.
 */
import { z } from 'zod';
import { expressionField, expressionOperator, jsonataBoolean } from './common';

export const FILTER = 'filter';

export default expressionOperator({
  type: FILTER,
  title: 'Filter',
  description: 'Keeps the records for which a JSONata expression is true; drops the others.',
  output: 'The records kept.',
  config: z.strictObject({
    expression: expressionField('Keep a record when this is true.', "type = 'gift'"),
  }),
  field: 'expression',
  apply(value, record, out) {
    if (jsonataBoolean(value)) out.push(record);
  },
});
