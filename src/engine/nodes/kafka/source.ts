/**
 * `kafka-source`: records from Kafka topics, as a member of a consumer group, at least once: a partition's offset
 * is committed only once every record read from it before that offset has been handled by every node downstream
 * (see kafka/offsets.ts). A record that cannot be read (bad JSON) goes to the dead-letter topic, with headers
 * naming this node, the error and where it came from; the rest flow on.
 */
import { z } from 'zod';
import { bytesItem, defineNode, type Rec } from '../../contract/spec';
import {
  kafkaClient,
  kafkaError,
  PartitionReader,
  type Consumer,
  type EachBatchPayload,
  type Producer,
} from '../../connectors/kafka/client';
import { OffsetTracker } from '../../connectors/kafka/offsets';
import { stickyAssigner } from '../../connectors/kafka/sticky';
import { resolveProfile } from '../../connectors/kafka/profiles';
import { deadLetterHeaders, headersOf, profileField, watchConnection } from './common';
import type { IHeaders } from '../../connectors/kafka/client';
import { Fmp4Splitter } from '../../media/fmp4';
import { PreviewTap } from '../../media/preview';
import { KAFKA_FIELD } from '../../workers/context';
import { PartitionClocks } from '../../connectors/kafka/partition-clocks';
import type { SourceContext, WorkerNodeContext } from '../../contract/node';

