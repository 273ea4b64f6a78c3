/**
 * Approximate the serialized size of a value in bytes without serializing it (no allocation).
 * Used for queue byte limits and bytes/s metrics; within a few percent of `JSON.stringify(v).length` for
 * ordinary records.
 */
export function approxSize(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return v.length + 2;
    case 'number':
      return 8;
    case 'boolean':
      return 5;
    case 'object': {
      if (v === null) return 4;
      if (ArrayBuffer.isView(v)) return v.byteLength;
      let n = 2;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) n += approxSize(v[i]) + 1;
        return n;
      }
      for (const k in v as Record<string, unknown>) n += k.length + 4 + approxSize((v as Record<string, unknown>)[k]);
      return n;
    }
    default:
      return 0;
  }
}

/** Records measured per batch; the rest are estimated from them. */
const SAMPLES = 3;

/**
 * Size of a batch of records: measured exactly for small batches, else from evenly spaced samples (metrics and
 * byte limits need the order of magnitude, not every byte, and walking every record costs as much as the work).
 */
export function batchSize(batch: readonly unknown[]): number {
  const len = batch.length;
  if (len <= SAMPLES) {
    let n = 0;
    for (let i = 0; i < len; i++) n += approxSize(batch[i]);
    return n;
  }
  let sampled = 0;
  const step = len / SAMPLES;
  for (let k = 0; k < SAMPLES; k++) sampled += approxSize(batch[Math.floor(k * step)]);
  return Math.round((sampled / SAMPLES) * len);
}

/**
 * Bytes of the batches one emitter sends, measured on one batch in `every` and estimated from the running
 * bytes-per-record for the rest, so that sizing costs next to nothing on the hot path.
 */
export class BatchSizer {
  private count = 0;
  private perRecord = 0;

  constructor(private readonly every = 8) {}

  size(batch: readonly unknown[]): number {
    if (this.count++ % this.every === 0 || this.perRecord === 0) {
      const bytes = batchSize(batch);
      this.perRecord = batch.length ? bytes / batch.length : this.perRecord;
      return bytes;
    }
    return Math.round(this.perRecord * batch.length);
  }

  /** Bytes of `count` records at the running bytes-per-record (records that were never put in a batch). */
  estimate(count: number): number {
    return Math.round(this.perRecord * count);
  }
}
