/**
 * The Kafka sink's config: the topic, the key, partition and headers as JSONata, acks, batching and video.
 */
import { z } from 'zod';
import { profileField } from '../common';

export const kafkaSinkConfig = z
  .strictObject({
    profile: profileField,
    topic: z
      .string()
      .regex(/^[\w.-]+$/, 'a topic name: letters, digits, . _ -')
      .describe('The topic to write to.'),
    key: z
      .string()
      .optional()
      .describe('JSONata: the message key (e.g. room); empty: no key (partitions taken in turn).'),
    partition: z.string().optional().describe('JSONata: the partition number; empty: by the key’s hash.'),
    headers: z
      .record(z.string().regex(/^[\w.-]+$/), z.string())
      .default({})
      .describe('Headers: name → JSONata expression giving its value.'),
    acks: z
      .enum(['all', 'leader', 'none'])
      .default('all')
      .describe(
        'all: every in-sync replica has it; leader: the leader has it; none: sent and not waited for (not at-least-once).',
      ),
    idempotent: z
      .boolean()
      .default(false)
      .describe(
        'The broker keeps each message once even when a request is sent again after a lost reply (a producer id and sequence numbers; acks must be all).',
      ),
    compression: z.enum(['none', 'gzip']).default('none').describe('Compress each batch.'),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(2000)
      .describe('Records per request at most (a request is also kept under about 320 KiB of keys and values).')
      .meta({ unit: 'records' }),
    lingerMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(5)
      .describe('Wait this long for more records to fill a request.')
      .meta({ unit: 'ms' }),
    stream: z
      .string()
      .regex(/^[\w.-]+$/)
      .optional()
      .describe(
        'Video: the bytes are fMP4 parts from a packager, published as this stream (the message key), with headers for sequence, codec and init segments; the init segment is repeated before each keyframe so a viewer can join at any time.',
      ),
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(900_000)
      .describe(
        'Video: parts larger than this are split into several messages (the broker’s message.max.bytes is about 1 MB by default).',
      )
      .meta({ unit: 'bytes' }),
    keepKafkaField: z
      .boolean()
      .default(false)
      .describe('Write a record’s _kafka field (where it was read from) into the value too.'),
  })
  .superRefine((c, ctx) => {
    if (c.idempotent && c.acks !== 'all')
      ctx.addIssue({
        code: 'custom',
        path: ['acks'],
        message: `an idempotent producer needs acks: all, not ${c.acks}`,
      });
  });

export type KafkaSinkConfig = z.output<typeof kafkaSinkConfig>;
