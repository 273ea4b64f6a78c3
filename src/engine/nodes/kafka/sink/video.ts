/**
 * Video published to Kafka: a packager's fMP4 bytes split into whole parts, each numbered and sent as messages of
 * at most `maxMessageBytes`, the init segment repeated before each keyframe so a viewer can join at any time.
 */
import type { Message } from '../../../connectors/kafka/client';
import { Fmp4Splitter, type Fmp4Part, type InitSegment } from '../../../media/fmp4';

export class VideoPublisher {
  private seq = 0;
  private init: InitSegment | undefined;
  private startMs = 0;
  private readonly parts: Fmp4Part[] = [];
  private readonly splitter = new Fmp4Splitter((p) => this.parts.push(p));

  constructor(
    private readonly stream: string,
    private readonly maxMessageBytes: number,
  ) {}

  /** The messages of one part (split into chunks of at most maxMessageBytes). */
  private messages(part: Fmp4Part, repeat = false): Message[] {
    const seq = String(this.seq++);
    const max = this.maxMessageBytes;
    const n = Math.max(1, Math.ceil(part.data.length / max));
    const base: Record<string, string> = {
      'sluice-stream': this.stream,
      'sluice-seq': seq,
      'sluice-kind': part.kind,
      'sluice-codec': this.init?.codec ?? '',
    };
    if (part.kind === 'init') base['sluice-start-ms'] = String(this.startMs);
    if (repeat) base['sluice-repeat'] = '1';
    if (part.kind === 'fragment') base['sluice-keyframe'] = part.keyframe ? '1' : '0';
    return Array.from({ length: n }, (_, i) => ({
      key: this.stream,
      value: Buffer.from(part.data.buffer, part.data.byteOffset + i * max, Math.min(max, part.data.length - i * max)),
      headers: { ...base, 'sluice-chunk': `${i + 1}/${n}` },
    }));
  }

  /** The messages the bytes complete (none until a whole part has arrived). */
  take(b: Uint8Array): Message[] {
    this.splitter.push(b);
    const out: Message[] = [];
    for (const part of this.parts.splice(0)) {
      if (part.kind === 'init') {
        this.init = part;
        this.startMs = Date.now();
        out.push(...this.messages(part));
      } else {
        if (part.keyframe && this.init && this.seq > 1) out.push(...this.messages(this.init, true));
        out.push(...this.messages(part));
      }
    }
    return out;
  }
}
