/**
 * The Kafka source's config: what to read, as which group, from where, in which format, and its event time.
 */
import { z } from 'zod';
import { profileField } from '../common';

export const kafkaSourceConfig = z.strictObject({
  profile: profileField,
  topics: z
    .array(z.string().regex(/^[\w.-]+$/, 'a topic name: letters, digits, . _ -'))
    .default([])
    .describe('The topics to read.'),
  pattern: z.string().optional().describe('Or: a regular expression; every topic whose name matches is read.'),
  group: z
    .string()
    .min(1)
    .default('sluice')
    .describe('The consumer group: members of one group share the partitions; each group reads everything.'),
  start: z
    .enum(['earliest', 'latest', 'timestamp'])
    .default('earliest')
    .describe('Where a group with no committed offset starts: the oldest record, new records only, or a time.'),
  startTimestamp: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('For start: timestamp — the time to start from (ms since 1970).')
    .meta({ unit: 'ms' }),
  format: z
    .enum(['json', 'string', 'bytes', 'fmp4'])
    .default('json')
    .describe(
      'json: each value is a JSON object (the record); string: {value}; bytes: the value as bytes on the bytes port; fmp4: video published by a Kafka sink with a stream — whole fMP4 parts on the bytes port, from an init segment on, and a preview in the studio.',
    ),
  stream: z
    .string()
    .regex(/^[\w.-]+$/)
    .optional()
    .describe('fmp4: the stream to read (its key), when the topic carries several.'),
  deadLetterTopic: z
    .string()
    .regex(/^[\w.-]+$/)
    .optional()
    .describe('Where records that cannot be read go (with headers saying why); empty: counted as errors and skipped.'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(500)
    .describe('Records passed on at a time at most (a stop waits for one such batch beyond the queues).')
    .meta({ unit: 'records' }),
  sessionTimeoutMs: z
    .number()
    .int()
    .min(6000)
    .max(300_000)
    .default(10_000)
    .describe(
      'A member not heard from this long is taken out of the group and its partitions given to the others (a crashed runner’s too).',
    )
    .meta({ unit: 'ms' }),
  commitIntervalMs: z
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(200)
    .describe('How often acknowledged offsets are committed.')
    .meta({ unit: 'ms' }),
  schema: z
    .record(z.string().min(1), z.enum(['string', 'number', 'integer', 'boolean']))
    .optional()
    .describe(
      'The fields of the JSON records and their types, for running on Flink (which reads named, typed columns; a field not listed is not read there). `sluice schema <file> <node>` infers it from messages sampled from the topic and writes it here for review.',
    ),
  timeField: z
    .string()
    .min(1)
    .default('ts')
    .describe(
      'The field holding each record’s event time (ms since the epoch), from which the watermarks are made; a record without one (and string or bytes values) counts with the Kafka record’s timestamp.',
    ),
  idleTimeoutMs: z
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(5000)
    .describe(
      'A partition with no records for this long is idle: it stops holding the watermark back until it has records again (Flink’s withIdleness). 0: never idle — an empty partition then holds every window back.',
    )
    .meta({ unit: 'ms' }),
});

export type KafkaSourceConfig = z.output<typeof kafkaSourceConfig>;
