/**
 * Live ingest: ffmpeg stands in for OBS as the publisher, over RTMP and SRT, into stream-ingest → encoder → HLS;
 * ffprobe plays what came out. A publisher that leaves and comes back, a wrong stream key, a wrong passphrase, a
 * port in use. Real ffmpeg and ffprobe throughout.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../src/shared/document';
import { ffprobe } from '../src/engine/media/ffmpeg';
import { freePort } from '../src/engine/support/net';
import { runTool } from '../src/engine/media/ffmpeg';
import { startFlow, tempDir, until, wired, type WiredNode } from './helpers';
import { makeCa } from './tls-ca';

const dir = tempDir('ingest');
process.env.SLUICE_CACHE ??= tempDir('cache');

const publishers: ChildProcess[] = [];
afterEach(() => {
  for (const p of publishers.splice(0)) p.kill('SIGKILL');
});

/** ffmpeg publishing a test picture (with sound) for `seconds`, as OBS would: H.264 + AAC over RTMP (FLV) or SRT (TS). */
function publish(
  url: string,
  seconds: number,
  size = '640x360',
): { proc: ChildProcess; exit: Promise<{ code: number | null; log: string }> } {
  const srt = url.startsWith('srt:');
  const proc = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${size}:rate=30`,
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '30',
      '-b:v',
      size === '640x360' ? '800k' : '4000k',
      '-c:a',
      'aac',
      '-t',
      String(seconds),
      '-f',
      srt ? 'mpegts' : 'flv',
      url,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  publishers.push(proc);
  let log = '';
  proc.stderr!.on('data', (d) => (log += String(d)));
  return { proc, exit: new Promise((r) => proc.once('exit', (code) => r({ code, log }))) };
}

const ingestDoc = (ingest: Record<string, unknown>, hls: string): PipelineDocument =>
  wired(
    'ingest',
    [
      { id: 'obs', type: 'stream-ingest', config: ingest } satisfies WiredNode,
      { id: 'enc', type: 'encoder', config: { device: 'cpu', preset: 'ultrafast', gopFrames: 30 } },
      { id: 'live', type: 'hls', config: { dir: hls, segmentSeconds: 1 } },
    ],
    ['obs.video>enc.in', 'enc.out>live.in'],
  );

const ffmpegsWith = (marker: string) =>
  execFileSync('ps', ['-eo', 'pid=,args='])
    .toString()
    .split('\n')
    .filter((l) => l.includes('ffmpeg') && l.includes(marker) && !l.includes('ps -eo'));

describe('RTMP ingest (ffmpeg publishing as OBS does)', () => {
  it('waits for its publisher, shows what it sends, refuses a wrong key, and takes it back after it left: one HLS stream with a gap', async () => {
    const port = await freePort();
    const hls = join(dir, 'rtmp');
    const { flow, ticks, errors, states } = await startFlow(ingestDoc({ port, streamKey: 'room-42' }, hls), 200);
    let ended = false;
    void flow.done.then(() => (ended = true));
    try {
      const ingest = () => ticks.at(-1)?.nodes.obs?.media?.ingest;
      await until(() => ingest()?.waiting === true, 10_000, 'the ingest to wait for a publisher');
      expect(states).toContainEqual({ nodeId: 'obs', state: 'waiting' });
      expect(ingest()!.url).toBe(`rtmp://127.0.0.1:${port}/live/room-42`);

      // Another key: turned away at the door, in words, before anything is encoded.
      const wrong = publish(`rtmp://127.0.0.1:${port}/live/guess`, 3);
      expect((await wrong.exit).code).not.toBe(0);
      await until(
        () => errors.some((e) => e.nodeId === 'obs' && /refused: wrong stream key/.test(e.message)),
        5000,
        'the refusal',
      );
      // (Counted on the node by the next metrics tick.)
      await until(() => ingest()?.refused === 1, 5000, 'the refusal counted');

      // The right key: live, with the publisher's codec, size, frame rate and bitrate on the node.
      const first = publish(`rtmp://127.0.0.1:${port}/live/room-42`, 4);
      await until(() => ingest()?.waiting === false && ingest()?.publisher !== undefined, 10_000, 'the publisher');
      expect(ingest()!.publisher).toMatchObject({ codec: 'h264', width: 640, height: 360, fps: 30, audio: 'aac' });
      await until(() => (ingest()?.bitrateKbps ?? 0) > 200, 5000, 'the publisher’s bitrate');
      expect((await first.exit).code).toBe(0);

      // Gone: the run goes on, waiting; a publisher back is a gap, counted.
      await until(() => ingest()?.waiting === true, 10_000, 'the ingest to wait again');
      expect(ended).toBe(false);
      const second = publish(`rtmp://127.0.0.1:${port}/live/room-42`, 3);
      await until(() => ingest()?.waiting === false, 10_000, 'the publisher to come back');
      expect(ingest()!.gaps).toBe(1);
      expect(ingest()!.gapSeconds).toBeGreaterThan(0);
      expect((await second.exit).code).toBe(0);
      await until(() => ingest()?.waiting === true, 10_000, 'the second publisher to have gone');
    } finally {
      await flow.stop();
    }
    // One playlist: the two publishers' segments, a discontinuity between them; nothing of the refused one.
    const playlist = readFileSync(join(hls, 'index.m3u8'), 'utf8');
    // (ffmpeg also marks the head of a playlist it appends to; the break that matters is between segments.)
    expect(playlist.match(/\.ts\n#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    const probe = await ffprobe(join(hls, 'index.m3u8'), { frames: true });
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    expect([video.codec_name, video.width, video.height]).toEqual(['h264', 640, 360]);
    // 4 s + 3 s at 30 fps, give or take the frames in flight when each publisher stopped.
    expect(Number(video.nb_read_frames)).toBeGreaterThan(180);
    expect(errors.filter((e) => e.nodeId !== 'obs' || !/refused/.test(e.message))).toEqual([]);
    expect(ffmpegsWith(hls)).toEqual([]);
  }, 90_000);

  it('a port already in use: the node says so, the rest of the run goes on, no ffmpeg is left', async () => {
    const busy: Server = await new Promise((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => r(s));
    });
    const port = (busy.address() as { port: number }).port;
    const hls = join(dir, 'busy');
    const d = ingestDoc({ port, streamKey: 'k' }, hls);
    d.nodes.push({ id: 'room', type: 'live-room', position: { x: 0, y: 300 }, config: { rate: 200 } });
    d.nodes.push({ id: 'sink', type: 'debug', position: { x: 200, y: 300 }, config: {} });
    d.edges.push({ id: 'r1', from: { node: 'room', port: 'out' }, to: { node: 'sink', port: 'in' } });
    const { flow, ticks, errors } = await startFlow(d, 200);
    try {
      await until(() => errors.some((e) => e.nodeId === 'obs'), 10_000, 'the ingest to say why it cannot listen');
      expect(errors.find((e) => e.nodeId === 'obs')!.message).toMatch(
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`),
      );
      await until(() => (ticks.at(-1)?.nodes.sink?.recordsIn ?? 0) > 0, 10_000, 'the rest of the run to start');
      const before = ticks.at(-1)!.nodes.sink!.recordsIn;
      await until(() => ticks.at(-1)!.nodes.sink!.recordsIn > before + 100, 10_000, 'the rest of the run to go on');
      expect(ffmpegsWith(hls)).toEqual([]);
    } finally {
      await flow.stop();
      busy.close();
    }
  }, 30_000);
});

describe('a publisher whose stream cannot be used', () => {
  it('sound only: the node says it needs video and waits again; the next publisher is taken', async () => {
    const port = await freePort();
    const { flow, ticks, errors } = await startFlow(ingestDoc({ port, streamKey: 'k' }, join(dir, 'sound-only')), 200);
    try {
      const ingest = () => ticks.at(-1)?.nodes.obs?.media?.ingest;
      await until(() => ingest()?.waiting === true, 10_000, 'the ingest to listen');
      const sound = spawn(
        'ffmpeg',
        [
          ...['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine', '-c:a', 'aac', '-t', '3'],
          ...['-f', 'flv', `rtmp://127.0.0.1:${port}/live/k`],
        ],
        { stdio: 'ignore' },
      );
      publishers.push(sound);
      await until(
        () => errors.some((e) => e.nodeId === 'obs' && /sent no video/.test(e.message)),
        10_000,
        'the node to say the publisher sent no video',
      );
      expect(errors.find((e) => e.nodeId === 'obs')!.message).toBe(
        'the publisher sent no video (sound only?): an ingest needs a video stream; waiting for a publisher again',
      );
      await until(() => ingest()?.waiting === true, 10_000, 'the ingest to wait again');
      const good = publish(`rtmp://127.0.0.1:${port}/live/k`, 2);
      await until(() => ingest()?.publisher?.codec === 'h264', 10_000, 'the next publisher');
      expect((await good.exit).code).toBe(0);
    } finally {
      await flow.stop();
    }
  }, 40_000);
});

