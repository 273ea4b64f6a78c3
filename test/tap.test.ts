/**
 * Watching a wire of a running flow: a sample of what passes, filtered, at most N records a second; fused operators
 * step aside while a wire is watched, and come back when no one watches.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TapChunk } from '../src/shared/api';
import { startFlow, wired, until, stays } from './helpers';

const room = (rate = 2000) =>
  wired(
    'tap',
    [
      { id: 'room', type: 'live-room', config: { rate, seed: 4 } },
      { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } },
      { id: 'coins', type: 'map', config: { expression: '{"user": user, "coins": coins}' } },
      { id: 'keep', type: 'debug', config: { keep: 10 } },
    ],
    ['room.out>gifts.in', 'gifts.out>coins.in', 'coins.out>keep.in'],
  );

describe('watching a wire', () => {
  it('samples at most N records a second, those the filter keeps, with counts of what passed', async () => {
    const { flow } = await startFlow(room());
    const chunks: TapChunk[] = [];
    const t0 = Date.now();
    const close = flow.tap('e1', "type = 'like'", 20, (c) => chunks.push(c));
    const sampled = () => chunks.flatMap((c) => c.records) as { type: string }[];
    await until(() => sampled().length > 20 && (chunks.at(-1)?.seen ?? 0) > 2000, 10_000, 'more than a second sampled');
    close();
    const seconds = (Date.now() - t0) / 1000;
    const records = sampled();
    // 20 a second at most: one window of 20 for each second begun, and the one under way.
    expect(records.length).toBeLessThanOrEqual(20 * (Math.ceil(seconds) + 1));
    expect(new Set(records.map((r) => r.type))).toEqual(new Set(['like']));
    const last = chunks.at(-1)!;
    expect(last.seen).toBeGreaterThan(2000);
    // About 35 % of the room's events are likes.
    expect(last.matched / last.seen).toBeGreaterThan(0.25);
    expect(last.matched / last.seen).toBeLessThan(0.45);
    const after = chunks.length;
    await stays(() => chunks.length === after, 600, 'no chunk after the watch closed');
    await flow.stop();
  });

  it('sees the records on a wire inside a fused chain (the operators go batch by batch while it is watched)', async () => {
    const { flow, ticks } = await startFlow(room(), 100);
    await until(() => (ticks.at(-1)?.nodes.gifts?.recordsOut ?? 0) > 0, 10_000, 'gifts flowing');
    const chunks: TapChunk[] = [];
    // gifts → coins is fused with the source when no one watches: its records never exist as a batch (but for a
    // sampled batch now and then).
    const before = ticks.at(-1)!.nodes.gifts!.recordsOut;
    const t0 = Date.now();
    const close = flow.tap('e2', '', 50, (c) => chunks.push(c));
    const passedNow = () => (ticks.at(-1)?.nodes.gifts?.recordsOut ?? 0) - before;
    await until(
      () => passedNow() > 100 && chunks.flatMap((c) => c.records).length > 10,
      10_000,
      'a hundred gifts past the watch',
    );
    close();
    const seconds = (Date.now() - t0) / 1000;
    const passed = passedNow();
    // The watch saw (nearly) every record that left the filter, not only the sampled batches.
    expect(chunks.at(-1)!.seen).toBeGreaterThan(0.7 * passed);
    const records = chunks.flatMap((c) => c.records) as Record<string, unknown>[];
    expect(records.length).toBeGreaterThan(10);
    for (const r of records) expect(r.type).toBe('gift');
    // ~5 % of 2000/s are gifts, at most 50 a second shown.
    expect(records.length).toBeLessThanOrEqual(50 * (Math.ceil(seconds) + 1));
    await flow.stop();
  });

  it('says in words what cannot be watched: a wire not there, a bad filter, a media wire', async () => {
    const { flow } = await startFlow(room());
    expect(() => flow.tap('nope', '', 10, () => undefined)).toThrow('no wire "nope" in the running pipeline');
    expect(() => flow.tap('e1', 'type = ', 10, () => undefined)).toThrow(/^filter: JSONata syntax error/);
    await flow.stop();
    const video = wired(
      'video',
      [
        { id: 'cam', type: 'test-pattern', config: { width: 160, height: 90, frames: 300 } },
        { id: 'enc', type: 'encoder', config: { device: 'cpu' } },
        { id: 'pack', type: 'packager', config: {} },
        { id: 'keep', type: 'file', config: { path: join(tmpdir(), `sluice-tap-${process.pid}.mp4`) } },
      ],
      ['cam.video>enc.in', 'enc.out>pack.in', 'pack.out>keep.bytes'],
    );
    const v = await startFlow(video);
    expect(() => v.flow.tap('e1', '', 10, () => undefined)).toThrow(
      'wire "e1" carries video/raw inside the group\'s ffmpeg process: watch an encoded wire with the preview',
    );
    // A bytes wire shows each chunk's size and first bytes.
    const chunks: TapChunk[] = [];
    const close = v.flow.tap('e3', '', 10, (c) => chunks.push(c));
    await until(() => chunks.some((c) => c.records.length > 0), 15_000, 'a chunk of bytes sampled');
    close();
    const first = chunks.flatMap((c) => c.records)[0] as { bytes: number; head: string };
    expect(first.bytes).toBeGreaterThan(0);
    expect(first.head).toMatch(/^[0-9a-f]{2,64}$/);
    await v.flow.stop();
  }, 30_000);
});
