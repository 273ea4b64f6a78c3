/**
 * Windows over a Kafka topic whose partitions are read at uneven speeds, against an independent reference of
 * Flink's rule: a watermark per partition (its largest event time), the minimum over the partitions, the window's
 * delay behind it, allowed lateness. Runs against librdkafka's mock cluster (the `local` profile); what it proves
 * is the engine's event time, which needs a broker that serves fetches, nothing more.
 *
 * The reference is fed the batches and watermarks exactly as the source sent them (recorded by a node on a second
 * wire from the source): in Flink too the results depend on where watermarks fall between records, and the test
 * checks the watermark values themselves against its own per-partition minimum.
 */
import { describe, expect, it, vi } from 'vitest';
import { kafkaClient } from '../src/engine/connectors/kafka/client';
import type { KafkaProfile } from '../src/engine/connectors/kafka/profiles';
import { localKafka } from './kafka-fixture';
import { liveRoomGenerator, type LiveRoomConfig } from '../src/engine/nodes/sources/live-room';
import { builtinRegistry } from '../src/engine/nodes/registry';
import { createRegistry } from '../src/engine/contract/registry';
import { validateValue } from '../src/engine/validate/validate';
import { Flow } from '../src/engine/runtime/flow';
import { defineNode, type NodeSpec, type Rec } from '../src/engine/contract/spec';
import type { MetricsTick } from '../src/shared/metrics';
import { startFlow, wired, type WiredNode } from './helpers';
import { z } from 'zod';

const kafka = localKafka();
const profile = (): KafkaProfile => kafka.profile();

type Ev = { id: number; ts: number; room: string; type: string; coins?: number; user: string };

/** 20,000 live-room events over 20 s of event time, up to 1.5 s out of order, mostly gifts, six rooms. */
const ROOM: LiveRoomConfig = {
  rooms: 6,
  users: 300,
  rate: 1000,
  paced: false,
  limit: 20_000,
  seed: 11,
  jitterMs: 1500,
  startTime: 1_750_000_000_000,
  mix: { chat: 20, like: 20, gift: 60 },
  batchSize: 256,
};
const PARTITIONS = 3;