describe('passing a publisher’s stream through', () => {
  it('with the encoder set to copy, the publisher’s H.264 reaches the outputs unchanged: no re-encoding', async () => {
    const port = await freePort();
    const hls = join(dir, 'copy');
    const d = ingestDoc({ port, streamKey: 'k' }, hls);
    d.nodes[1]!.config = { codec: 'copy' };
    const { flow, ticks, errors } = await startFlow(d, 200);
    try {
      await until(() => ticks.at(-1)?.nodes.obs?.media?.ingest?.waiting === true, 10_000, 'the ingest to listen');
      const pub = publish(`rtmp://127.0.0.1:${port}/live/k`, 4);
      await until(() => ticks.at(-1)?.nodes.obs?.media?.ingest?.waiting === false, 10_000, 'the publisher');
      expect(ticks.at(-1)!.nodes.enc!.media!.encoder).toBe('copy');
      expect((await pub.exit).code).toBe(0);
      await until(() => ticks.at(-1)?.nodes.obs?.media?.ingest?.waiting === true, 10_000, 'the publisher to go');
    } finally {
      await flow.stop();
    }
    expect(errors).toEqual([]);
    const probe = await ffprobe(join(hls, 'index.m3u8'), { frames: true });
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    // The publisher's own encoding: its profile (ultrafast x264 is Constrained Baseline) and all its frames.
    expect([video.codec_name, video.width, video.height, video.profile]).toEqual([
      'h264',
      640,
      360,
      'Constrained Baseline',
    ]);
    expect(Number(video.nb_read_frames)).toBeGreaterThan(100);
  }, 40_000);
});

