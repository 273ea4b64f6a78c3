/**
 * Latency traces: one source batch a second followed through the flow — received, finished, sent on at every node it
 * reaches (windows included, whose results carry it on) — until everything derived from it is acknowledged.
 */
import { rmSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { startFlow, wired, videoToArchive, tempDir, until } from './helpers';

describe('latency traces', () => {
  it('follow a batch through operators and a window to the sinks, in order, until it is acknowledged', async () => {
    const d = wired(
      'traced',
      [
        // Half the events are gifts: paced at 2000/s a batch holds a few events, and with the usual 5 % of gifts most
        // traced batches would stop at the filter (on a loaded machine none might get past it for seconds).
        { id: 'room', type: 'live-room', config: { rate: 2000, seed: 2, mix: { chat: 30, like: 20, gift: 50 } } },
        { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } },
        { id: 'byRoom', type: 'key-by', config: { key: 'room' } },
        {
          id: 'perSecond',
          type: 'window',
          config: { sizeMs: 500, aggregates: [{ op: 'sum', field: 'coins', as: 'coins' }] },
        },
        { id: 'board', type: 'debug', config: {} },
        { id: 'all', type: 'debug', config: {} },
      ],
      [
        'room.out>gifts.in',
        'gifts.out>byRoom.in',
        'byRoom.out>perSecond.in',
        'perSecond.out>board.in',
        'room.out>all.in',
      ],
    );
    const { flow } = await startFlow(d);
    const t0 = Date.now();
    // (A batch with no gift in it stops at the filter; one with a gift goes all the way, and is acknowledged once
    // the window's result is written.)
    const reached = () =>
      flow.latencyTraces().find((x) => x.ackMs !== undefined && x.stages.some((s) => s.node === 'board'));
    await until(() => !!reached(), 20_000, 'a traced batch acknowledged past the window');
    // One more trace at least, to count them against the time.
    const seen = flow.latencyTraces().length;
    await until(() => flow.latencyTraces().length > seen + 1, 10_000, 'two more traces');
    const traces = flow.latencyTraces();
    const seconds = (Date.now() - t0) / 1000;
    await flow.stop();
    // About one a second.
    expect(traces.length).toBeGreaterThanOrEqual(Math.floor(seconds) - 1);
    expect(traces.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    const t = reached()!;
    expect(t.source).toBe('room');
    expect(t.eventAgeMs).toBeGreaterThanOrEqual(0);
    const at = new Map(t.stages.map((s) => [s.node, s]));
    expect([...at.keys()].sort()).toEqual(['all', 'board', 'byRoom', 'gifts', 'perSecond', 'room']);
    // Each node received the batch after the one before it sent it on, and finished after it received it.
    const path = ['gifts', 'byRoom', 'perSecond', 'board'];
    let sent = at.get('room')!.outMs!;
    for (const id of path) {
      const s = at.get(id)!;
      expect(s.inMs!).toBeGreaterThanOrEqual(sent);
      expect(s.doneMs!).toBeGreaterThanOrEqual(s.inMs!);
      if (id !== 'board') sent = s.outMs!;
    }
    // The window held it until its watermark passed: its result went out after it had finished taking the batch in
    // (by how much depends on where in the window the batch fell).
    const w = at.get('perSecond')!;
    expect(w.outMs!).toBeGreaterThan(w.doneMs!);
    // Acknowledged once the window's result was written.
    expect(t.ackMs!).toBeGreaterThanOrEqual(at.get('board')!.doneMs!);
  });

  it('follow video fragments from the capture of their first frame, through the encoder, to the archive that acknowledges them', async () => {
    const dir = tempDir('trace');
    try {
      const d = videoToArchive('traced-video', dir, 150);
      const { flow, errors } = await startFlow(d);
      await flow.done;
      expect(errors).toEqual([]);
      const traces = flow.latencyTraces().filter((t) => t.captured);
      // Five seconds of video in real time: about a trace a second, each from the packager, captured by the test
      // pattern and encoded by the encoder in the group's one process.
      expect(traces.length).toBeGreaterThanOrEqual(3);
      for (const t of traces) {
        expect(t.source).toBe('pack');
        expect(t.captured!.by).toEqual(['cam', 'enc']);
        // From capture to the fragment out of ffmpeg: at least the fragment's frames after the first (15 frames at
        // 30 fps make 0.5 s), and not seconds more.
        expect(t.eventAgeMs!).toBeGreaterThan(200);
        expect(t.eventAgeMs!).toBeLessThan(3000);
        expect(t.stages.map((s) => s.node)).toEqual(['pack', 'archive']);
        expect(t.ackMs).toBeGreaterThanOrEqual(t.stages[1]!.doneMs!);
      }
      // The frames' media times advance with the wall clock (the source runs in real time): the capture times are
      // the frames' own, not the moment the fragment was read.
      const [a, b] = [traces[0]!, traces.at(-1)!];
      const media = b.captured!.frameTime - a.captured!.frameTime;
      const wall = (b.startedAt - a.startedAt) / 1000;
      expect(media).toBeGreaterThan(0);
      expect(Math.abs(media - wall)).toBeLessThan(0.6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