const config = z.strictObject({
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

export type KafkaSourceConfig = z.output<typeof config>;

export { KAFKA_FIELD };

export default defineNode({
  type: 'kafka-source',
  category: 'kafka',
  title: 'Kafka source',
  description:
    'Reads Kafka topics as a consumer group member, at least once: offsets are committed only after every sink downstream has the records. Sends watermarks as Flink’s Kafka source does: the largest event time per partition, the minimum over the partitions that are not idle.',
  inputs: [],
  outputs: [
    {
      name: 'out',
      type: 'record',
      description:
        'json: the value, with _kafka {topic, partition, offset, key, headers, timestamp}; string: {value, _kafka}.',
    },
    { name: 'bytes', type: 'bytes', description: 'bytes: each value as it is.' },
  ],
  config,
  eventTime: true,
  lint(cfg, report) {
    if (cfg.topics.length === 0 && !cfg.pattern) report('topics', 'name at least one topic, or a pattern');
    if (cfg.pattern) {
      try {
        new RegExp(cfg.pattern);
      } catch (err) {
        report('pattern', `not a regular expression: ${(err as Error).message}`);
      }
    }
    if (cfg.start === 'timestamp' && cfg.startTimestamp === undefined)
      report('startTimestamp', 'start: timestamp needs the time to start from');
  },
  create(cfg, ctx: SourceContext & WorkerNodeContext) {
    let consumer: Consumer | undefined;
    let deadLetters: Producer | undefined;
    /** start: timestamp — the offset of that time, per `topic/partition`. */
    const startAt = new Map<string, string>();
    const tracker = new OffsetTracker();
    /** The topics this member has partitions of (to pause them when stopping). */
    let assigned = new Set<string>();
    /** The partitions this member holds (topic → partitions): it asks to keep them at the next rebalance. */
    let holding: Record<string, number[]> = {};
    const lag = new Map<string, number>();
    const newestTime = new Map<string, number>();
    const clocks = new PartitionClocks(ctx.nodeId, cfg.idleTimeoutMs);
    /** Send the source's clock when it moved (behind the batches sent: the runner keeps the order). */
    const sendClock = (): Promise<void> | void => {
      const mark = clocks.take();
      if (mark) return ctx.watermark(mark);
    };
    /** The event time of a record read: its time field, else the Kafka record's timestamp. */
    const eventTime = (r: Rec | undefined, m: { timestamp: string }): number => {
      const t = r?.[cfg.timeField];
      return typeof t === 'number' && Number.isFinite(t) ? t : Number(m.timestamp);
    };
    const read = (
      m: EachBatchPayload['batch']['messages'][number],
      topic: string,
      partition: number,
    ): Rec | Uint8Array | Error => {
      const meta = {
        topic,
        partition,
        offset: Number(m.offset),
        key: m.key?.toString('utf8') ?? null,
        headers: headersOf(m.headers),
        timestamp: Number(m.timestamp),
      };
      if (cfg.format === 'bytes') return m.value ?? new Uint8Array(0);
      const text = m.value?.toString('utf8') ?? '';
      if (cfg.format === 'string') return { value: text, [KAFKA_FIELD]: meta };
      try {
        const v: unknown = JSON.parse(text);
        const rec = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : { value: v };
        rec[KAFKA_FIELD] = meta;
        return rec;
      } catch (err) {
        return new Error(`not JSON (${(err as Error).message})`);
      }
    };
    const video = cfg.format === 'fmp4' ? new VideoReassembly(cfg.stream) : undefined;
    const subscription = {
      topics: [...cfg.topics, ...(cfg.pattern ? [new RegExp(cfg.pattern)] : [])] as (string | RegExp)[],
      fromBeginning: cfg.start === 'earliest',
    };
    /** Set once reading has stopped: ends the periodic commits (the last one is made in close). */
    let stopCommitting: (() => void) | undefined;
    /** Marks partitions idle (when idleTimeoutMs > 0), from the start of reading to the stop. */
    let idleTimer: NodeJS.Timeout | undefined;
    const commit = async () => {
      const offsets = tracker.takeCommits();
      if (!offsets.length || !consumer) return;
      await consumer.commitOffsets(offsets).catch((err: unknown) => {
        // A retriable failure (a rebalance, a broker moving) is carried by the next commit: the offsets are taken again.
        tracker.uncommit(offsets);
        if (!(err as { retriable?: boolean }).retriable) ctx.error(`commit failed: ${kafkaError(err)}`);
      });
    };
    return {
      async open() {
        const profile = await resolveProfile(cfg.profile);
        const kafka = kafkaClient(profile);
        consumer = kafka.consumer({
          partitionAssigners: [stickyAssigner(() => holding)],
          groupId: cfg.group,
          allowAutoTopicCreation: true,
          maxWaitTimeInMs: 100,
          sessionTimeout: cfg.sessionTimeoutMs,
          heartbeatInterval: Math.min(3000, cfg.sessionTimeoutMs / 3),
        });
        watchConnection(consumer, ctx);
        await consumer.connect();
        if (cfg.start === 'timestamp') {
          const admin = kafka.admin();
          await admin.connect();
          const reader = new PartitionReader(kafka);
          try {
            for (const topic of cfg.topics) {
              const lows = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.low)]));
              for (const o of await admin.fetchTopicOffsetsByTimestamp(topic, cfg.startTimestamp)) {
                const offset = await offsetForTime(
                  reader,
                  topic,
                  o.partition,
                  cfg.startTimestamp!,
                  lows.get(o.partition) ?? 0,
                  Number(o.offset),
                );
                startAt.set(`${topic}/${o.partition}`, String(offset));
              }
            }
          } finally {
            await reader.close();
            await admin.disconnect();
          }
        }
        if (cfg.deadLetterTopic) {
          deadLetters = kafka.producer({ allowAutoTopicCreation: true });
          await deadLetters.connect();
        }
        await consumer.subscribe(subscription);
      },
      async run() {
        const c = consumer!;
        const timer = setInterval(() => void commit(), cfg.commitIntervalMs);
        // Partitions with no records for the idle timeout stop holding the watermark back.
        idleTimer =
          cfg.idleTimeoutMs > 0
            ? setInterval(
                () => {
                  if (clocks.checkIdle()) void sendClock();
                },
                Math.min(1000, Math.max(20, cfg.idleTimeoutMs / 5)),
              )
            : undefined;
        const stopped = new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
        // A rebalance took partitions away: what is in flight from them is the new owner's to read again (from the last commit).
        c.on(c.events.GROUP_JOIN, (e) => {
          clocks.assign(e.payload.memberAssignment);
          void sendClock();
          tracker.keepOnly(e.payload.memberAssignment);
          assigned = new Set(Object.keys(e.payload.memberAssignment));
          holding = e.payload.memberAssignment;
          // A worker: the partitions this member holds now (state of those taken away is the new owner's).
          ctx.worker?.assigned(ctx.nodeId, cfg.group, e.payload.memberId, e.payload.memberAssignment);
        });
        if (startAt.size) {
          // Each partition this member gets starts at the offset of the time asked for.
          c.on(c.events.GROUP_JOIN, (e) => {
            for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) {
              for (const partition of partitions) {
                const offset = startAt.get(`${topic}/${partition}`);
                if (offset !== undefined) c.seek({ topic, partition, offset });
              }
            }
          });
        }
        const options: Parameters<Consumer['run']>[0] = {
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
            const { topic, partition } = batch;
            // After a rebalance kafkajs reads every partition again from its last commit. For one this member kept,
            // what it already emitted is in flight here (it will be acknowledged and committed, or read again by the
            // next owner if this process dies): skip it rather than handle it twice.
            const seen = tracker.nextOffset(topic, partition);
            if (seen !== undefined && batch.messages.length && Number(batch.messages[0]!.offset) < seen) {
              const skip = batch.messages.findIndex((m) => Number(m.offset) >= seen);
              const last = batch.messages.at(-1)!.offset;
              batch.messages.splice(0, skip < 0 ? batch.messages.length : skip);
              if (!batch.messages.length) {
                resolveOffset(last);
                return;
              }
            }
            // In chunks of at most batchSize records: a stop waits for no more than one chunk beyond the queues, and
            // what is not emitted when it comes is read again next time (never committed, so not lost).
            for (let from = 0; from < batch.messages.length; from += cfg.batchSize) {
              if (!isRunning() || isStale() || ctx.signal.aborted) return;
              const messages = batch.messages.slice(from, from + cfg.batchSize);
              const first = Number(messages[0]!.offset);
              const last = Number(messages.at(-1)!.offset);
              const records: Rec[] = [];
              const bad: { message: (typeof messages)[number]; error: string }[] = [];
              let newest = -Infinity;
              if (video) for (const m of messages) records.push(...video.take(m).map(bytesItem));
              else {
                for (const m of messages) {
                  const r = read(m, topic, partition);
                  if (r instanceof Error) bad.push({ message: m, error: r.message });
                  else records.push(r instanceof Uint8Array ? bytesItem(r) : r);
                  const t = eventTime(r instanceof Error || r instanceof Uint8Array ? undefined : r, m);
                  if (t > newest) newest = t;
                }
              }
              if (video) for (const m of messages) newest = Math.max(newest, Number(m.timestamp));
              tracker.emitted(topic, partition, first, last);
              // The unreadable go to the dead-letter topic first: the chunk counts as handled only once they are there.
              if (bad.length) {
                for (const b of bad) ctx.error(`${topic}/${partition}@${b.message.offset}: ${b.error}`);
                if (deadLetters && cfg.deadLetterTopic) {
                  await deadLetters.send({
                    topic: cfg.deadLetterTopic,
                    messages: bad.map((b) => ({
                      key: b.message.key,
                      value: b.message.value,
                      headers: deadLetterHeaders(
                        ctx.nodeId,
                        b.error,
                        topic,
                        partition,
                        b.message.offset,
                        b.message.headers,
                      ),
                    })),
                  });
                }
              }
              const done = () => tracker.acknowledged(topic, partition, first);
              const port = cfg.format === 'bytes' || video ? 'bytes' : 'out';
              const wait = records.length ? ctx.emitTracked(port, records, done) : done();
              if (wait) {
                clocks.blocked(); // waiting for room downstream is not idleness
                await wait;
                clocks.unblocked();
              }
              // The partition's clock moves behind its records.
              clocks.seen(topic, partition, newest);
              const sent = sendClock();
              if (sent) await sent;
              resolveOffset(messages.at(-1)!.offset);
              await heartbeat();
            }
            lag.set(`${topic}/${partition}`, Number(batch.offsetLag()));
            // How far behind live: the time of the newest record handled, while there is more to read.
            const newest = Number(batch.messages.at(-1)?.timestamp);
            if (Number.isFinite(newest)) newestTime.set(`${topic}/${partition}`, newest);
          },
        };
        // kafkajs gives up on a consumer after an error it deems not retriable (a broker's INVALID_REQUEST in the
        // middle of a rebalance, an authorization failure...). A stream keeps going: start it again, backing off.
        let backoff = 1000;
        c.on(c.events.GROUP_JOIN, () => (backoff = 1000));
        c.on(c.events.CRASH, (e) => {
          if (e.payload.restart || ctx.signal.aborted) return;
          const again = async () => {
            if (ctx.signal.aborted) return;
            try {
              await c.connect();
              await c.subscribe(subscription);
              await c.run(options);
            } catch (err) {
              ctx.error(
                `could not start reading again: ${kafkaError(err)}; trying again in ${Math.round(backoff / 1000)} s`,
              );
              setTimeout(() => void again(), backoff);
              backoff = Math.min(backoff * 2, 30_000);
            }
          };
          setTimeout(() => void again(), backoff);
          backoff = Math.min(backoff * 2, 30_000);
        });
        await c.run(options);
        await stopped;
        // Stop reading; returning closes this node's outputs, so that the nodes downstream finish (windows fire
        // what they hold) — and `close` commits what they acknowledge.
        c.pause([...assigned].map((topic) => ({ topic })));
        clearInterval(idleTimer);
        stopCommitting = () => clearInterval(timer);
      },
      async close() {
        clearInterval(idleTimer);
        // Let what was read be handled downstream (a bounded wait), commit it while still a member of the group (a
        // consumer that has left cannot commit), then leave.
        if (stopCommitting) {
          // Wait while acknowledgements still come (a batch that was waiting for queue room when the run stopped is
          // discarded and never will be: it stays uncommitted, to be read again), at most 12 s.
          let last = tracker.inFlight;
          let still = 0;
          for (let i = 0; i < 240 && tracker.inFlight > 0 && still < 20; i++) {
            await new Promise((r) => setTimeout(r, 50));
            still = tracker.inFlight === last ? still + 1 : 0;
            last = tracker.inFlight;
          }
          stopCommitting();
          await commit();
          await consumer?.stop();
        }
        video?.preview.end();
        await consumer?.disconnect().catch(() => undefined);
        await deadLetters?.disconnect().catch(() => undefined);
      },
      deadLetter(nodeId, error, record) {
        const meta = record[KAFKA_FIELD] as
          | { topic: string; partition: number; offset: number; key: string | null; headers: Record<string, string> }
          | undefined;
        if (
          !deadLetters ||
          !cfg.deadLetterTopic ||
          !meta ||
          !(cfg.topics.includes(meta.topic) || (cfg.pattern && new RegExp(cfg.pattern).test(meta.topic)))
        )
          return undefined;
        const value = { ...record };
        delete value[KAFKA_FIELD];
        return deadLetters
          .send({
            topic: cfg.deadLetterTopic,
            messages: [
              {
                key: meta.key,
                value: JSON.stringify(value),
                headers: deadLetterHeaders(
                  nodeId,
                  error,
                  meta.topic,
                  meta.partition,
                  String(meta.offset),
                  meta.headers,
                ),
              },
            ],
          })
          .then(() => undefined);
      },
      metrics: () => ({ kafka: kafkaFigures(), eventTime: clocks.metrics() }),
      preview: video?.preview,
    };
    function kafkaFigures() {
      // Seconds behind live: for a partition with records still to read, how old the newest one handled is.
      let behind = 0;
      const now = Date.now();
      for (const [tp, n] of lag) if (n > 0) behind = Math.max(behind, (now - (newestTime.get(tp) ?? now)) / 1000);
      return { lag: Object.fromEntries(lag), behindSec: Math.round(behind * 10) / 10 };
    }
  },
});