describe('RTMPS ingest', () => {
  it('takes a publisher over TLS with the node’s certificate, and shows its stream', async () => {
    const ca = makeCa(dir, 'rtmps');
    const port = await freePort();
    const hls = join(dir, 'rtmps');
    const { flow, ticks, errors } = await startFlow(
      ingestDoc({ protocol: 'rtmps', port, streamKey: 'tls', certFile: ca.serverCert, keyFile: ca.serverKey }, hls),
      200,
    );
    try {
      const ingest = () => ticks.at(-1)?.nodes.obs?.media?.ingest;
      await until(() => ingest()?.waiting === true, 10_000, 'the ingest to listen');
      expect(ingest()!.url).toBe(`rtmps://127.0.0.1:${port}/live/tls`);
      const pub = publish(`rtmps://127.0.0.1:${port}/live/tls`, 3);
      await until(() => ingest()?.publisher !== undefined, 10_000, 'the publisher over TLS');
      expect(ingest()!.publisher).toMatchObject({ codec: 'h264', width: 640, height: 360 });
      expect((await pub.exit).code).toBe(0);
      // Plain RTMP on the TLS port is not a publisher: nothing gets through.
      const plain = publish(`rtmp://127.0.0.1:${port}/live/tls`, 2);
      expect((await plain.exit).code).not.toBe(0);
    } finally {
      await flow.stop();
    }
    expect(errors).toEqual([]);
    const video = (await ffprobe(join(hls, 'index.m3u8'), { frames: true })).streams.find(
      (s) => s.codec_type === 'video',
    )!;
    expect(Number(video.nb_read_frames)).toBeGreaterThan(60);
  }, 60_000);
});

