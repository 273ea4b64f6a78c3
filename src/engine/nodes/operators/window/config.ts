/**
 * The window node's config: kind, size, event time, key, watermark delay, lateness, scope and aggregates.
 */
import { z } from 'zod';

const aggregate = z
  .strictObject({
    op: z.enum(['count', 'sum', 'min', 'max', 'avg', 'top']).describe('The aggregate function.'),
    field: z.string().min(1).optional().describe('The numeric field it reads (not needed for count).'),
    as: z.string().min(1).describe('The output field.'),
    by: z.string().min(1).optional().describe('top: the field that names an entry (e.g. user).'),
    n: z.number().int().min(1).max(1000).default(10).describe('top: how many entries.'),
  })
  .superRefine((a, ctx) => {
    if (a.op !== 'count' && !a.field)
      ctx.addIssue({ code: 'custom', path: ['field'], message: `${a.op} needs a field` });
    if (a.op === 'top' && !a.by)
      ctx.addIssue({ code: 'custom', path: ['by'], message: 'top needs "by", the field that names an entry' });
  });

export const windowConfig = z
  .strictObject({
    kind: z
      .enum(['tumbling', 'sliding'])
      .default('tumbling')
      .describe('Tumbling windows do not overlap; sliding ones do.'),
    sizeMs: z.number().int().min(1).default(1000).describe('Window length.').meta({ unit: 'ms' }),
    slideMs: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Sliding windows: how often a window starts.')
      .meta({ unit: 'ms' }),
    timeField: z.string().min(1).default('ts').describe('The field holding the event time (ms since the epoch).'),
    keyField: z
      .string()
      .min(1)
      .default('key')
      .describe('The field holding the key (set by key-by); records without it share one window.'),
    watermarkDelayMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('How far out of order events may arrive before the watermark passes them.')
      .meta({ unit: 'ms' }),
    allowedLatenessMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('How long a fired window is kept for late records, which update and re-fire it.')
      .meta({ unit: 'ms' }),
    scope: z
      .enum(['all', 'partition'])
      .default('all')
      .describe(
        'all: one result per key and window, whatever Kafka partitions the key’s records arrive on; the watermark is the minimum over the partitions (idle ones aside), as in Flink. partition: windows and watermark per Kafka partition the records came from — results are PER PARTITION (a key whose records are on several partitions gets one partial result from each); right only when the topic is keyed by the window’s key.',
      ),
    aggregates: z
      .array(aggregate)
      .min(1)
      .default([{ op: 'count', as: 'count', n: 10 }])
      .describe('What to compute per key and window.'),
  })
  .superRefine((c, ctx) => {
    if (c.kind === 'sliding' && c.slideMs === undefined)
      ctx.addIssue({ code: 'custom', path: ['slideMs'], message: 'sliding windows need slideMs' });
    if (c.slideMs !== undefined && c.slideMs > c.sizeMs)
      ctx.addIssue({
        code: 'custom',
        path: ['slideMs'],
        message: `slideMs (${c.slideMs}) must not exceed sizeMs (${c.sizeMs})`,
      });
  });

export type WindowConfig = z.output<typeof windowConfig>;
export type Aggregate = WindowConfig['aggregates'][number];