/**
 * Video read back from Kafka (as a Kafka sink with a `stream` publishes it): chunks joined into whole fMP4 parts,
 * from the first init segment on and then from a keyframe, the repeated init segments dropped (a new one — the
 * publisher restarted — goes through). The parts also feed a preview the studio can watch.
 */
class VideoReassembly {
  readonly preview = new PreviewTap();
  private chunks: Buffer[] = [];
  private init: Buffer | undefined;
  private waitingKeyframe = true;
  private splitter = new Fmp4Splitter((p) => this.preview.push(p));

  constructor(private readonly stream: string | undefined) {}

  /** The whole parts a message completes, to pass on. */
  take(m: { key: Buffer | null; value: Buffer | null; headers?: IHeaders }): Uint8Array[] {
    const h = headersOf(m.headers);
    if (!h['sluice-stream'] || (this.stream && h['sluice-stream'] !== this.stream) || !m.value) return [];
    const [i, n] = (h['sluice-chunk'] ?? '1/1').split('/').map(Number) as [number, number];
    if (i === 1) this.chunks = [];
    this.chunks.push(m.value);
    if (i < n) return [];
    const part = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    if (h['sluice-kind'] === 'init') {
      if (this.init?.equals(part)) return [];
      this.init = part;
      this.waitingKeyframe = true;
      this.preview.restart(undefined, Number(h['sluice-start-ms'] ?? 0));
      this.splitter = new Fmp4Splitter((p) => this.preview.push(p));
      this.splitter.push(part);
      return [part];
    }
    if (!this.init || (this.waitingKeyframe && h['sluice-keyframe'] !== '1')) return [];
    this.waitingKeyframe = false;
    this.splitter.push(part);
    return [part];
  }
}

/**
 * The first offset of a partition at or after `time`: the broker's answer (ListOffsets by time), checked — the
 * record before it must be older — and otherwise found by bisecting the records' timestamps between the log start
 * and that answer (brokers that do not index by time answer with the end; timestamps are taken as non-decreasing).
 */
async function offsetForTime(
  reader: PartitionReader,
  topic: string,
  partition: number,
  time: number,
  low: number,
  answer: number,
): Promise<number> {
  const at = async (offset: number) => (await reader.read(topic, partition, offset, 64 * 1024)).messages[0]?.timestamp;
  if (answer <= low || ((await at(answer - 1)) ?? -Infinity) < time) return answer;
  let [lo, hi] = [low, answer];
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (((await at(mid)) ?? Infinity) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
