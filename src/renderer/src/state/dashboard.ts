/**
 * The dashboard's figures: a point a second per series (records/s, processing time p50/p99, queue fill, Kafka
 * seconds behind live, video fps, bitrate and dropped frames, a Flink job's last checkpoint), kept for the last 15 minutes in rings of typed
 * arrays — bounded whatever the run's length, and no object per point. Built from the live metrics ticks, or from
 * a kept run's ticks read back from the history.
 */
import type { MetricsTick } from '../../../shared/metrics';
import { createStore } from './store';

/** 15 minutes of a point a second. */
export const DASHBOARD_SECONDS = 900;

export type SeriesKind = 'rate' | 'p50' | 'p99' | 'fill' | 'behind' | 'fps' | 'kbps' | 'dropPct';

/** Named series of numbers over time, in rings: the oldest points are overwritten. */
export class SeriesRing {
  private readonly times: Float64Array;
  private readonly series = new Map<string, Float32Array>();
  private next = 0;
  length = 0;

  constructor(readonly capacity = DASHBOARD_SECONDS) {
    this.times = new Float64Array(capacity);
  }

  /** Add a point: the time (s) and the values it has (series missing from it are left empty). */
  push(t: number, values: Map<string, number>): void {
    const i = this.next;
    this.times[i] = t;
    for (const ring of this.series.values()) ring[i] = NaN;
    for (const [k, v] of values) {
      let ring = this.series.get(k);
      if (!ring) this.series.set(k, (ring = new Float32Array(this.capacity).fill(NaN)));
      ring[i] = v;
    }
    this.next = (i + 1) % this.capacity;
    this.length = Math.min(this.length + 1, this.capacity);
  }

  /** The time of the newest point. */
  get last(): number | undefined {
    return this.length ? this.times[(this.next - 1 + this.capacity) % this.capacity] : undefined;
  }

  /** How many series there are (they appear as a run goes: a Kafka source's lag after its first read). */
  get seriesCount(): number {
    return this.series.size;
  }

  has(key: string): boolean {
    return this.series.has(key);
  }

  keys(): string[] {
    return [...this.series.keys()];
  }

  /**
   * Points for a chart: the last `seconds` of the given series (keys → names in the point), oldest first, at most
   * `max` of them (evenly spaced back from the newest).
   */
  points(keys: readonly { key: string; name: string }[], seconds: number, max = 300): Record<string, number>[] {
    const out: Record<string, number>[] = [];
    const newest = this.last;
    if (newest === undefined) return out;
    const start = (this.next - this.length + this.capacity) % this.capacity;
    let first = 0;
    while (first < this.length && this.times[(start + first) % this.capacity]! < newest - seconds) first++;
    const n = this.length - first;
    const stride = Math.max(1, Math.ceil(n / max));
    for (let k = first + ((n - 1) % stride); k < this.length; k += stride) {
      const i = (start + k) % this.capacity;
      const p: Record<string, number> = { t: this.times[i]! };
      for (const { key, name } of keys) {
        const v = this.series.get(key)?.[i];
        if (v !== undefined && !Number.isNaN(v)) p[name] = v;
      }
      out.push(p);
    }
    return out;
  }
}

/** Turns ticks into a point a second: rates from the change in counts, so they are exact per-second averages. */
export class PointMaker {
  private prev: MetricsTick | undefined;

  constructor(
    private readonly ring: SeriesRing,
    private readonly sources: Set<string>,
  ) {}

  take(tick: MetricsTick): boolean {
    const prev = this.prev;
    if (prev && tick.elapsedMs - prev.elapsedMs < 1000 - 125) return false;
    const values = new Map<string, number>();
    const secs = prev ? (tick.elapsedMs - prev.elapsedMs) / 1000 : Math.max(tick.elapsedMs / 1000, 0.25);
    for (const id in tick.nodes) {
      const m = tick.nodes[id]!;
      const was = prev?.nodes[id];
      const count = this.sources.has(id) ? m.recordsOut : m.recordsIn;
      const before = was ? (this.sources.has(id) ? was.recordsOut : was.recordsIn) : 0;
      // (A node that appears mid-run — a Flink job's, once its first figures come — has no rate until its second
      // point: its first count holds everything since it started, not a second's worth.)
      if (was || !prev) values.set(`rate:${id}`, Math.max(0, count - before) / secs);
      values.set(`p50:${id}`, m.p50Ms);
      values.set(`p99:${id}`, m.p99Ms);
      if (m.kafka?.behindSec !== undefined) values.set(`behind:${id}`, m.kafka.behindSec);
      if (m.media) {
        values.set(`fps:${id}`, m.media.fps);
        if (m.media.bitrateKbps !== undefined) values.set(`kbps:${id}`, m.media.bitrateKbps);
        const total = m.media.frames + m.media.dropped;
        values.set(`dropPct:${id}`, total ? (100 * m.media.dropped) / total : 0);
      }
    }
    // A run deployed to Flink: its last completed checkpoint (the job is one series, whatever its id).
    const last = tick.flink?.checkpoints.last;
    if (last) {
      values.set('checkpointMs:job', last.durationMs);
      values.set('checkpointKiB:job', last.sizeBytes / 1024);
    }
    for (const id in tick.edges) {
      const e = tick.edges[id]!;
      values.set(`fill:${id}`, e.capacity ? Math.min(100, (100 * e.length) / e.capacity) : 0);
    }
    this.ring.push(Math.round(tick.elapsedMs / 100) / 10, values);
    this.prev = tick;
    return true;
  }
}

/** The live run's dashboard figures; `version` changes with every new point. */
export interface LiveDashboard {
  runId?: string;
  ring: SeriesRing;
  version: number;
}
export const liveDashboardStore = createStore<LiveDashboard>({ ring: new SeriesRing(), version: 0 });

let maker: PointMaker | undefined;

/** Take a live metrics tick (the studio calls this for every one). */
export function dashboardTick(tick: MetricsTick, sources: Set<string>): void {
  const cur = liveDashboardStore.get();
  if (cur.runId !== tick.runId) {
    const ring = new SeriesRing();
    maker = new PointMaker(ring, sources);
    maker.take(tick);
    liveDashboardStore.set({ runId: tick.runId, ring, version: 1 });
    return;
  }
  if (maker?.take(tick)) liveDashboardStore.set({ ...cur, version: cur.version + 1 });
}

/** A kept run's figures, from its ticks. */
export function ringFromTicks(ticks: MetricsTick[], sources: Set<string>): SeriesRing {
  const ring = new SeriesRing(Math.max(DASHBOARD_SECONDS, ticks.length));
  const m = new PointMaker(ring, sources);
  for (const t of ticks) m.take(t);
  return ring;
}

/** The shown series as CSV: a time column, then one per series. */
export function toCsv(points: Record<string, number>[], names: readonly string[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = [['time_s', ...names].map(quote).join(',')];
  for (const p of points)
    rows.push(
      [p.t, ...names.map((n) => p[n])]
        .map((v) => (v === undefined ? '' : String(Math.round(v * 1000) / 1000)))
        .join(','),
    );
  return rows.join('\n') + '\n';
}