describe('SRT ingest with a passphrase', () => {
  it('takes a publisher with the passphrase kept as a secret, refuses one without it, and says why', async () => {
    const port = await freePort();
    process.env.SLUICE_SECRET_SRT_STUDIO_A = 'correct horse battery';
    const hls = join(dir, 'srt');
    const d = ingestDoc({ protocol: 'srt', port, passphraseName: 'studio-a', latencyMs: 200 }, hls);
    // Into a three-rendition ladder, as the RTMP ladder test does.
    d.nodes[1]!.config = {
      device: 'cpu',
      preset: 'ultrafast',
      renditions: [
        { height: 360, bitrateKbps: 800 },
        { height: 240, bitrateKbps: 400 },
        { height: 144, bitrateKbps: 200 },
      ],
    };
    const { flow, ticks, errors } = await startFlow(d, 200);
    try {
      const ingest = () => ticks.at(-1)?.nodes.obs?.media?.ingest;
      await until(() => ingest()?.waiting === true, 10_000, 'the ingest to wait for a publisher');
      // The passphrase never shows: not in the node's address nor anywhere in the figures.
      expect(JSON.stringify(ticks.at(-1))).not.toContain('correct horse');

      const wrong = publish(`srt://127.0.0.1:${port}?mode=caller&passphrase=not-the-passphrase`, 3);
      expect((await wrong.exit).code).not.toBe(0);
      await until(
        () => errors.some((e) => e.nodeId === 'obs' && /incorrect passphrase/.test(e.message)),
        5000,
        'the refusal',
      );

      const right = publish(
        `srt://127.0.0.1:${port}?mode=caller&passphrase=${encodeURIComponent('correct horse battery')}`,
        5,
      );
      await until(() => ingest()?.publisher !== undefined, 10_000, 'the publisher');
      expect(ingest()!.publisher).toMatchObject({ codec: 'h264', width: 640, height: 360 });
      // Its bitrate (800k of video and the sound), counted from a copy of what it sends.
      await until(() => (ingest()?.bitrateKbps ?? 0) > 400, 10_000, 'the publisher’s bitrate');
      expect(ingest()!.bitrateKbps).toBeLessThan(2000);
      expect((await right.exit).code).toBe(0);
      await until(() => ingest()?.waiting === true, 10_000, 'the ingest to wait again');
    } finally {
      await flow.stop();
      delete process.env.SLUICE_SECRET_SRT_STUDIO_A;
    }
    const master = readFileSync(join(hls, 'master.m3u8'), 'utf8');
    expect([...master.matchAll(/RESOLUTION=(\d+x\d+)/g)].map((m) => m[1])).toEqual(['640x360', '426x240', '256x144']);
    for (const [i, height] of [360, 240, 144].entries()) {
      const v = await variant(join(hls, `v${i}/index.m3u8`));
      expect([v.codec_name, v.height]).toEqual(['h264', height]);
    }
  }, 60_000);
});

