import { describe, expect, it } from 'vitest';
import { chain, startFlow, until } from './helpers';

const SINK_RATE = 2000;
const CAPACITY = 500;
const BATCH = 100;

describe('back pressure', () => {
  it('a slow sink slows the source to its rate, with bounded queues and memory, and nothing dropped', async () => {
    const doc = chain(
      'slow sink',
      [
        { id: 'src', type: 'live-room', config: { paced: false, batchSize: BATCH, seed: 3 } },
        { id: 'key', type: 'key-by', config: { key: 'room' } },
        { id: 'slow', type: 'debug', config: { maxRecordsPerSecond: SINK_RATE } },
      ],
      { maxRecords: CAPACITY },
    );
    const heapBefore = process.memoryUsage().heapUsed;
    const run = await startFlow(doc, 100);
    // Three seconds of the slow sink's pace (its rate is what the test measures).
    await until(() => (run.ticks.at(-1)?.elapsedMs ?? 0) >= 3000, 15_000, 'three seconds of ticks');
    const heapDuring = process.memoryUsage().heapUsed;
    const mid = run.ticks.find((t) => t.elapsedMs >= 1500)!;
    const end = run.ticks.at(-1)!;
    const seconds = (end.elapsedMs - mid.elapsedMs) / 1000;
    const sourceRate = (end.nodes.src!.recordsOut - mid.nodes.src!.recordsOut) / seconds;
    const sinkRate = (end.nodes.slow!.recordsIn - mid.nodes.slow!.recordsIn) / seconds;

    // Unthrottled, this source makes hundreds of thousands of records a second; held back, it matches the sink.
    expect(sinkRate).toBeGreaterThan(SINK_RATE * 0.8);
    expect(sinkRate).toBeLessThan(SINK_RATE * 1.2);
    expect(sourceRate).toBeGreaterThan(SINK_RATE * 0.8);
    expect(sourceRate).toBeLessThan(SINK_RATE * 1.2);

    for (const t of run.ticks)
      for (const e of Object.values(t.edges)) expect(e.length).toBeLessThanOrEqual(CAPACITY + BATCH);
    // The queue into the slow sink is full most of the time: that is the back pressure the studio shows.
    const late = run.ticks.filter((t) => t.elapsedMs > 1000);
    const avgFull = late.reduce((a, t) => a + t.edges.e2!.fullFraction, 0) / late.length;
    expect(avgFull).toBeGreaterThan(0.5);
    expect(heapDuring - heapBefore).toBeLessThan(64 * 1024 * 1024);

    await run.flow.stop();
    const final = run.flow.tick();
    expect(final.nodes.slow!.recordsIn).toBe(final.nodes.src!.recordsOut);
    expect(final.edges.e1!.dropped + final.edges.e2!.dropped).toBe(0);
  });

  it('a queue set to drop keeps the source at full speed and counts every record it drops', async () => {
    const doc = chain(
      'dropping',
      [
        { id: 'src', type: 'live-room', config: { paced: false, batchSize: BATCH, limit: 50_000 } },
        { id: 'slow', type: 'debug', config: { maxRecordsPerSecond: 5000 } },
      ],
      { maxRecords: CAPACITY, overflow: 'drop' },
    );
    const run = await startFlow(doc, 100);
    await run.flow.done;
    const t = run.flow.tick();
    expect(t.nodes.src!.recordsOut).toBe(50_000);
    expect(t.edges.e1!.dropped).toBeGreaterThan(10_000);
    expect(t.nodes.slow!.recordsIn + t.edges.e1!.dropped).toBe(50_000);
  });
});
