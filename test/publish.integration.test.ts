/**
 * Publishing to a receiver: ffmpeg stands in for the CDN's RTMP ingest and for an SRT listener, each restarted
 * mid-run; a receiver that refuses the stream key. The group's other output (HLS) goes on untouched throughout.
 * Real ffmpeg and ffprobe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../src/shared/document';
import { ffprobe } from '../src/engine/media/ffmpeg';
import { freePort } from '../src/engine/support/net';
import { RtmpGate } from '../src/engine/media/rtmp-gate';
import { startFlow, tempDir, until, wired } from './helpers';

const dir = tempDir('publish');
process.env.SLUICE_CACHE ??= tempDir('cache');

const receivers: ChildProcess[] = [];
afterEach(() => {
  for (const r of receivers.splice(0)) r.kill('SIGKILL');
});

/** ffmpeg as a receiver: listening on `url`, writing what arrives to `file` until it is stopped. */
function receive(url: string, file: string, format: 'flv' | 'mpegts') {
  const listen = format === 'flv' ? ['-listen', '1'] : [];
  const proc = spawn(
    'ffmpeg',
    [...['-hide_banner', '-loglevel', 'error', ...listen, '-f', format, '-i', url], '-c', 'copy', '-y', file],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  receivers.push(proc);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    exited,
    stop: async () => {
      proc.kill('SIGINT');
      await exited;
    },
  };
}

/** Whether a receiver has written at least `bytes` of what it got. */
const wrote = (file: string, bytes: number) => existsSync(file) && statSync(file).size >= bytes;

const frames = async (file: string) =>
  Number((await ffprobe(file, { frames: true })).streams.find((s) => s.codec_type === 'video')!.nb_read_frames);

const publishDoc = (publish: Record<string, unknown>, hls: string): PipelineDocument =>
  wired(
    'publish',
    [
      { id: 'cam', type: 'test-pattern', config: { width: 320, height: 240, audio: true } },
      { id: 'enc', type: 'encoder', config: { device: 'cpu', preset: 'ultrafast', gopFrames: 15 } },
      { id: 'out', type: 'stream-publish', config: { reconnectBackoffMs: 300, ...publish } },
      { id: 'live', type: 'hls', config: { dir: hls, segmentSeconds: 1 } },
    ],
    ['cam.video>enc.in', 'enc.out>out.in', 'enc.out>live.in'],
  );

describe('stream-publish', () => {
  it('to an RTMP receiver restarted mid-run: it says why, reconnects, and both runs of the receiver get the stream; HLS never stops', async () => {
    const port = await freePort();
    const hls = join(dir, 'rtmp-hls');
    const url = `rtmp://127.0.0.1:${port}/live/cdn-key`;
    let receiver = receive(url, join(dir, 'first.flv'), 'flv');
    const { flow, ticks, errors, states } = await startFlow(
      publishDoc({ url: `rtmp://127.0.0.1:${port}/live`, streamKey: 'cdn-key' }, hls),
      200,
    );
    try {
      const pub = () => ticks.at(-1)?.nodes.out?.media?.publish;
      await until(
        () => pub()?.connected === true && wrote(join(dir, 'first.flv'), 50_000),
        20_000,
        'the stream to flow',
      );
      await receiver.stop();
      await until(() => states.some((s) => s.nodeId === 'out' && s.state === 'reconnecting'), 10_000, 'reconnecting');
      expect(errors.find((e) => e.nodeId === 'out')!.message).toMatch(
        new RegExp(`^rtmp://127\\.0\\.0\\.1:${port}/live/cdn-key: .+ — trying again in \\d\\.\\d s$`),
      );
      receiver = receive(url, join(dir, 'second.flv'), 'flv');
      await until(() => pub()!.connected && wrote(join(dir, 'second.flv'), 50_000), 20_000, 'the stream to flow again');
      await receiver.stop();
    } finally {
      await flow.stop();
    }
    expect(await frames(join(dir, 'first.flv'))).toBeGreaterThan(15);
    expect(await frames(join(dir, 'second.flv'))).toBeGreaterThan(15);
    // The group's process never stopped for the receiver: one HLS stream, no break in it.
    expect(readFileSync(join(hls, 'index.m3u8'), 'utf8')).not.toMatch(/DISCONTINUITY/);
    expect(errors.filter((e) => e.nodeId !== 'out')).toEqual([]);
  }, 60_000);

  it('to an SRT listener with a passphrase (a named secret), restarted mid-run', async () => {
    const port = await freePort();
    process.env.SLUICE_SECRET_SRT_CDN = 'a long enough passphrase';
    const listen = `srt://127.0.0.1:${port}?mode=listener&passphrase=${encodeURIComponent('a long enough passphrase')}`;
    let receiver = receive(listen, join(dir, 'first.ts'), 'mpegts');
    const { flow, ticks, errors } = await startFlow(
      publishDoc({ url: `srt://127.0.0.1:${port}`, passphraseName: 'cdn' }, join(dir, 'srt-hls')),
      200,
    );
    try {
      const pub = () => ticks.at(-1)?.nodes.out?.media?.publish;
      await until(
        () => pub()?.connected === true && wrote(join(dir, 'first.ts'), 50_000),
        20_000,
        'the stream to flow',
      );
      await receiver.stop();
      await until(() => pub()?.connected === false, 15_000, 'the receiver to be lost');
      receiver = receive(listen, join(dir, 'second.ts'), 'mpegts');
      await until(() => pub()!.connected && wrote(join(dir, 'second.ts'), 50_000), 20_000, 'the stream to flow again');
      await receiver.stop();
    } finally {
      await flow.stop();
      delete process.env.SLUICE_SECRET_SRT_CDN;
    }
    expect(await frames(join(dir, 'first.ts'))).toBeGreaterThan(15);
    expect(await frames(join(dir, 'second.ts'))).toBeGreaterThan(15);
    // The passphrase is never shown: not in a message, not in the figures.
    expect(JSON.stringify({ errors, ticks: ticks.slice(-3) })).not.toContain('long enough');
  }, 60_000);

  it('a receiver that refuses the stream key: the node says so and keeps trying; the rest goes on', async () => {
    const inner = await freePort();
    const port = await freePort();
    const refused: string[] = [];
    // The receiver: ffmpeg behind Sluice's own RTMP door, which takes the key "right" only.
    const gate = new RtmpGate(
      { host: '127.0.0.1', port, app: 'live', key: 'right', upstream: () => inner },
      { refused: (_r, why) => refused.push(why) },
    );
    await gate.listen();
    receive(`rtmp://127.0.0.1:${inner}/live/right`, join(dir, 'never.flv'), 'flv');
    const hls = join(dir, 'refused-hls');
    const { flow, ticks, errors } = await startFlow(
      publishDoc({ url: `rtmp://127.0.0.1:${port}/live`, streamKey: 'wrong' }, hls),
      200,
    );
    try {
      await until(() => errors.filter((e) => e.nodeId === 'out').length >= 2, 20_000, 'two tries refused');
      expect(refused[0]).toBe('wrong stream key');
      expect(errors.find((e) => e.nodeId === 'out')!.message).toMatch(/trying again in \d\.\d s$/);
      expect(ticks.at(-1)!.nodes.out!.media!.publish!.connected).toBe(false);
      expect(ticks.at(-1)!.nodes.enc!.media!.frames).toBeGreaterThan(30);
    } finally {
      await flow.stop();
      gate.close();
    }
  }, 40_000);
});