/** A variant's video as ffprobe plays it: size, codec, bitrate over its packets, and when its keyframes come. */
async function variant(playlist: string) {
  const r = await runTool('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-of', 'json'],
    ...['-show_entries', 'stream=codec_name,width,height:packet=pts_time,size,flags', playlist],
  ]);
  const j = JSON.parse(r.stdout) as {
    streams: { codec_name: string; width: number; height: number }[];
    packets: { pts_time: string; size: string; flags: string }[];
  };
  const pts = j.packets.map((p) => Number(p.pts_time));
  const seconds = Math.max(...pts) - Math.min(...pts);
  const bytes = j.packets.reduce((n, p) => n + Number(p.size), 0);
  return {
    ...j.streams[0]!,
    kbps: (bytes * 8) / 1000 / seconds,
    keyframes: j.packets.filter((p) => p.flags.startsWith('K')).map((p) => Math.round(Number(p.pts_time) * 10) / 10),
  };
}

describe('an adaptive-bitrate ladder from an RTMP publisher', () => {
  it('three renditions in one process: a master playlist naming each, every variant of its size and bitrate (±25 %), keyframes aligned', async () => {
    const port = await freePort();
    const hls = join(dir, 'ladder');
    const d = ingestDoc({ port, streamKey: 'abr' }, hls);
    d.nodes[1]!.config = {
      device: 'cpu',
      preset: 'ultrafast',
      rateControl: 'cbr',
      renditions: [
        { height: 720, bitrateKbps: 2500 },
        { height: 480, bitrateKbps: 1200 },
        { height: 240, bitrateKbps: 400, fps: 15 },
      ],
    };
    d.nodes[2]!.config = { dir: hls, segmentSeconds: 2 };
    const { flow, ticks, errors } = await startFlow(d, 200);
    try {
      await until(() => ticks.at(-1)?.nodes.obs?.media?.ingest?.waiting === true, 10_000, 'the ingest to listen');
      const pub = publish(`rtmp://127.0.0.1:${port}/live/abr`, 10, '1280x720');
      expect((await pub.exit).code).toBe(0);
      await until(() => ticks.at(-1)?.nodes.obs?.media?.ingest?.waiting === true, 15_000, 'the publisher to have gone');
    } finally {
      await flow.stop();
    }
    expect(errors).toEqual([]);
    const master = readFileSync(join(hls, 'master.m3u8'), 'utf8');
    const variants = [
      ...master.matchAll(/#EXT-X-STREAM-INF:BANDWIDTH=(\d+),RESOLUTION=(\d+)x(\d+),CODECS="([^"]+)"\n(\S+)/g),
    ];
    expect(variants.map((v) => [v[2], v[3], v[5]])).toEqual([
      ['1280', '720', 'v0/index.m3u8'],
      ['854', '480', 'v1/index.m3u8'],
      ['426', '240', 'v2/index.m3u8'],
    ]);
    for (const v of variants) expect(v[4]).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
    const targets = [2500, 1200, 400];
    const played = await Promise.all(variants.map((v) => variant(join(hls, v[5]!))));
    console.log(
      `ladder: ${played.map((p, i) => `${p.height}p ${p.kbps.toFixed(0)} kb/s (target ${targets[i]})`).join(', ')}`,
    );
    for (const [i, p] of played.entries()) {
      expect([p.codec_name, p.width, p.height]).toEqual(['h264', Number(variants[i]![2]), Number(variants[i]![3])]);
      expect(p.kbps, `rendition ${i}: ${p.kbps.toFixed(0)} kb/s for ${targets[i]}`).toBeGreaterThan(targets[i]! * 0.75);
      expect(p.kbps, `rendition ${i}: ${p.kbps.toFixed(0)} kb/s for ${targets[i]}`).toBeLessThan(targets[i]! * 1.25);
      // The master's bandwidth is the variant's peak: at least its target.
      expect(Number(variants[i]![1])).toBeGreaterThanOrEqual(targets[i]! * 1000);
    }
    // Keyframes at the same instants in every rendition (every 2 s): a player can switch at any segment.
    expect(played[0]!.keyframes.length).toBeGreaterThanOrEqual(4);
    expect(played[1]!.keyframes).toEqual(played[0]!.keyframes);
    expect(played[2]!.keyframes).toEqual(played[0]!.keyframes);
  }, 90_000);
});
