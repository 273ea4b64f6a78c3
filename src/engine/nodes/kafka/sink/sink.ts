/**
 * The Kafka sink at run time: records made into messages (JSONata key, partition, headers), gathered into
 * requests sent one at a time (a key's records keep their order), each batch acknowledged once the brokers have the
 * request carrying its last message. A slow request shows the node as reconnecting; a refused one sends its records
 * to their source's dead-letter topic where there is one.
 */
import { bytesOf, type Hold, type NodeContext, type NodeInstance, type Rec } from '../../../contract/node';
import { kafkaClient, kafkaError, type Message, type Producer } from '../../../connectors/kafka/client';
import { resolveProfile } from '../../../connectors/kafka/profiles';
import {
  compileExpression,
  evaluateExpression as evaluate,
  type CompiledExpression,
} from '../../../expression/expression';
import { KAFKA_FIELD } from '../origin';
import { ConnectionReport } from '../common';
import { untilAborted } from '../../../support/sleep';
import type { KafkaSinkConfig } from './config';
import { VideoPublisher } from './video';

/** Requests queued at most (sent one after the other); more wait (back pressure). */
const MAX_IN_FLIGHT = 8;
/**
 * A request carries at most about this many bytes of keys and values (string lengths, so at most three times as many
 * in UTF-8): well under the broker's default message.max.bytes (1 MiB per partition's batch) whatever the partitioning.
 */
const REQUEST_BYTES = 320 * 1024;
/** A send taking longer than this shows the node as reconnecting. */
const SLOW_MS = 2000;

const ACKS = { all: -1, leader: 1, none: 0 } as const;

