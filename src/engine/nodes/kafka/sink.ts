/**
 * `kafka-sink`: records (as JSON) or bytes to a Kafka topic. A record is acknowledged upstream only when the broker
 * has it (with the acks asked for), so a Kafka source before it commits only what is written. While the brokers are
 * away the sends wait and retry with backoff (the node shows `reconnecting`), and upstream waits with them.
 */
import { z } from 'zod';
import { bytesOf, defineNode, type Hold, type Rec } from '../../contract/spec';
import { compileExpression, evaluateExpression as evaluate, lintExpression } from '../../expression/expression';
import { kafkaClient, kafkaError, type Message, type Producer } from '../../connectors/kafka/client';
import { resolveProfile } from '../../connectors/kafka/profiles';
import { profileField } from './common';
import { Fmp4Splitter, type Fmp4Part, type InitSegment } from '../../media/fmp4';
import { KAFKA_FIELD } from './source';

const config = z.strictObject({
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
  compression: z.enum(['none', 'gzip']).default('none').describe('Compress each batch.'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(500)
    .describe('Records per request at most.')
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
});

/** Requests queued at most (sent one after the other); more wait (back pressure). */
const MAX_IN_FLIGHT = 8;
/** A send taking longer than this shows the node as reconnecting. */
const SLOW_MS = 2000;

const ACKS = { all: -1, leader: 1, none: 0 } as const;

export default defineNode({
  type: 'kafka-sink',
  category: 'kafka',
  title: 'Kafka sink',
  description:
    'Writes records (as JSON) or bytes to a Kafka topic; a record counts as handled once the brokers have it.',
  inputs: [
    { name: 'in', type: 'record', description: 'Records, written as JSON values.' },
    { name: 'bytes', type: 'bytes', description: 'Bytes, written as they are.' },
  ],
  outputs: [],
  config,
  lint(cfg, report) {
    if (cfg.key) lintExpression(cfg.key, 'key', report);
    if (cfg.partition) lintExpression(cfg.partition, 'partition', report);
    for (const [name, expr] of Object.entries(cfg.headers)) lintExpression(expr, `headers.${name}`, report);
  },
  create(cfg, ctx) {
    let producer: Producer | undefined;
    const key = cfg.key ? compileExpression(cfg.key) : undefined;
    const partition = cfg.partition ? compileExpression(cfg.partition) : undefined;
    const headers = Object.entries(cfg.headers).map(([name, expr]) => [name, compileExpression(expr)] as const);
    const inFlight = new Set<Promise<unknown>>();
    /** The last request: the next is sent once it is answered, so that records keep their order per partition. */
    let previous: Promise<unknown> = Promise.resolve();
    let slow = 0;

    // Video: the stream's parts, numbered; the init segment kept to repeat it before each keyframe.
    const video = cfg.stream
      ? {
          seq: 0,
          init: undefined as InitSegment | undefined,
          startMs: 0,
          splitter: undefined as Fmp4Splitter | undefined,
          parts: [] as Fmp4Part[],
        }
      : undefined;
    if (video) video.splitter = new Fmp4Splitter((p) => video.parts.push(p));
    const videoMessages = (part: Fmp4Part, repeat = false): Message[] => {
      const seq = String(video!.seq++);
      const n = Math.max(1, Math.ceil(part.data.length / cfg.maxMessageBytes));
      const base: Record<string, string> = {
        'sluice-stream': cfg.stream!,
        'sluice-seq': seq,
        'sluice-kind': part.kind,
        'sluice-codec': video!.init?.codec ?? '',
      };
      if (part.kind === 'init') base['sluice-start-ms'] = String(video!.startMs);
      if (repeat) base['sluice-repeat'] = '1';
      if (part.kind === 'fragment') base['sluice-keyframe'] = part.keyframe ? '1' : '0';
      return Array.from({ length: n }, (_, i) => ({
        key: cfg.stream!,
        value: Buffer.from(
          part.data.buffer,
          part.data.byteOffset + i * cfg.maxMessageBytes,
          Math.min(cfg.maxMessageBytes, part.data.length - i * cfg.maxMessageBytes),
        ),
        headers: { ...base, 'sluice-chunk': `${i + 1}/${n}` },
      }));
    };
    const videoPart = (b: Uint8Array): Message[] => {
      const v = video!;
      v.splitter!.push(b);
      const out: Message[] = [];
      for (const part of v.parts.splice(0)) {
        if (part.kind === 'init') {
          v.init = part;
          v.startMs = Date.now();
          out.push(...videoMessages(part));
        } else {
          if (part.keyframe && v.init && v.seq > 1) out.push(...videoMessages(v.init, true));
          out.push(...videoMessages(part));
        }
      }
      return out;
    };

    const toMessage = async (r: Rec): Promise<Message> => {
      const m: Message = { value: null };
      let value: Rec = r;
      if (!cfg.keepKafkaField && KAFKA_FIELD in r) {
        value = { ...r };
        delete value[KAFKA_FIELD];
      }
      m.value = JSON.stringify(value);
      if (key) {
        const k = await evaluate(key, r);
        if (k !== undefined && k !== null) m.key = typeof k === 'string' ? k : JSON.stringify(k);
      }
      if (partition) {
        const p = await evaluate(partition, r);
        if (typeof p !== 'number' || !Number.isInteger(p) || p < 0)
          throw new Error(`partition expression "${cfg.partition}" gave ${JSON.stringify(p)}, not a partition number`);
        m.partition = p;
      }
      if (headers.length) {
        m.headers = {};
        for (const [name, e] of headers) {
          const v = await evaluate(e, r);
          if (v !== undefined && v !== null) m.headers[name] = typeof v === 'string' ? v : JSON.stringify(v);
        }
      }
      return m;
    };

    // Messages waiting to fill a request (up to batchSize, for at most lingerMs), with the holds of their batches.
    let pending: Message[] = [];
    /** The record each pending message was made from (none for bytes), for the dead-letter path. */
    let pendingRecords: (Rec | undefined)[] = [];
    let pendingHolds: Hold[] = [];
    let lingering: ReturnType<typeof setTimeout> | undefined;

    const request = (messages: Message[]): Promise<void> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let fired = false;
      // One request at a time: kafkajs may put two concurrent sends on the wire in either order (the first waits for
      // the topic's metadata), which would reorder a key's records. Records arriving meanwhile fill the next request.
      const p = previous
        .catch(() => undefined)
        .then(() => {
          timer = setTimeout(() => {
            fired = true;
            if (++slow === 1) ctx.status('reconnecting');
          }, SLOW_MS);
          return producer!.send({
            topic: cfg.topic,
            messages,
            acks: ACKS[cfg.acks],
            compression: cfg.compression === 'gzip' ? 1 : 0,
          });
        })
        .then(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          if (fired && --slow === 0) ctx.status('running');
          inFlight.delete(p);
        });
      inFlight.add(p);
      previous = p;
      return p;
    };

    const flush = (inOrder = false): Promise<void> | void => {
      clearTimeout(lingering);
      lingering = undefined;
      const messages = pending;
      const records = pendingRecords;
      const holds = pendingHolds;
      pending = [];
      pendingRecords = [];
      pendingHolds = [];
      const requests: Promise<boolean>[] = [];
      for (let i = 0; i < messages.length; i += cfg.batchSize) {
        const recs = records.slice(i, i + cfg.batchSize);
        requests.push(
          request(messages.slice(i, i + cfg.batchSize)).then(
            () => true,
            // Not retriable (e.g. a message larger than the broker takes): each record to its source's dead-letter
            // topic where there is one; without one the batch is not acknowledged (read again on the next run).
            async (err: unknown) => {
              const why = `the broker refused it: ${kafkaError(err)}`;
              const written = recs.map((r) =>
                r ? ctx.error(`could not write to ${cfg.topic}: ${why}`, r) : undefined,
              );
              if (written.some((w) => !w)) {
                if (recs.some((r) => !r))
                  ctx.error(`could not write ${recs.length} message(s) to ${cfg.topic}: ${why}`);
                return false;
              }
              await Promise.all(written);
              return true;
            },
          ),
        );
      }
      const all = Promise.all(requests).then((ok) => {
        if (ok.every(Boolean)) holds.forEach((h) => h.release());
      });
      if (inOrder) return all;
      if (inFlight.size >= MAX_IN_FLIGHT)
        return Promise.race(inFlight).then(
          () => undefined,
          () => undefined,
        );
    };

    return {
      async open() {
        const profile = await resolveProfile(cfg.profile);
        // Video: one request in flight, so that a retry cannot put a part after the next one.
        producer = kafkaClient(profile).producer({
          allowAutoTopicCreation: true,
          idempotent: false,
          ...(video ? { maxInFlightRequests: 1 } : {}),
        });
        await producer.connect();
      },
      async process(port, batch) {
        if (port === 'bytes') {
          for (const b of bytesOf(batch)) {
            for (const m of video ? videoPart(b) : [{ value: Buffer.from(b.buffer, b.byteOffset, b.byteLength) }]) {
              pending.push(m);
              pendingRecords.push(undefined);
            }
          }
        } else {
          for (const r of batch) {
            try {
              pending.push(await toMessage(r));
              pendingRecords.push(r);
            } catch (err) {
              const written = ctx.error((err as Error).message, r);
              if (written) await written;
            }
          }
        }
        // This batch is acknowledged when the request carrying its last message is.
        pendingHolds.push(ctx.hold());
        // Video goes one request at a time: parts must reach the partition in order.
        if (video) return flush(true);
        if (pending.length >= cfg.batchSize || cfg.lingerMs === 0) return flush();
        lingering ??= setTimeout(() => void flush(), cfg.lingerMs);
      },
      async finish() {
        await flush();
        await Promise.allSettled([...inFlight]);
      },
      async close() {
        await producer?.disconnect().catch(() => undefined);
      },
    };
  },
});
