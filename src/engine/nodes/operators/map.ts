/**
 * `map`: turns each record into a new one with a JSONata expression.
 */
import { z } from 'zod';
import type { Rec } from '../../contract/spec';
import { expressionField, expressionOperator } from './common';

export const MAP = 'map';

export default expressionOperator({
  type: MAP,
  title: 'Map',
  description:
    'Turns each record into a new one with a JSONata expression (an object). Records whose result has no value are dropped and counted. Where a record was read from Kafka, its _kafka field (where it came from) goes on with the new one unless the expression sets it, as a record’s timestamp travels with it in Flink.',
  output: 'The new records.',
  config: z.strictObject({
    expression: expressionField(
      'The new record. Must give an object; a result with no value drops the record.',
      '$merge([$, {"value": coins * 2}])',
    ),
  }),
  field: 'expression',
  step: (cfg, ctx) => ({
    code: (x) => `if (v === undefined) { ${x}.drop(); continue; }
if (typeof v !== 'object' || v === null || isArray(v)) { ${x}.notObject(v, r); continue; }
if (r._kafka !== undefined && v._kafka === undefined) v._kafka = r._kafka;
r = v;`,
    values: {
      drop: () => ctx.drop(1),
      notObject: (v: unknown, r: Rec) =>
        ctx.error(
          `expression "${cfg.expression}" gave ${Array.isArray(v) ? 'an array' : typeof v}, expected an object`,
          r,
        ),
    },
  }),
});
