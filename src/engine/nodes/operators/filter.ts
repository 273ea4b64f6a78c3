/**
 * `filter`: keeps the records for which a JSONata expression is true.
 */
import { z } from 'zod';
import { expressionField, expressionOperator } from './common';

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
  // JSONata's truth: booleans as they are, the rest by $boolean.
  step: () => ({ code: () => 'if (!(v === true || (v !== false && jb(v)))) continue;', values: {} }),
});