export class KafkaTopicSink implements NodeInstance {
  private producer: Producer | undefined;
  private report: ConnectionReport | undefined;
  /** Until the producer has connected. */
  private connecting: Promise<void> | undefined;
  private readonly key: CompiledExpression | undefined;
  private readonly partition: CompiledExpression | undefined;
  private readonly headers: (readonly [string, CompiledExpression])[];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The last request: the next is sent once it is answered, so that records keep their order per partition. */
  private previous: Promise<unknown> = Promise.resolve();
  private slow = 0;
  private readonly video: VideoPublisher | undefined;
  // Messages waiting to fill a request (up to batchSize, for at most lingerMs), with the holds of their batches.
  private pending: Message[] = [];
  /** The record each pending message was made from (none for bytes), for the dead-letter path. */
  private pendingRecords: (Rec | undefined)[] = [];
  private pendingHolds: Hold[] = [];
  private lingering: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly cfg: KafkaSinkConfig,
    private readonly ctx: NodeContext,
  ) {
    this.key = cfg.key ? compileExpression(cfg.key) : undefined;
    this.partition = cfg.partition ? compileExpression(cfg.partition) : undefined;
    this.headers = Object.entries(cfg.headers).map(([name, expr]) => [name, compileExpression(expr)] as const);
    this.video = cfg.stream ? new VideoPublisher(cfg.stream, cfg.maxMessageBytes) : undefined;
  }

  /**
   * Resolve the profile and start connecting. The connection is not waited for here (the rest of the flow starts):
   * while the brokers cannot be reached the node shows why, and the first batch waits for it (back pressure).
   */
  async open(): Promise<void> {
    const { cfg, ctx } = this;
    const profile = await resolveProfile(cfg.profile);
    this.report = new ConnectionReport(ctx, cfg.profile);
    // Video: one request in flight, so that a retry cannot put a part after the next one.
    this.producer = kafkaClient(profile, profile.clientId, {}, this.report.trouble).producer({
      allowAutoTopicCreation: true,
      idempotent: cfg.idempotent,
      ...(this.video || cfg.idempotent ? { maxInFlightRequests: 1 } : {}),
    });
    const report = this.report;
    this.connecting = this.producer.connect().then(
      () => {
        report.connected();
        this.connecting = undefined;
      },
      (err: unknown) => {
        // Not to be retried (e.g. the broker refused the SASL credentials): said now, and the node fails when a
        // batch reaches it (nothing it was given is acknowledged).
        const why = `could not connect with profile "${cfg.profile}": ${kafkaError(err)}`;
        void ctx.error(why);
        throw new Error(why);
      },
    );
    this.connecting.catch(() => undefined);
  }

  /** What is written of a record: its JSON, `_kafka` left out unless kept. */
  private valueOf(r: Rec): string {
    const origin = this.cfg.keepKafkaField ? undefined : r[KAFKA_FIELD];
    if (origin === undefined) return JSON.stringify(r);
    // Left out of what is written: set to undefined for the moment (JSON.stringify skips it). A copy without it
    // (spread, then delete) costs a new object per record in a slower shape, and most of a pass-through's time.
    r[KAFKA_FIELD] = undefined;
    try {
      return JSON.stringify(r);
    } finally {
      r[KAFKA_FIELD] = origin;
    }
  }

  /** Whether a message needs expressions evaluated (key, partition, headers): without, it is made at once. */
  private get evaluates(): boolean {
    return this.key !== undefined || this.partition !== undefined || this.headers.length > 0;
  }

  private async toMessage(r: Rec): Promise<Message> {
    const { cfg } = this;
    const m: Message = { value: this.valueOf(r) };
    if (this.key) {
      const k = await evaluate(this.key, r);
      if (k !== undefined && k !== null) m.key = typeof k === 'string' ? k : JSON.stringify(k);
    }
    if (this.partition) {
      const p = await evaluate(this.partition, r);
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0)
        throw new Error(`partition expression "${cfg.partition}" gave ${JSON.stringify(p)}, not a partition number`);
      m.partition = p;
    }
    if (this.headers.length) {
      m.headers = {};
      for (const [name, e] of this.headers) {
        const v = await evaluate(e, r);
        if (v !== undefined && v !== null) m.headers[name] = typeof v === 'string' ? v : JSON.stringify(v);
      }
    }
    return m;
  }

  private request(messages: Message[]): Promise<void> {
    const { cfg, ctx } = this;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let fired = false;
    // One request at a time: kafkajs may put two concurrent sends on the wire in either order (the first waits for
    // the topic's metadata), which would reorder a key's records. Records arriving meanwhile fill the next request.
    const p = this.previous
      .catch(() => undefined)
      .then(() => {
        timer = setTimeout(() => {
          fired = true;
          if (++this.slow === 1) ctx.status('reconnecting');
        }, SLOW_MS);
        return this.producer!.send({
          topic: cfg.topic,
          messages,
          acks: ACKS[cfg.acks],
          compression: cfg.compression === 'gzip' ? 1 : 0,
        });
      })
      .then(
        () => {
          // Answered: the node is running again once no other request is still waiting.
          if (fired) this.slow--;
          if (this.slow === 0) {
            this.report?.connected();
            if (fired) ctx.status('running');
          }
        },
        (err: unknown) => {
          if (fired && --this.slow === 0) ctx.status('running');
          throw err;
        },
      )
      .finally(() => {
        clearTimeout(timer);
        this.inFlight.delete(p);
      });
    this.inFlight.add(p);
    this.previous = p;
    return p;
  }

  /**
   * A request the broker refused (not retriable, e.g. a message larger than it takes): each record to its source's
   * dead-letter topic where there is one; without one the batch is not acknowledged (read again on the next run).
   * Resolves true when every record is accounted for.
   */
  private async refused(err: unknown, recs: (Rec | undefined)[]): Promise<boolean> {
    const { cfg, ctx } = this;
    const why = `the broker refused it: ${kafkaError(err)}`;
    const written = recs.map((r) => (r ? ctx.error(`could not write to ${cfg.topic}: ${why}`, r) : undefined));
    if (written.some((w) => !w)) {
      if (recs.some((r) => !r)) void ctx.error(`could not write ${recs.length} message(s) to ${cfg.topic}: ${why}`);
      return false;
    }
    await Promise.all(written);
    return true;
  }

  private flush(inOrder = false): Promise<void> | void {
    const { batchSize } = this.cfg;
    clearTimeout(this.lingering);
    this.lingering = undefined;
    const { pending: messages, pendingRecords: records, pendingHolds: holds } = this;
    this.pending = [];
    this.pendingRecords = [];
    this.pendingHolds = [];
    const requests: Promise<boolean>[] = [];
    for (const [from, to] of requestSpans(messages, batchSize)) {
      const recs = records.slice(from, to);
      requests.push(
        this.request(messages.slice(from, to)).then(
          () => true,
          (err: unknown) => this.refused(err, recs),
        ),
      );
    }
    const all = Promise.all(requests).then((ok) => {
      if (ok.every(Boolean)) holds.forEach((h) => h.release());
    });
    if (inOrder) return all;
    if (this.inFlight.size >= MAX_IN_FLIGHT)
      return Promise.race(this.inFlight).then(
        () => undefined,
        () => undefined,
      );
  }

  /** Wait for the producer to connect; false when the run stopped first (what is held stays unacknowledged). */
  private async connected(): Promise<boolean> {
    if (!this.connecting) return true;
    if (this.ctx.signal.aborted) return false;
    await Promise.race([this.connecting, untilAborted(this.ctx.signal)]);
    return !this.connecting;
  }

  async process(port: string, batch: Rec[]): Promise<void> {
    if (this.connecting && !(await this.connected())) {
      // The run stopped before the brokers answered: this batch stays unacknowledged (a hold never released).
      this.ctx.hold();
      return;
    }
    const { cfg, ctx, video } = this;
    if (port === 'bytes') {
      for (const b of bytesOf(batch)) {
        for (const m of video ? video.take(b) : [{ value: Buffer.from(b.buffer, b.byteOffset, b.byteLength) }]) {
          this.pending.push(m);
          this.pendingRecords.push(undefined);
        }
      }
    } else {
      for (const r of batch) {
        try {
          // No await per record where nothing is evaluated: a pass-through's records are made in one go.
          this.pending.push(this.evaluates ? await this.toMessage(r) : { value: this.valueOf(r) });
          this.pendingRecords.push(r);
        } catch (err) {
          const written = ctx.error((err as Error).message, r);
          if (written) await written;
        }
      }
    }
    // This batch is acknowledged when the request carrying its last message is.
    this.pendingHolds.push(ctx.hold());
    // Video goes one request at a time: parts must reach the partition in order.
    if (video) return this.flush(true);
    if (this.pending.length >= cfg.batchSize || cfg.lingerMs === 0) return this.flush();
    this.lingering ??= setTimeout(() => void this.flush(), cfg.lingerMs);
  }

  async finish(): Promise<void> {
    if (this.connecting && !(await this.connected())) return;
    await this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }
}

/** Where pending messages are cut into requests: at most `count` messages and about REQUEST_BYTES each. */
function requestSpans(messages: readonly Message[], count: number): [number, number][] {
  const spans: [number, number][] = [];
  let from = 0;
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const size = lengthOf(m.value) + lengthOf(m.key);
    if (i > from && (i - from >= count || bytes + size > REQUEST_BYTES)) {
      spans.push([from, i]);
      from = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (from < messages.length) spans.push([from, messages.length]);
  return spans;
}

const lengthOf = (v: Message['value'] | Message['key']): number =>
  v === null || v === undefined ? 0 : typeof v === 'string' ? v.length : v.byteLength;
