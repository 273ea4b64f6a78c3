/**
 * The Kafka source at run time: a consumer-group member that reads in chunks, sends each partition's records with
 * acknowledgements (offsets are committed once every node downstream has handled them), keeps per-partition
 * event-time clocks, sends the unreadable to a dead-letter topic, and starts reading again after kafkajs gives up.
 */
import { bytesItem, type NodeInstance, type Rec, type SourceContext } from '../../../contract/node';
import {
  kafkaClient,
  kafkaError,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type Producer,
} from '../../../connectors/kafka/client';
import { OffsetTracker } from '../../../connectors/kafka/offsets';
import { PartitionClocks } from '../../../connectors/kafka/partition-clocks';
import { resolveProfile } from '../../../connectors/kafka/profiles';
import { KAFKA_FIELD } from '../origin';
import { sleepUnlessAborted, untilAborted } from '../../../support/sleep';
import { ConnectionReport, deadLetterHeaders, watchConnection } from '../common';
import type { KafkaSourceConfig } from './config';
import { eventTimeOf, readMessage, VideoReassembly, type KafkaMessage } from './reading';

/** How long `close` waits, at most, for records in flight to be acknowledged before the last commit. */
const DRAIN_POLLS = 240;
const DRAIN_POLL_MS = 50;
/** How often a source asks again for a topic the brokers do not know yet. */
const SUBSCRIBE_RETRY_MS = 250;
const MISSING_TOPIC_SAY_MS = 2000;

