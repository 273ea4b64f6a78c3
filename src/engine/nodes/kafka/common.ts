/**
 * What the Kafka nodes share: the profile field, headers in and out, the dead-letter headers, and the node state
 * while a connection is lost.
 */
import { z } from 'zod';
import type { NodeContext } from '../../contract/spec';
import type { Consumer, IHeaders } from '../../connectors/kafka/client';
import { LOCAL_PROFILE } from '../../connectors/kafka/profiles';

export const profileField = z
  .string()
  .min(1)
  .default(LOCAL_PROFILE)
  .describe(
    'The connection profile (kept in the app’s settings, never in the pipeline): "local" is the development cluster Sluice starts itself.',
  );

/** Kafka headers as strings (values that are not UTF-8 text come as base64). */
export function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const one = Array.isArray(v) ? v[0] : v;
    if (one === undefined) continue;
    out[k] = Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
  }
  return out;
}

/** The headers of a record sent to a dead-letter topic: who refused it, why, and where it came from. */
export function deadLetterHeaders(
  nodeId: string,
  error: string,
  topic: string,
  partition: number,
  offset: string,
  original?: IHeaders,
): IHeaders {
  return {
    ...(original ?? {}),
    'sluice-node': nodeId,
    'sluice-error': error,
    'sluice-topic': topic,
    'sluice-partition': String(partition),
    'sluice-offset': offset,
  };
}

/** Show `reconnecting` on the node while the consumer has lost its brokers, `running` once it fetches again. */
export function watchConnection(consumer: Consumer, ctx: NodeContext, report: ConnectionReport): void {
  let lost = false;
  consumer.on(consumer.events.CRASH, (e) => {
    lost = true;
    ctx.status('reconnecting');
    ctx.error(
      `lost the brokers: ${e.payload.error.message}; ${e.payload.restart ? 'reconnecting' : 'starting the consumer again'}`,
    );
  });
  consumer.on(consumer.events.REQUEST_TIMEOUT, () => {
    lost = true;
    ctx.status('reconnecting');
  });
  const back = () => {
    report.connected();
    if (!lost) return;
    lost = false;
    ctx.status('running');
  };
  consumer.on(consumer.events.FETCH, back);
  consumer.on(consumer.events.GROUP_JOIN, back);
}

/** How often the same connection failure is said again while it lasts. */
const REPEAT_MS = 10_000;

/**
 * Why a node cannot reach its brokers, shown as it happens: the node turns `reconnecting` and its error names the
 * profile and the cause (said again when the cause changes, or every 10 s while it lasts); `connected` turns it back.
 */
export class ConnectionReport {
  private last = '';
  private lastAt = 0;
  private troubled = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly profile: string,
  ) {}

  /** For `kafkaClient`'s `onTrouble`. */
  readonly trouble = (reason: string): void => {
    const now = Date.now();
    if (!this.troubled) this.ctx.status('reconnecting');
    this.troubled = true;
    if (reason === this.last && now - this.lastAt < REPEAT_MS) return;
    this.last = reason;
    this.lastAt = now;
    void this.ctx.error(`cannot reach the brokers of profile "${this.profile}": ${reason}; trying again`);
  };

  connected(): void {
    if (!this.troubled) return;
    this.troubled = false;
    this.last = '';
    this.ctx.status('running');
  }
}
