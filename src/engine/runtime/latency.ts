/**
 * Per-tick processing-time quantiles: samples are (per-record time, record count) pairs, one per batch,
 * so the cost is per batch, not per record.
 */
export class LatencySampler {
  private times: number[] = [];
  private counts: number[] = [];
  private seen = 0;

  /** Record a batch of `count` records that took `ms` in total. */
  add(ms: number, count: number): void {
    if (count <= 0) return;
    this.seen++;
    if (this.times.length >= 4096) {
      // Keep the sampler bounded on very busy ticks: overwrite a slot picked by a multiplicative hash of the count.
      const i = Math.imul(this.seen, 2654435761) >>> 20;
      this.times[i] = ms / count;
      this.counts[i] = count;
      return;
    }
    this.times.push(ms / count);
    this.counts.push(count);
  }

  /** Weighted quantiles for the tick, then reset. */
  takeQuantiles(): { p50: number; p99: number } {
    const n = this.times.length;
    if (n === 0) return { p50: 0, p99: 0 };
    const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.times[a]! - this.times[b]!);
    let total = 0;
    for (const c of this.counts) total += c;
    const at = (q: number): number => {
      const target = q * total;
      let acc = 0;
      for (const i of idx) {
        acc += this.counts[i]!;
        if (acc >= target) return this.times[i]!;
      }
      return this.times[idx[n - 1]!]!;
    };
    const result = { p50: at(0.5), p99: at(0.99) };
    this.times = [];
    this.counts = [];
    this.seen = 0;
    return result;
  }
}
