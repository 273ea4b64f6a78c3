/**
 * At-least-once bookkeeping: a source's records are acknowledged only when every node downstream has finished with
 * them and with what was derived from them; a window acknowledges its inputs when its result is.
 */
import { writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Flow } from '../src/engine/runtime/flow';
import { chain, resolve, startFlow, tempDir, until } from './helpers';

const tmp = () => tempDir('acks');
const START = 1_700_000_000_000;

describe('acknowledgements (at-least-once bookkeeping)', () => {
  it('every record is acknowledged at the end of a run, fused, chained or not, with interpreted records and errors', async () => {
    const doc = (out: string) =>
      chain('acks', [
        {
          id: 'src',
          type: 'live-room',
          config: { paced: false, limit: 30_000, seed: 4, jitterMs: 300, startTime: START, batchSize: 200 },
        },
        {
          id: 'keep',
          type: 'filter',
          config: { expression: "type != 'chat' and $number(id % 40 = 0 ? '0x1' : '1') = 1" },
        },
        { id: 'value', type: 'map', config: { expression: 'id % 97 = 0 ? "oops" : $merge([$, {"v": 1}])' } },
        { id: 'by-room', type: 'key-by', config: { key: 'room' } },
        {
          id: 'sum',
          type: 'window',
          config: { sizeMs: 500, watermarkDelayMs: 200, aggregates: [{ op: 'sum', field: 'v', as: 'v' }] },
        },
        { id: 'out', type: 'file', config: { path: out } },
      ]);
    for (const options of [{}, { fusion: false }, { chaining: false }]) {
      const flow = new Flow(
        resolve(doc(join(tmp(), 'out.jsonl'))),
        { onMetrics: () => undefined, onError: () => undefined, onState: () => undefined },
        options,
      );
      await flow.start();
      await flow.done;
      const src = flow.tick().nodes.src!;
      expect([JSON.stringify(options), src.recordsOut, src.acknowledged]).toEqual([
        JSON.stringify(options),
        30_000,
        30_000,
      ]);
    }
  });

  it('a window holds the acknowledgement of its records until its result is acknowledged', async () => {
    // Paced for ~2 s. One branch has a window far longer than the run: nothing fires before the input ends, so
    // nothing is acknowledged; the other's 100 ms windows fire all along.
    const run = (sizeMs: number) =>
      startFlow(
        chain('held', [
          { id: 'src', type: 'live-room', config: { rate: 2000, limit: 4000, seed: 2 } },
          { id: 'by-room', type: 'key-by', config: { key: 'room' } },
          { id: 'win', type: 'window', config: { sizeMs, aggregates: [{ op: 'count', as: 'n' }] } },
          { id: 'out', type: 'debug', config: { keep: 1000 } },
        ]),
        100,
      );
    const [long, short] = await Promise.all([run(3_600_000), run(100)]);
    // Half the input made: the short windows have fired many times, the long one never.
    const made = (r: typeof long) => r.ticks.at(-1)?.nodes.src?.recordsOut ?? 0;
    await until(() => made(long) > 1000 && made(short) > 1000 && made(short) < 3000, 10_000, 'half the input made');
    const [l, s] = [long.ticks.at(-1)!.nodes.src!, short.ticks.at(-1)!.nodes.src!];
    expect(l.recordsOut).toBeGreaterThan(1000);
    expect(l.acknowledged).toBe(0);
    expect(s.recordsOut).toBeGreaterThan(1000);
    expect(s.acknowledged).toBeGreaterThan(0.5 * s.recordsOut);
    expect(s.acknowledged).toBeLessThan(s.recordsOut); // the open window's records are in flight
    await Promise.all([long.flow.done, short.flow.done]);
    // The input ended: the windows fired, their results reached the sink, and the records were acknowledged.
    expect(long.flow.tick().nodes.src!.acknowledged).toBe(4000);
    expect(short.flow.tick().nodes.src!.acknowledged).toBe(4000);
  });

  it('a node in error does not acknowledge what it discards; a drop queue acknowledges what its policy drops', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'not-a-folder'), '');
    const broken = await startFlow(
      chain('broken sink', [
        { id: 'src', type: 'live-room', config: { paced: false, limit: 5000 } },
        { id: 'out', type: 'file', config: { path: join(dir, 'not-a-folder', 'out.jsonl') } },
      ]),
    );
    await broken.flow.done;
    const b = broken.flow.tick();
    expect(b.nodes.out!.state).toBe('error');
    expect(b.nodes.out!.dropped).toBe(5000);
    expect([b.nodes.src!.recordsOut, b.nodes.src!.acknowledged]).toEqual([5000, 0]);

    const dropping = await startFlow(
      chain(
        'dropping',
        [
          { id: 'src', type: 'live-room', config: { paced: false, batchSize: 100, limit: 20_000 } },
          { id: 'slow', type: 'debug', config: { maxRecordsPerSecond: 5000 } },
        ],
        { maxRecords: 500, overflow: 'drop' },
      ),
    );
    await dropping.flow.done;
    const d = dropping.flow.tick();
    expect(d.edges.e1!.dropped).toBeGreaterThan(0);
    expect(d.nodes.src!.acknowledged).toBe(20_000);
  });
});
