import { readFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../src/shared/document';
import { liveRoomGenerator, type LiveRoomConfig } from '../src/engine/nodes/sources/live-room';
import { startFlow, tempDir } from './helpers';

type Ev = Record<string, unknown> & {
  id: number;
  ts: number;
  room: string;
  type: string;
  coins?: number;
  user: string;
};

const SOURCE: LiveRoomConfig = {
  rooms: 3,
  users: 40,
  rate: 1000,
  paced: false,
  limit: 20_000,
  seed: 7,
  jitterMs: 2500,
  startTime: 1_700_000_000_000,
  mix: { chat: 40, like: 30, gift: 30 },
  batchSize: 128,
};

interface WindowCase {
  kind: 'tumbling' | 'sliding';
  sizeMs: number;
  slideMs?: number;
  watermarkDelayMs: number;
  allowedLatenessMs: number;
}

/**
 * The reference: Flink's semantics written plainly, one event at a time, with none of the engine's code. The source
 * sends its clock after each batch of `batchSize` events: event i is made at startTime + i / rate (and dated up to
 * jitterMs earlier), so after i events its clock is startTime + (i − 1) / rate, whatever the filter after it keeps
 * (in Flink the watermark is made at the source). The window's watermark is that minus its delay. A window
 * [s, s+size) is gone once s+size+lateness ≤ watermark.
 */
function reference(events: Ev[], c: WindowCase) {
  const slide = c.slideMs ?? c.sizeMs;
  let clock = -Infinity;
  const windows = new Map<
    string,
    { key: string; start: number; coins: number; gifts: number; max: number; top: Map<string, number> }
  >();
  const late: number[] = [];
  events.forEach((e, i) => {
    // The source's watermark, sent behind the previous batch.
    if (i > 0 && i % SOURCE.batchSize === 0) clock = SOURCE.startTime + Math.floor((i - 1) * (1000 / SOURCE.rate));
    if (e.type !== 'gift') return;
    const wm = clock - c.watermarkDelayMs;
    const starts: number[] = [];
    for (let s = e.ts - (((e.ts % slide) + slide) % slide); s + c.sizeMs > e.ts; s -= slide) starts.push(s);
    const open = starts.filter((s) => s + c.sizeMs + c.allowedLatenessMs > wm);
    if (open.length === 0) late.push(e.id);
    for (const s of open) {
      const id = `${e.room}@${s}`;
      const w = windows.get(id) ?? { key: e.room, start: s, coins: 0, gifts: 0, max: -Infinity, top: new Map() };
      w.coins += e.coins!;
      w.gifts += 1;
      w.max = Math.max(w.max, e.coins!);
      w.top.set(e.user, (w.top.get(e.user) ?? 0) + e.coins!);
      windows.set(id, w);
    }
  });
  const results = new Map(
    [...windows].map(([id, w]) => {
      const top = [...w.top].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
      return [id, { coins: w.coins, gifts: w.gifts, max: w.max, top: top.map(([user, coins]) => ({ user, coins })) }];
    }),
  );
  return { results, late };
}

function pipeline(dir: string, c: WindowCase): PipelineDocument {
  const node = (id: string, type: string, config: Record<string, unknown>) => ({
    id,
    type,
    position: { x: 0, y: 0 },
    config,
  });
  return {
    version: 1,
    name: 'windows',
    nodes: [
      node('src', 'live-room', { ...SOURCE }),
      node('gifts', 'filter', { expression: "type = 'gift'" }),
      node('by-room', 'key-by', { key: 'room' }),
      node('win', 'window', {
        ...c,
        aggregates: [
          { op: 'sum', field: 'coins', as: 'coins' },
          { op: 'count', as: 'gifts' },
          { op: 'max', field: 'coins', as: 'max' },
          { op: 'top', field: 'coins', by: 'user', n: 3, as: 'top' },
        ],
      }),
      node('out', 'file', { path: join(dir, 'windows.jsonl') }),
      node('late', 'file', { path: join(dir, 'late.jsonl') }),
    ],
    edges: [
      { id: 'a', from: { node: 'src', port: 'out' }, to: { node: 'gifts', port: 'in' } },
      { id: 'b', from: { node: 'gifts', port: 'out' }, to: { node: 'by-room', port: 'in' } },
      { id: 'c', from: { node: 'by-room', port: 'out' }, to: { node: 'win', port: 'in' } },
      { id: 'd', from: { node: 'win', port: 'out' }, to: { node: 'out', port: 'in' } },
      { id: 'e', from: { node: 'win', port: 'late' }, to: { node: 'late', port: 'in' } },
    ],
  };
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const CASES: [string, WindowCase][] = [
  [
    'tumbling 1 s, watermark 500 ms behind, no lateness',
    { kind: 'tumbling', sizeMs: 1000, watermarkDelayMs: 500, allowedLatenessMs: 0 },
  ],
  [
    'tumbling 1 s, watermark 200 ms behind, 700 ms allowed lateness',
    { kind: 'tumbling', sizeMs: 1000, watermarkDelayMs: 200, allowedLatenessMs: 700 },
  ],
  [
    'sliding 2 s every 500 ms, watermark 100 ms behind, 200 ms lateness',
    { kind: 'sliding', sizeMs: 2000, slideMs: 500, watermarkDelayMs: 100, allowedLatenessMs: 200 },
  ],
];

describe('event-time windows with watermarks', () => {
  const events: Ev[] = [];
  const gen = liveRoomGenerator(SOURCE, SOURCE.startTime);
  for (let i = 0; i < SOURCE.limit; i++) events.push(gen(i) as Ev);

  it('the seeded source really is out of order', () => {
    let inversions = 0;
    for (let i = 1; i < events.length; i++) if (events[i]!.ts < events[i - 1]!.ts) inversions++;
    expect(inversions).toBeGreaterThan(events.length / 4);
  });

  it.each(CASES)('%s: results equal the reference; late records counted and routed', async (_name, c) => {
    const dir = tempDir('win');
    const run = await startFlow(pipeline(dir, c));
    await run.flow.done;
    const ref = reference(events, c);

    // The last result emitted for each key and window is its final value (late firings update earlier ones).
    const final = new Map<string, unknown>();
    for (const r of lines(join(dir, 'windows.jsonl'))) {
      expect(r.windowEnd).toBe((r.windowStart as number) + c.sizeMs);
      expect(r.ts).toBe((r.windowEnd as number) - 1);
      final.set(`${r.key as string}@${r.windowStart as number}`, {
        coins: r.coins,
        gifts: r.gifts,
        max: r.max,
        top: r.top,
      });
    }
    expect(final.size).toBe(ref.results.size);
    expect(Object.fromEntries(final)).toEqual(Object.fromEntries(ref.results));

    const lateIds = lines(join(dir, 'late.jsonl')).map((r) => r.id);
    expect(lateIds).toEqual(ref.late);
    expect(ref.late.length).toBeGreaterThan(10);
    const last = run.ticks.at(-1)!;
    expect(last.nodes.win!.counters).toEqual({ late: ref.late.length });
    expect(last.nodes.late!.recordsIn).toBe(ref.late.length);
  });
});
