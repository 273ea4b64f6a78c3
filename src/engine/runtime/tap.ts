/**
 * Watching a wire: a sample of the records passing, at most `perSecond` of them (those a filter keeps, if one is
 * given), sent in small chunks a few times a second. A wire nobody watches costs the engine one counter check per
 * batch; a watched one, a look at each record (and the filter, when there is one).
 */
import { jsonataBoolean } from '../expression/json-values';
import { BAIL, type CompiledExpression } from '../expression/expression';
import type { Rec } from '../contract/spec';
import type { TapChunk } from '../../shared/api';

export type { TapChunk };

const FLUSH_MS = 250;

/** How a chunk of bytes on a `bytes` wire is shown. */
const showBytes = (b: Uint8Array): Rec => ({
  bytes: b.length,
  head: Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 32)).toString('hex'),
});

export class WireTap {
  private seen = 0;
  private matched = 0;
  private pending: unknown[] = [];
  private windowStart = 0;
  private inWindow = 0;
  private timer: NodeJS.Timeout;
  private sentSeen = -1;

  constructor(
    private readonly filter: CompiledExpression | undefined,
    private readonly perSecond: number,
    private readonly bytes: boolean,
    private readonly send: (chunk: TapChunk) => void,
  ) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** A batch passed the wire. */
  offer(batch: readonly Rec[]): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    this.seen += batch.length;
    if (!this.filter) {
      this.matched += batch.length;
      // Spread the sample over the batch rather than its first records.
      const room = this.perSecond - this.inWindow;
      if (room <= 0) return;
      const step = Math.max(1, Math.floor(batch.length / room));
      for (let i = 0; i < batch.length && this.inWindow < this.perSecond; i += step) this.keep(batch[i]!);
      return;
    }
    for (const r of batch) {
      const v = this.filter.fast(r);
      if (v === BAIL) {
        // The interpreter's answer comes later; the record is taken then (a sample need not keep order).
        void this.filter.evaluate(r).then(
          (x) => this.consider(r, x),
          () => undefined,
        );
        continue;
      }
      this.consider(r, v);
    }
  }

  private consider(r: Rec, v: unknown): void {
    if (!(v === true || (v !== false && jsonataBoolean(v)))) return;
    this.matched++;
    if (this.inWindow < this.perSecond) this.keep(r);
  }

  private keep(r: Rec): void {
    this.inWindow++;
    // A copy: the record may be changed in place downstream (object reuse).
    this.pending.push(this.bytes ? showBytes(r as unknown as Uint8Array) : structuredClone(r));
  }

  private flush(): void {
    if (this.pending.length === 0 && this.seen === this.sentSeen) return;
    this.sentSeen = this.seen;
    const records = this.pending;
    this.pending = [];
    this.send({ records, seen: this.seen, matched: this.matched });
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** The watches on one node's output ports. */
export class PortTaps {
  private readonly byPort = new Map<string, Set<WireTap>>();
  /** How many watches there are (the runner looks at records only when there is one). */
  count = 0;

  /** `shared`: the flow's count of watched wires, across its runners. */
  constructor(private readonly shared?: { active: number }) {}

  /** Watch what leaves an output port; returns how to stop. */
  watch(port: string, tap: WireTap): () => void {
    let set = this.byPort.get(port);
    if (!set) this.byPort.set(port, (set = new Set()));
    set.add(tap);
    this.count++;
    if (this.shared) this.shared.active++;
    return () => {
      if (!set.delete(tap)) return;
      this.count--;
      if (this.shared) this.shared.active--;
      tap.close();
    };
  }

  offer(port: string, batch: Rec[]): void {
    for (const t of this.byPort.get(port) ?? []) t.offer(batch);
  }
}
