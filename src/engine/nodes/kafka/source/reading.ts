/**
 * Reading Kafka records: a message as a record (by format), its event time, video reassembled from chunks, and
 * the offset where a time starts.
 */
import type { Rec } from '../../../contract/node';
import type { EachBatchPayload, IHeaders } from '../../../connectors/kafka/client';
import { Fmp4Splitter } from '../../../media/fmp4';
import { PreviewTap } from '../../../media/preview';
import { KAFKA_FIELD } from '../origin';
import { headersOf } from '../common';
import type { KafkaSourceConfig } from './config';

export type KafkaMessage = EachBatchPayload['batch']['messages'][number];

/** A message as the record the source sends (by `format`), its bytes, or why it cannot be read. */
export function readMessage(
  cfg: KafkaSourceConfig,
  m: KafkaMessage,
  topic: string,
  partition: number,
): Rec | Uint8Array | Error {
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
}

/** The event time of a record read: its time field, else the Kafka record's timestamp. */
export function eventTimeOf(timeField: string, r: Rec | undefined, m: { timestamp: string }): number {
  const t = r?.[timeField];
  return typeof t === 'number' && Number.isFinite(t) ? t : Number(m.timestamp);
}

/**
 * Video read back from Kafka (as a Kafka sink with a `stream` publishes it): chunks joined into whole fMP4 parts,
 * from the first init segment on and then from a keyframe, the repeated init segments dropped (a new one — the
 * publisher restarted — goes through). The parts also feed a preview the studio can watch.
 */
export class VideoReassembly {
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