/** Produce events to chosen partitions: partition = id % 3, so every room's records are on every partition. */
async function produce(topic: string, events: Ev[]): Promise<void> {
  const producer = kafkaClient(profile()).producer();
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += 500) {
      const chunk = events.slice(i, i + 500);
      await producer.send({
        topic,
        acks: -1,
        messages: chunk.map((e) => ({ partition: e.id % PARTITIONS, key: e.room, value: JSON.stringify(e) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** What the recorder saw, in order: batches of records (with their partition) and watermarks. */
type Entry = { records: (Ev & { partition: number })[] } | { mark: number };

/** A sink that keeps everything that reaches it, batch by batch, with the watermarks between them. */
function recorderSpec(log: Entry[]): NodeSpec {
  return defineNode({
    type: 'recorder',
    category: 'sinks',
    title: 'Recorder (test)',
    description: 'Keeps the batches and watermarks it receives, in order.',
    inputs: [{ name: 'in', type: 'record', description: 'Anything.' }],
    outputs: [],
    config: z.strictObject({}),
    create: () => ({
      process(_port: string, batch: Rec[]) {
        log.push({
          records: batch.map((r) => ({
            ...(r as unknown as Ev),
            partition: (r._kafka as { partition: number }).partition,
          })),
        });
      },
      onWatermark(mark) {
        log.push({ mark: mark.time });
      },
    }),
  }) as unknown as NodeSpec;
}

interface WindowCase {
  id: string;
  kind: 'tumbling' | 'sliding';
  sizeMs: number;
  slideMs?: number;
  watermarkDelayMs: number;
  allowedLatenessMs: number;
}

const CASES: WindowCase[] = [
  { id: 'tumbling', kind: 'tumbling', sizeMs: 1000, watermarkDelayMs: 500, allowedLatenessMs: 0 },
  { id: 'lateness', kind: 'tumbling', sizeMs: 1000, watermarkDelayMs: 200, allowedLatenessMs: 600 },
  { id: 'sliding', kind: 'sliding', sizeMs: 1000, slideMs: 250, watermarkDelayMs: 0, allowedLatenessMs: 100 },
];

type Final = { coins: number; gifts: number; top: { user: string; coins: number }[] };

/**
 * Flink's rule, written plainly with none of the engine's code: each partition's watermark is its largest event
 * time so far; the source's is the minimum over the three (none until each has had a record); a window's watermark
 * is that minus its delay. A record is late when every window holding it ends (plus the lateness) at or before the
 * window's watermark. Also: what one watermark over every partition (the largest event time seen anywhere, the old
 * behaviour) would have counted late.
 */
function reference(log: Entry[], c: WindowCase) {
  const slide = c.slideMs ?? c.sizeMs;
  const perPartition = new Map<number, number>();
  let clock = -Infinity;
  let globalMax = -Infinity;
  const windows = new Map<string, { coins: number; gifts: number; top: Map<string, number> }>();
  const late: number[] = [];
  let lateWithOneWatermark = 0;
  const marks: { sent: number; expected: number }[] = [];
  const windowsOf = (ts: number) => {
    const starts: number[] = [];
    for (let s = ts - (((ts % slide) + slide) % slide); s + c.sizeMs > ts; s -= slide) starts.push(s);
    return starts;
  };
  for (const entry of log) {
    if ('mark' in entry) {
      const expected = perPartition.size < PARTITIONS ? -Infinity : Math.min(...perPartition.values());
      marks.push({ sent: entry.mark, expected });
      clock = expected;
      continue;
    }
    for (const e of entry.records) {
      perPartition.set(e.partition, Math.max(perPartition.get(e.partition) ?? -Infinity, e.ts));
      if (e.type === 'gift') {
        const open = windowsOf(e.ts).filter((s) => s + c.sizeMs + c.allowedLatenessMs > clock - c.watermarkDelayMs);
        if (!open.length) late.push(e.id);
        if (windowsOf(e.ts).every((s) => s + c.sizeMs + c.allowedLatenessMs <= globalMax - c.watermarkDelayMs))
          lateWithOneWatermark++;
        for (const s of open) {
          const id = `${e.room}@${s}`;
          const w = windows.get(id) ?? { coins: 0, gifts: 0, top: new Map<string, number>() };
          w.coins += e.coins!;
          w.gifts++;
          w.top.set(e.user, (w.top.get(e.user) ?? 0) + e.coins!);
          windows.set(id, w);
        }
      }
      globalMax = Math.max(globalMax, e.ts);
    }
  }
  const results = new Map<string, Final>(
    [...windows].map(([id, w]) => [
      id,
      {
        coins: w.coins,
        gifts: w.gifts,
        top: [...w.top]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, 3)
          .map(([user, coins]) => ({ user, coins })),
      },
    ]),
  );
  return { results, late, lateWithOneWatermark, marks };
}

const gen = liveRoomGenerator(ROOM, ROOM.startTime);
const EVENTS: Ev[] = Array.from({ length: ROOM.limit }, (_, i) => gen(i) as unknown as Ev);
const inPartition = (p: number | number[], from: number, to: number) =>
  EVENTS.slice(from, to).filter((e) => ([] as number[]).concat(p).includes(e.id % PARTITIONS));

describe('windows over Kafka partitions read at uneven speeds (Flink’s per-partition watermarks)', () => {
  it('give exactly the windows and late records of the reference, one result per key, for tumbling and sliding windows with allowed lateness', async () => {
    const topic = 'uneven-gifts';
    await kafka.cluster.createTopic(topic, PARTITIONS);
    const log: Entry[] = [];
    const registry = createRegistry([...builtinRegistry.all(), recorderSpec(log)]);
    const nodes: WiredNode[] = [
      {
        id: 'read',
        type: 'kafka-source',
        config: { topics: [topic], group: 'uneven', start: 'earliest', idleTimeoutMs: 0 },
      },
      { id: 'seen', type: 'recorder' },
      { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } },
      { id: 'by-room', type: 'key-by', config: { key: 'room' } },
      ...CASES.flatMap((c): WiredNode[] => [
        {
          id: c.id,
          type: 'window',
          config: {
            kind: c.kind,
            sizeMs: c.sizeMs,
            ...(c.slideMs ? { slideMs: c.slideMs } : {}),
            watermarkDelayMs: c.watermarkDelayMs,
            allowedLatenessMs: c.allowedLatenessMs,
            aggregates: [
              { op: 'sum', field: 'coins', as: 'coins' },
              { op: 'count', as: 'gifts' },
              { op: 'top', field: 'coins', by: 'user', n: 3, as: 'top' },
            ],
          },
        },
        { id: `${c.id}-out`, type: 'debug', config: { keep: 100_000 } },
        { id: `${c.id}-late`, type: 'debug', config: { keep: 100_000 } },
      ]),
    ];
    const wires = [
      'read.out>seen.in',
      'read.out>gifts.in',
      'gifts.out>by-room.in',
      ...CASES.flatMap((c) => [`by-room.out>${c.id}.in`, `${c.id}.out>${c.id}-out.in`, `${c.id}.late>${c.id}-late.in`]),
    ];
    const resolved = validateValue(wired('uneven', nodes, wires), registry);
    expect(resolved.issues).toEqual([]);
    const ticks: MetricsTick[] = [];
    const errors: string[] = [];
    const flow = new Flow(
      resolved.pipeline!,
      { onMetrics: (t) => ticks.push(t), onError: (id, m) => errors.push(`${id}: ${m}`), onState: () => undefined },
      { metricsIntervalMs: 100 },
    );
    await flow.start();
    const read = flow.runners.get('read')!;
    const consumed = async (n: number) =>
      vi.waitFor(() => expect(read.stats.recordsOut).toBe(n), { timeout: 30_000, interval: 50 });

    // All three partitions to 4 s of event time; then partitions 1 and 2 run on to 12 s while partition 0 waits;
    // then partition 0 catches up; then all three to the end.
    let sent = 0;
    const phase = async (events: Ev[]) => {
      await produce(topic, events);
      sent += events.length;
      await consumed(sent);
    };
    await phase(EVENTS.slice(0, 4000));
    await phase(inPartition([1, 2], 4000, 12_000));
    // Partition 0 is behind: it holds the watermark (no window past its 4 s may fire yet).
    const held = flow.tick().nodes.tumbling!.eventTime!;
    expect(held.heldBy).toBe(`read ${topic}/0`);
    expect(held.watermark).toBeLessThan(ROOM.startTime + 4000);
    await phase(inPartition(0, 4000, 12_000));
    await phase(EVENTS.slice(12_000));
    await flow.stop();
    expect(errors).toEqual([]);

    const records = log.flatMap((e) => ('records' in e ? e.records : []));
    expect(records).toHaveLength(EVENTS.length);
    for (const c of CASES) {
      const ref = reference(log, c);
      // The source's watermarks are the minimum over the partitions' largest event times, as the reference has it.
      for (const m of ref.marks) expect(m.sent).toBe(m.expected);
      const final = new Map<string, Final>();
      for (const r of flow.peek(`${c.id}-out`) as Rec[]) {
        expect(r.windowEnd).toBe((r.windowStart as number) + c.sizeMs);
        // The last result for a key and window is its final value (late firings update earlier ones).
        final.set(`${r.key as string}@${r.windowStart as number}`, {
          coins: r.coins as number,
          gifts: r.gifts as number,
          top: r.top as Final['top'],
        });
      }
      expect(final.size, c.id).toBe(ref.results.size);
      expect(Object.fromEntries(final), c.id).toEqual(Object.fromEntries(ref.results));
      const late = (flow.peek(`${c.id}-late`) as Ev[]).map((e) => e.id);
      expect(late, c.id).toEqual(ref.late);
      expect(ticks.at(-1)!.nodes[c.id]!.counters?.late ?? 0, c.id).toBe(ref.late.length);
      // One watermark over every partition (the old rule) would have dropped partition 0's catch-up as late.
      expect(ref.lateWithOneWatermark, c.id).toBeGreaterThan(ref.late.length + 1000);
      expect(ref.late.length, c.id).toBeGreaterThan(0); // (records out of order past the delay within a partition)
      console.log(
        `${c.id}: ${final.size} windows, ${ref.late.length} late (one watermark over all partitions: ${ref.lateWithOneWatermark} late)`,
      );
    }
    // One result per key and window (no lateness: each fires once), though every room's records were on all three
    // partitions.
    const results = (flow.peek('tumbling-out') as Rec[]).map((r) => `${r.key as string}@${r.windowStart as number}`);
    expect(new Set(results).size).toBe(results.length);
    expect(new Set(results.map((k) => k.split('@')[0])).size).toBe(ROOM.rooms);
  }, 120_000);

  it('a partition that goes quiet holds the watermark until the idle timeout, then stops holding it back', async () => {
    const topic = 'quiet-partition';
    await kafka.cluster.createTopic(topic, PARTITIONS);
    const IDLE_MS = 4000;
    const d = wired(
      'idle',
      [
        {
          id: 'read',
          type: 'kafka-source',
          config: { topics: [topic], group: 'idle', start: 'earliest', idleTimeoutMs: IDLE_MS },
        },
        { id: 'by-room', type: 'key-by', config: { key: 'room' } },
        { id: 'win', type: 'window', config: { sizeMs: 1000, watermarkDelayMs: 0 } },
        { id: 'out', type: 'debug', config: { keep: 10_000 } },
      ],
      ['read.out>by-room.in', 'by-room.out>win.in', 'win.out>out.in'],
    );
    const run = await startFlow(d, 100);
    const read = run.flow.runners.get('read')!;
    const t0 = ROOM.startTime;
    const ev = (i: number, partition: number, ts: number): Ev & { p: number } => ({
      id: i,
      p: partition,
      ts,
      room: 'room-0',
      type: 'like',
      user: 'u',
    });
    const send = async (events: (Ev & { p: number })[]) => {
      const producer = kafkaClient(profile()).producer();
      await producer.connect();
      await producer.send({
        topic,
        acks: -1,
        messages: events.map((e) => ({ partition: e.p, value: JSON.stringify(e) })),
      });
      await producer.disconnect();
    };
    // Every partition to 3 s of event time.
    const phase1 = Date.now();
    await send(Array.from({ length: 300 }, (_, i) => ev(i, i % 3, t0 + i * 10)));
    await vi.waitFor(() => expect(read.stats.recordsOut).toBe(300), { timeout: 20_000, interval: 50 });
    expect(run.flow.tick().nodes.win!.eventTime!.watermark).toBe(t0 + 2970); // partition 0's newest
    // Partitions 0 and 1 go on (a record each every 100 ms, 25 ms of event time apart); partition 2 goes quiet at
    // 2.99 s of event time.
    let k = 0;
    let sending = Promise.resolve();
    // A producer at ten records a second per partition: the pace of the traffic, not a wait.
    const ticker = setInterval(() => {
      const at = k;
      sending = sending.then(() => send([ev(300 + at, 0, t0 + 3000 + at * 25), ev(301 + at, 1, t0 + 3000 + at * 25)]));
      k += 2;
    }, 100);
    try {
      await vi.waitFor(() => expect(read.stats.recordsOut).toBeGreaterThan(310), { timeout: 20_000, interval: 50 });
      const now = run.flow.tick();
      const early = now.nodes.win!.eventTime!;
      expect(early.heldBy).toBe(`read ${topic}/2`);
      expect(early.watermark).toBe(t0 + 2990);
      expect(now.nodes.read!.eventTime!.partitions![`${topic}/2`]!.idle).toBe(false);
      // After the idle timeout partition 2 stops holding it: the watermark moves on with partitions 0 and 1.
      await vi.waitFor(() => expect(run.flow.tick().nodes.win!.eventTime!.watermark).toBeGreaterThan(t0 + 3000), {
        timeout: 20_000,
        interval: 50,
      });
      // (Partition 2's last record was read after phase1: it cannot have gone idle sooner than this.)
      expect(Date.now() - phase1).toBeGreaterThanOrEqual(IDLE_MS);
      const idle = run.flow.tick();
      expect(idle.nodes.read!.eventTime!.partitions![`${topic}/2`]).toEqual({ time: t0 + 2990, idle: true });
      expect(idle.nodes.win!.eventTime!.idle).toEqual([`read ${topic}/2`]);
      expect(idle.nodes.win!.eventTime!.heldBy).toMatch(new RegExp(`^read ${topic}/[01]$`));
      // Windows past partition 2's last event fire on partitions 0 and 1 alone.
      await vi.waitFor(
        () => expect((run.flow.peek('out') as Rec[]).some((r) => r.windowStart === t0 + 3000)).toBe(true),
        { timeout: 20_000, interval: 50 },
      );
      // Partition 2 has records again: it is no longer idle.
      await send([ev(100_000, 2, t0 + 3000 + (k + 40) * 25)]);
      await vi.waitFor(
        () => expect(run.flow.tick().nodes.read!.eventTime!.partitions![`${topic}/2`]!.idle).toBe(false),
        { timeout: 20_000, interval: 50 },
      );
      expect(run.flow.tick().nodes.win!.eventTime!.idle).toBeUndefined();
    } finally {
      clearInterval(ticker);
      await sending;
    }
    await run.flow.stop();
    expect(run.errors).toEqual([]);
  }, 60_000);
});