export class KafkaTopicSource implements NodeInstance {
  private kafka: Kafka | undefined;
  private consumer: Consumer | undefined;
  private deadLetters: Producer | undefined;
  /** start: timestamp — the offset of that time, per `topic/partition`. */
  private readonly startAt = new Map<string, string>();
  private readonly tracker = new OffsetTracker();
  /** The topics this member has partitions of (to pause them when stopping). */
  private assigned = new Set<string>();
  /** The partitions this member holds (topic → partitions): it asks to keep them at the next rebalance. */
  private readonly lag = new Map<string, number>();
  private readonly newestTime = new Map<string, number>();
  private readonly clocks: PartitionClocks;
  private readonly video: VideoReassembly | undefined;
  readonly preview;
  private readonly subscription: { topics: (string | RegExp)[]; fromBeginning: boolean };
  /** Set once reading has stopped: ends the periodic commits (the last one is made in close). */
  private stopCommitting: (() => void) | undefined;
  /** Marks partitions idle (when idleTimeoutMs > 0), from the start of reading to the stop. */
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cfg: KafkaSourceConfig,
    private readonly ctx: SourceContext,
  ) {
    this.clocks = new PartitionClocks(ctx.nodeId, cfg.idleTimeoutMs);
    this.video = cfg.format === 'fmp4' ? new VideoReassembly(cfg.stream) : undefined;
    this.preview = this.video?.preview;
    this.subscription = {
      topics: [...cfg.topics, ...(cfg.pattern ? [new RegExp(cfg.pattern)] : [])],
      fromBeginning: cfg.start === 'earliest',
    };
  }

  /** Send the source's clock when it moved (behind the batches sent: the runner keeps the order). */
  private sendClock(): Promise<void> | void {
    const mark = this.clocks.take();
    if (mark) return this.ctx.watermark(mark);
  }

  private async commit(): Promise<void> {
    const offsets = this.tracker.takeCommits();
    if (!offsets.length || !this.consumer) return;
    await this.consumer.commitOffsets(offsets).catch((err: unknown) => {
      // A retriable failure (a rebalance, a broker moving) is carried by the next commit: the offsets are taken again.
      this.tracker.uncommit(offsets);
      if (!(err as { retriable?: boolean }).retriable) void this.ctx.error(`commit failed: ${kafkaError(err)}`);
    });
  }

  /**
   * Resolve the profile and make the consumer. Connecting is the run's first step, so that brokers that cannot be
   * reached hold up this node only (it shows why), not the start of the whole flow.
   */
  async open(): Promise<void> {
    const { cfg } = this;
    const profile = await resolveProfile(cfg.profile);
    const report = new ConnectionReport(this.ctx, cfg.profile);
    const kafka = (this.kafka = kafkaClient(profile, profile.clientId, {}, report.trouble));
    this.consumer = kafka.consumer({
      groupId: cfg.group,
      allowAutoTopicCreation: true,
      maxWaitTimeInMs: 100,
      sessionTimeout: cfg.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, cfg.sessionTimeoutMs / 3),
    });
    watchConnection(this.consumer, this.ctx, report);
  }

  /** Connect, find where to start, subscribe. */
  private async connect(): Promise<void> {
    const { cfg } = this;
    const kafka = this.kafka!;
    const consumer = this.consumer!;
    try {
      await consumer.connect();
      if (cfg.start === 'timestamp') await this.findStartOffsets(kafka);
      if (cfg.deadLetterTopic) {
        this.deadLetters = kafka.producer({ allowAutoTopicCreation: true });
        await this.deadLetters.connect();
      }
      await this.subscribe();
    } catch (err) {
      throw new Error(`could not connect with profile "${cfg.profile}": ${kafkaError(err)}`);
    }
  }

  /**
   * Subscribe; a topic the brokers do not know yet is waited for (said once): Kafka 4 answers the first metadata
   * request that auto-creates a topic with UNKNOWN_TOPIC_OR_PARTITION, and a cluster without auto-creation gets it
   * from whoever creates it.
   */
  private async subscribe(): Promise<void> {
    const { cfg, ctx } = this;
    let said = false;
    const since = Date.now();
    for (;;) {
      try {
        await this.consumer!.subscribe(this.subscription);
        if (said) ctx.status('running');
        return;
      } catch (err) {
        if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || ctx.signal.aborted) throw err;
        // Auto-created, it is there a moment later: only a topic still missing after that is worth saying.
        if (!said && Date.now() - since > MISSING_TOPIC_SAY_MS) {
          said = true;
          ctx.status('reconnecting');
          void ctx.error(
            `topic ${cfg.topics.join(', ')} not found on profile "${cfg.profile}" (yet): waiting for it to be created`,
          );
        }
        await sleepUnlessAborted(SUBSCRIBE_RETRY_MS, ctx.signal);
      }
    }
  }

  /**
   * start: timestamp — where each partition's records from that time begin: the broker's answer from its time index
   * (ListOffsets by time; a partition with nothing that new starts at its end).
   */
  private async findStartOffsets(kafka: Kafka): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of this.cfg.topics)
        for (const o of await admin.fetchTopicOffsetsByTimestamp(topic, this.cfg.startTimestamp!))
          this.startAt.set(`${topic}/${o.partition}`, String(o.offset));
    } finally {
      await admin.disconnect();
    }
  }

  async run(): Promise<void> {
    const { cfg, ctx } = this;
    const c = this.consumer!;
    const stopped = untilAborted(ctx.signal);
    const connecting = this.connect();
    connecting.catch(() => undefined);
    await Promise.race([connecting, stopped]);
    if (ctx.signal.aborted) return;
    const timer = setInterval(() => void this.commit(), cfg.commitIntervalMs);
    // Partitions with no records for the idle timeout stop holding the watermark back.
    const idleEvery = Math.min(1000, Math.max(20, cfg.idleTimeoutMs / 5));
    this.idleTimer =
      cfg.idleTimeoutMs > 0
        ? setInterval(() => {
            if (this.clocks.checkIdle()) void this.sendClock();
          }, idleEvery)
        : undefined;
    // A rebalance took partitions away: what is in flight from them is the new owner's to read again (from the last commit).
    c.on(c.events.GROUP_JOIN, (e) => {
      this.clocks.assign(e.payload.memberAssignment);
      void this.sendClock();
      this.tracker.keepOnly(e.payload.memberAssignment);
      this.assigned = new Set(Object.keys(e.payload.memberAssignment));
    });
    if (this.startAt.size) {
      // Each partition this member gets starts at the offset of the time asked for.
      c.on(c.events.GROUP_JOIN, (e) => {
        for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) {
          for (const partition of partitions) {
            const offset = this.startAt.get(`${topic}/${partition}`);
            if (offset !== undefined) c.seek({ topic, partition, offset });
          }
        }
      });
    }
    const options: Parameters<Consumer['run']>[0] = {
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    };
    this.restartAfterCrash(c, options);
    await c.run(options);
    await stopped;
    // Stop reading; returning closes this node's outputs, so that the nodes downstream finish (windows fire what
    // they hold) — and `close` commits what they acknowledge.
    c.pause([...this.assigned].map((topic) => ({ topic })));
    clearInterval(this.idleTimer);
    this.stopCommitting = () => clearInterval(timer);
  }

  /**
   * kafkajs gives up on a consumer after an error it deems not retriable (a broker's INVALID_REQUEST in the middle
   * of a rebalance, an authorization failure...). A stream keeps going: start it again, backing off, until the run
   * stops.
   */
  private restartAfterCrash(c: Consumer, options: Parameters<Consumer['run']>[0]): void {
    const { ctx } = this;
    let backoff = 1000;
    c.on(c.events.GROUP_JOIN, () => (backoff = 1000));
    const later = (fn: () => void) => {
      const t = setTimeout(fn, backoff);
      ctx.signal.addEventListener('abort', () => clearTimeout(t), { once: true });
      backoff = Math.min(backoff * 2, 30_000);
    };
    c.on(c.events.CRASH, (e) => {
      if (e.payload.restart || ctx.signal.aborted) return;
      const again = async () => {
        if (ctx.signal.aborted) return;
        try {
          await c.connect();
          await c.subscribe(this.subscription);
          await c.run(options);
        } catch (err) {
          void ctx.error(
            `could not start reading again: ${kafkaError(err)}; trying again in ${Math.round(backoff / 1000)} s`,
          );
          later(() => void again());
        }
      };
      later(() => void again());
    });
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { cfg, ctx, tracker, video } = this;
    const { topic, partition } = batch;
    // After a rebalance kafkajs reads every partition again from its last commit. For one this member kept, what it
    // already emitted is in flight here (it will be acknowledged and committed, or read again by the next owner if
    // this process dies): skip it rather than handle it twice.
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
    // In chunks of at most batchSize records: a stop waits for no more than one chunk beyond the queues, and what is
    // not emitted when it comes is read again next time (never committed, so not lost).
    // The lag is what the partition holds beyond what has been handed on: a fetch brings up to 1 MB a partition, and
    // what waits in it for room downstream is not read yet.
    const end = Number(batch.highWatermark);
    const tpKey = `${topic}/${partition}`;
    for (let from = 0; from < batch.messages.length; from += cfg.batchSize) {
      if (!isRunning() || isStale() || ctx.signal.aborted) return;
      const messages = batch.messages.slice(from, from + cfg.batchSize);
      const first = Number(messages[0]!.offset);
      const last = Number(messages.at(-1)!.offset);
      this.lag.set(tpKey, Math.max(0, end - first));
      const records: Rec[] = [];
      const bad: { message: KafkaMessage; error: string }[] = [];
      let newest = -Infinity;
      if (video) {
        for (const m of messages) records.push(...video.take(m).map(bytesItem));
        for (const m of messages) newest = Math.max(newest, Number(m.timestamp));
      } else {
        for (const m of messages) {
          const r = readMessage(cfg, m, topic, partition);
          if (r instanceof Error) bad.push({ message: m, error: r.message });
          else records.push(r instanceof Uint8Array ? bytesItem(r) : r);
          const t = eventTimeOf(cfg.timeField, r instanceof Error || r instanceof Uint8Array ? undefined : r, m);
          if (t > newest) newest = t;
        }
      }
      tracker.emitted(topic, partition, first, last);
      // The unreadable go to the dead-letter topic first: the chunk counts as handled only once they are there.
      if (bad.length) await this.unreadable(bad, topic, partition);
      const done = () => tracker.acknowledged(topic, partition, first);
      const port = cfg.format === 'bytes' || video ? 'bytes' : 'out';
      const wait = records.length ? ctx.emitTracked(port, records, done) : done();
      if (wait) {
        this.clocks.blocked(); // waiting for room downstream is not idleness
        await wait;
        this.clocks.unblocked();
      }
      // The partition's clock moves behind its records.
      this.clocks.seen(topic, partition, newest);
      const sent = this.sendClock();
      if (sent) await sent;
      resolveOffset(messages.at(-1)!.offset);
      await heartbeat();
    }
    this.lag.set(tpKey, Number(batch.offsetLag()));
    // How far behind live: the time of the newest record handled, while there is more to read.
    const newest = Number(batch.messages.at(-1)?.timestamp);
    if (Number.isFinite(newest)) this.newestTime.set(tpKey, newest);
  }

  /** Records that cannot be read: errors, and to the dead-letter topic when there is one. */
  private async unreadable(bad: { message: KafkaMessage; error: string }[], topic: string, partition: number) {
    const { cfg, ctx } = this;
    for (const b of bad) void ctx.error(`${topic}/${partition}@${b.message.offset}: ${b.error}`);
    if (!this.deadLetters || !cfg.deadLetterTopic) return;
    await this.deadLetters.send({
      topic: cfg.deadLetterTopic,
      messages: bad.map((b) => ({
        key: b.message.key,
        value: b.message.value,
        headers: deadLetterHeaders(ctx.nodeId, b.error, topic, partition, b.message.offset, b.message.headers),
      })),
    });
  }

  async close(): Promise<void> {
    clearInterval(this.idleTimer);
    // Let what was read be handled downstream (a bounded wait), commit it while still a member of the group (a
    // consumer that has left cannot commit), then leave.
    if (this.stopCommitting) {
      // Wait while acknowledgements still come (a batch that was waiting for queue room when the run stopped is
      // discarded and never will be: it stays uncommitted, to be read again), at most 12 s.
      const { tracker } = this;
      let last = tracker.inFlight;
      let still = 0;
      for (let i = 0; i < DRAIN_POLLS && tracker.inFlight > 0 && still < 20; i++) {
        await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
        still = tracker.inFlight === last ? still + 1 : 0;
        last = tracker.inFlight;
      }
      this.stopCommitting();
      await this.commit();
      await this.consumer?.stop();
    }
    this.video?.preview.end();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.deadLetters?.disconnect().catch(() => undefined);
  }

  deadLetter(nodeId: string, error: string, record: Rec): Promise<void> | undefined {
    const { cfg } = this;
    const meta = record[KAFKA_FIELD] as
      | { topic: string; partition: number; offset: number; key: string | null; headers: Record<string, string> }
      | undefined;
    const ours = meta && (cfg.topics.includes(meta.topic) || (cfg.pattern && new RegExp(cfg.pattern).test(meta.topic)));
    if (!this.deadLetters || !cfg.deadLetterTopic || !meta || !ours) return undefined;
    const value = { ...record };
    delete value[KAFKA_FIELD];
    const headers = deadLetterHeaders(nodeId, error, meta.topic, meta.partition, String(meta.offset), meta.headers);
    return this.deadLetters
      .send({ topic: cfg.deadLetterTopic, messages: [{ key: meta.key, value: JSON.stringify(value), headers }] })
      .then(() => undefined);
  }

  metrics() {
    return { kafka: this.kafkaFigures(), eventTime: this.clocks.metrics() };
  }

  private kafkaFigures() {
    // Seconds behind live: for a partition with records still to read, how old the newest one handled is.
    let behind = 0;
    const now = Date.now();
    for (const [tp, n] of this.lag)
      if (n > 0) behind = Math.max(behind, (now - (this.newestTime.get(tp) ?? now)) / 1000);
    return { lag: Object.fromEntries(this.lag), behindSec: Math.round(behind * 10) / 10 };
  }
}
