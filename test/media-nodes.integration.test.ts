/**
 * Media node types run by the engine as one ffmpeg process per group: sources (file, screen, camera), the
 * packager's bytes, HLS, several outputs at once, a crash and its restarts, the preview stream. Real ffmpeg and
 * ffprobe throughout; the screen is a real X server (Xvfb).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../src/shared/document';
import { ffprobe } from '../src/engine/media/ffmpeg';
import { Fmp4Splitter, type Fmp4Part } from '../src/engine/media/fmp4';
import type { PreviewPart } from '../src/engine/media/preview';
import { startFlow, wired, type WiredNode, tempDir, until } from './helpers';

const dir = tempDir('media-nodes');
process.env.SLUICE_CACHE ??= tempDir('cache');

const doc = (nodes: WiredNode[], wires: string[]): PipelineDocument => wired('media', nodes, wires);

const pattern = (config: Record<string, unknown> = {}): WiredNode => ({
  id: 'cam',
  type: 'test-pattern',
  config: { width: 320, height: 240, realtime: false, ...config },
});
const encoder = (config: Record<string, unknown> = {}): WiredNode => ({
  id: 'enc',
  type: 'encoder',
  config: { device: 'cpu', gopFrames: 30, ...config },
});

async function runToEnd(d: PipelineDocument, options = {}) {
  const rec = await startFlow(d, 250, options);
  await rec.flow.done;
  return rec;
}

const frameCount = async (path: string) =>
  Number((await ffprobe(path, { frames: true })).streams.find((s) => s.codec_type === 'video')!.nb_read_frames);

/** ffmpeg processes whose command line mentions `marker` (a path unique to a test). */
const ffmpegsWith = (marker: string) =>
  execFileSync('ps', ['-eo', 'pid=,args='])
    .toString()
    .split('\n')
    .filter((l) => l.includes('ffmpeg') && l.includes(marker) && !l.includes('ps -eo'));

describe('several outputs from one encode (tee)', () => {
  it('a file, an HLS folder and a CMAF packager whose bytes a file sink writes: all hold the same frames', async () => {
    const hlsDir = join(dir, 'hls');
    const d = doc(
      [
        pattern({ frames: 90, audio: true }),
        encoder(),
        { id: 'rec', type: 'media-file', config: { path: join(dir, 'tee.mp4') } },
        { id: 'live', type: 'hls', config: { dir: hlsDir, segmentSeconds: 1 } },
        { id: 'pack', type: 'packager', config: { format: 'cmaf' } },
        { id: 'out', type: 'file', config: { path: join(dir, 'packaged.mp4') } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in', 'enc.out>live.in', 'enc.out>pack.in', 'pack.out>out.bytes'],
    );
    const { errors, ticks } = await runToEnd(d);
    expect(errors).toEqual([]);
    expect(await frameCount(join(dir, 'tee.mp4'))).toBe(90);
    // No bitrate is made up where ffmpeg has none to report (several outputs, no preview).
    expect(ticks.at(-1)!.nodes.enc!.media).toMatchObject({ frames: 90 });
    expect(ticks.at(-1)!.nodes.enc!.media!.bitrateKbps).toBeUndefined();
    expect(await frameCount(join(dir, 'packaged.mp4'))).toBe(90);
    // HLS: a playlist of whole segments (one per keyframe interval of 30 frames), ended, playable as a whole.
    const playlist = readFileSync(join(hlsDir, 'index.m3u8'), 'utf8');
    expect(playlist).toMatch(/#EXT-X-ENDLIST/);
    expect(playlist.match(/^segment-\d{5}\.ts$/gm)).toHaveLength(3);
    expect(await frameCount(join(hlsDir, 'index.m3u8'))).toBe(90);
    const streams = (await ffprobe(join(hlsDir, 'index.m3u8'))).streams.map((s) => s.codec_name).sort();
    expect(streams).toEqual(['aac', 'h264']);
    // The packager emitted the init segment and then one record per fragment (keyframe interval): 1 + 3.
    const last = ticks.at(-1)!.nodes;
    expect(last.pack!.recordsOut).toBe(4);
    expect(last.out!.recordsIn).toBe(4);
  });

  it('an MPEG-TS packager emits whole 188-byte packets', async () => {
    const d = doc(
      [
        pattern({ frames: 30 }),
        encoder(),
        { id: 'pack', type: 'packager', config: { format: 'mpegts' } },
        { id: 'out', type: 'file', config: { path: join(dir, 'packaged.ts') } },
      ],
      ['cam.video>enc.in', 'enc.out>pack.in', 'pack.out>out.bytes'],
    );
    const { errors } = await runToEnd(d);
    expect(errors).toEqual([]);
    expect(statSync(join(dir, 'packaged.ts')).size % 188).toBe(0);
    expect(await frameCount(join(dir, 'packaged.ts'))).toBe(30);
  });
});

describe('media file source', () => {
  it('re-encodes a file ffmpeg reads: frames, size and sound carried over', async () => {
    const src = join(dir, 'source.mkv');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=256x144:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine',
      '-t',
      '2',
      '-c:v',
      'libx264',
      '-c:a',
      'aac',
      '-shortest',
      '-y',
      src,
    ]);
    const d = doc(
      [
        { id: 'cam', type: 'media-file-source', config: { path: src, realtime: false, rate: 25 } },
        encoder({ codec: 'hevc' }),
        { id: 'rec', type: 'media-file', config: { path: join(dir, 'from-file.mkv') } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in'],
    );
    const { errors } = await runToEnd(d);
    expect(errors).toEqual([]);
    const probe = await ffprobe(join(dir, 'from-file.mkv'), { frames: true });
    const v = probe.streams.find((s) => s.codec_type === 'video')!;
    expect(v).toMatchObject({ codec_name: 'hevc', width: 256, height: 144, nb_read_frames: '50' });
    expect((await ffprobe(join(dir, 'from-file.mkv'))).streams.map((s) => s.codec_name).sort()).toEqual([
      'aac',
      'hevc',
    ]);
  });

  it('loops a file endlessly when asked, until the run stops', async () => {
    const src = join(dir, 'short.mp4');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=30',
      '-frames:v',
      '15',
      '-c:v',
      'libx264',
      '-y',
      src,
    ]);
    const path = join(dir, 'looped.mp4');
    const d = doc(
      [
        { id: 'cam', type: 'media-file-source', config: { path: src, loop: true } },
        encoder(),
        { id: 'rec', type: 'media-file', config: { path } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in'],
    );
    const { flow, errors } = await startFlow(d);
    const group = flow.mediaGroups.get('cam')!;
    // Past the end of the 15-frame file, several times over.
    await until(() => (group.progress?.frame ?? 0) > 45, 20_000, 'the file looped');
    await flow.stop();
    expect(errors).toEqual([]);
    // Half a second of file, read at its pace for about two seconds: played several times over.
    expect(await frameCount(path)).toBeGreaterThan(40);
  });

  it('a corrupt file is a clear error on the source at once, not a hang, and no ffmpeg is left', async () => {
    const bad = join(dir, 'corrupt-input.mp4');
    writeFileSync(bad, Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypisom'), Buffer.alloc(4096, 0x5a)]));
    const d = doc(
      [
        { id: 'cam', type: 'media-file-source', config: { path: bad } },
        encoder(),
        { id: 'rec', type: 'media-file', config: { path: join(dir, 'never.mp4') } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in'],
    );
    const t0 = Date.now();
    const { errors, flow } = await runToEnd(d);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ nodeId: 'cam' });
    expect(errors[0]!.message).toMatch(
      /^ffmpeg exited with code \d+: .*corrupt-input\.mp4: (Invalid data found when processing input|.*moov atom not found)/,
    );
    // Not restarted: it never encoded a frame, and the same input would fail again.
    expect(errors[0]!.message).not.toMatch(/restart/);
    expect(flow.runners.get('cam')!.state).toBe('error');
    expect(ffmpegsWith('corrupt-input')).toEqual([]);
  });

  it('a missing file is refused when the run starts, naming the path', async () => {
    const d = doc(
      [
        { id: 'cam', type: 'media-file-source', config: { path: join(dir, 'no-such.mp4') } },
        encoder(),
        { id: 'rec', type: 'media-file', config: { path: join(dir, 'never.mp4') } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in'],
    );
    const { errors } = await runToEnd(d);
    expect(errors).toEqual([{ nodeId: 'cam', message: `cannot read ${join(dir, 'no-such.mp4')}: no such file` }]);
  });
});

describe('capture sources', () => {
  let xvfb: ChildProcess | undefined;
  let display = '';
  beforeAll(async () => {
    // Xvfb picks a free display number itself and writes it on fd 3 (no clash with another X server here).
    xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '640x480x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    display = await new Promise<string>((resolve, reject) => {
      let out = '';
      (xvfb!.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
        out += String(d);
        if (out.includes('\n')) resolve(`:${out.trim()}`);
      });
      xvfb!.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
    });
  });
  afterAll(() => {
    xvfb?.kill();
  });

  it('screen: an area of a real X display (Xvfb) at the rate asked, for the time asked', async () => {
    const path = join(dir, 'screen.mp4');
    const d = doc(
      [
        { id: 'cam', type: 'screen', config: { display, x: 10, y: 20, width: 320, height: 240, rate: 10 } },
        encoder({ gopFrames: 10 }),
        { id: 'rec', type: 'media-file', config: { path } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in'],
    );
    const { flow, errors } = await startFlow(d);
    const group = flow.mediaGroups.get('cam')!;
    // Two seconds at 10 frames a second; the upper bound below says it was not faster than asked.
    const started = Date.now();
    await until(() => (group.progress?.frame ?? 0) >= 20, 20_000, '20 frames captured');
    const seconds = (Date.now() - started) / 1000;
    await flow.stop();
    expect(errors).toEqual([]);
    const v = (await ffprobe(path, { frames: true })).streams[0]!;
    expect(v).toMatchObject({ codec_name: 'h264', width: 320, height: 240 });
    expect(Number(v.nb_read_frames)).toBeGreaterThanOrEqual(20);
    // At the rate asked: about 10 a second of the time it ran (the file holds what ffmpeg had when stopped).
    expect(Number(v.nb_read_frames)).toBeLessThan(10 * (seconds + 1.5));
  });

  it('microphone: ALSA capture (the null device) wired into the encoder’s audio input becomes the AAC track', async () => {
    const path = join(dir, 'with-mic.mkv');
    const d = doc(
      [
        pattern({ frames: 30, realtime: true }),
        { id: 'mic', type: 'microphone', config: { format: 'alsa', device: 'null' } },
        encoder(),
        { id: 'rec', type: 'media-file', config: { path } },
      ],
      ['cam.video>enc.in', 'mic.audio>enc.audio', 'enc.out>rec.in'],
    );
    const { errors, states, flow } = await runToEnd(d);
    expect(errors).toEqual([]);
    expect((await ffprobe(path)).streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(await frameCount(path)).toBe(30);
    // The microphone ran while the process did, and stopped with it.
    expect(states).toContainEqual({ nodeId: 'mic', state: 'running' });
    expect(flow.runners.get('mic')!.state).toBe('stopped');
  });

  it('microphone: a device that cannot be opened is the process’s error, in ffmpeg’s words', async () => {
    const d = doc(
      [
        pattern({ frames: 30 }),
        { id: 'mic', type: 'microphone', config: { format: 'alsa', device: 'hw:9,9' } },
        encoder(),
        { id: 'rec', type: 'media-file', config: { path: join(dir, 'never.mkv') } },
      ],
      ['cam.video>enc.in', 'mic.audio>enc.audio', 'enc.out>rec.in'],
    );
    const { errors } = await runToEnd(d);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^ffmpeg exited with code \d+: .*cannot open audio device hw:9,9/);
  });

  it('camera: a device that does not exist is an error at start that lists the cameras found; the rest of the group ends too', async () => {
    const d = doc(
      [
        { id: 'cam', type: 'camera', config: { device: '/dev/video97' } },
        { id: 'mic', type: 'microphone', config: { format: 'alsa', device: 'null' } },
        encoder(),
        { id: 'rec', type: 'media-file', config: { path: join(dir, 'never.mp4') } },
      ],
      ['cam.video>enc.in', 'mic.audio>enc.audio', 'enc.out>rec.in'],
    );
    const { errors } = await runToEnd(d);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^no camera at \/dev\/video97: (cameras here: \/dev\/video\d+ .*|this machine has no V4L2 camera \(\/sys\/class\/video4linux is empty\))$/,
    );
  });
});

describe('a crash of the ffmpeg process', () => {
  it('is reported with ffmpeg’s exit, the members show restarting, and it restarts with backoff into a new file; no ffmpeg is left', async () => {
    const path = join(dir, 'crash-test.mp4');
    const d = doc(
      [
        pattern({ realtime: true, rate: 30 }),
        encoder({ restarts: 2, restartBackoffMs: 300 }),
        { id: 'rec', type: 'media-file', config: { path } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in'],
    );
    const { flow, errors, states } = await startFlow(d);
    const group = flow.mediaGroups.get('cam')!;
    // Past the first keyframe interval (30 frames), so that a fragment is in the file.
    const waitFrames = () => until(() => (group.progress?.frame ?? 0) > 40, 15_000, 'past the first keyframe interval');
    await waitFrames();
    const first = group.pid!;
    process.kill(first, 'SIGKILL');
    await until(() => errors.length > 0, 15_000, 'the crash reported');
    expect(errors[0]).toMatchObject({ nodeId: 'cam' });
    expect(errors[0]!.message).toBe('ffmpeg was killed (SIGKILL); restarting in 0.3 s (restart 1 of 2)');
    expect(states).toEqual(
      expect.arrayContaining([
        { nodeId: 'enc', state: 'restarting' },
        { nodeId: 'rec', state: 'restarting' },
      ]),
    );
    await until(() => !!group.pid && group.pid !== first, 15_000, 'a new ffmpeg process');
    await waitFrames();
    expect(flow.runners.get('rec')!.state).toBe('running');
    await flow.stop();
    // The first file was cut by the kill, but is fragmented MP4: playable up to its last fragment. The restart wrote its own.
    expect(await frameCount(path)).toBeGreaterThan(0);
    expect(await frameCount(join(dir, 'crash-test-1.mp4'))).toBeGreaterThan(5);
    expect(flow.tick().nodes.enc!.media).toMatchObject({ restarts: 1 });
    expect(ffmpegsWith('crash-test')).toEqual([]);
  });

  it('after the restarts allowed, the node ends in error with the count', async () => {
    const d = doc(
      [
        pattern({ realtime: true }),
        encoder({ restarts: 1, restartBackoffMs: 100 }),
        { id: 'rec', type: 'media-file', config: { path: join(dir, 'crash-twice.mp4') } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in'],
    );
    const { flow, errors } = await startFlow(d);
    const group = flow.mediaGroups.get('cam')!;
    for (let n = 0; n < 2; n++) {
      await until(() => !!group.pid && (group.progress?.frame ?? 0) > 3, 15_000, 'a running process');
      process.kill(group.pid!, 'SIGKILL');
      await until(() => !group.pid, 15_000, 'the process gone');
    }
    await flow.done;
    expect(errors.map((e) => e.message)).toEqual([
      'ffmpeg was killed (SIGKILL); restarting in 0.1 s (restart 1 of 1)',
      'ffmpeg was killed (SIGKILL) (after 1 restart, the most allowed)',
    ]);
    expect(flow.runners.get('cam')!.state).toBe('error');
  });
});

describe('the preview stream', () => {
  it('fMP4 parts from the running group: an H.264 init segment (video only) with the codec string, then fragments from a keyframe on', async () => {
    const d = doc(
      [
        pattern({ realtime: true, width: 320, height: 240, audio: true }),
        encoder(),
        { id: 'rec', type: 'media-file', config: { path: join(dir, 'previewed.mp4') } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in'],
    );
    const { flow } = await startFlow(d, 250, { preview: true });
    const parts: PreviewPart[] = [];
    const group = flow.mediaGroups.get('rec')!;
    const stop = group.preview.watch({ send: (p) => parts.push(p) });
    // About a second and a half of real-time video: an init segment and a fragment per frame.
    await until(() => parts.length >= 45, 20_000, 'a second and a half of preview parts');
    stop();
    await flow.stop();
    const [init, first, ...rest] = parts;
    expect(init).toMatchObject({ kind: 'init', width: 320, height: 240, proxy: undefined });
    expect((init as { codec: string }).codec).toMatch(/^avc1\.[0-9a-f]{6}$/);
    // One track, the video, though the recording has sound too: a player is given what its codec string says.
    expect(
      Buffer.from((init as { data: Uint8Array }).data)
        .toString('latin1')
        .split('trak').length - 1,
    ).toBe(1);
    expect((await ffprobe(join(dir, 'previewed.mp4'))).streams.map((s) => s.codec_name).sort()).toEqual([
      'aac',
      'h264',
    ]);
    expect(first).toMatchObject({ kind: 'fragment', keyframe: true });
    // A fragment per frame, about 30 a second.
    expect(rest.length).toBeGreaterThan(20);
    // Several outputs (the file, the preview) go through the tee muxer, which has no size for ffmpeg to report a
    // bitrate from: the preview's media bytes give it, close to what the file holds.
    const kbps = group.metrics()!.bitrateKbps!;
    const v = (await ffprobe(join(dir, 'previewed.mp4'))).streams[0]!;
    expect(Math.abs(kbps - Number(v.bit_rate) / 1000) / (Number(v.bit_rate) / 1000)).toBeLessThan(0.25);
    // A late watcher gets the init segment and the group of pictures so far, starting at a keyframe.
    const late: PreviewPart[] = [];
    group.preview.watch({ send: (p) => late.push(p) });
    expect(late[0]).toMatchObject({ kind: 'init' });
    expect(late[1]).toMatchObject({ kind: 'fragment', keyframe: true });
    expect(late.at(-1)).toEqual({ kind: 'end' });
  });

  it('an H.265 wire is previewed through a labelled H.264 proxy', async () => {
    const d = doc(
      [
        pattern({ realtime: true, width: 640, height: 480 }),
        encoder({ codec: 'hevc' }),
        { id: 'rec', type: 'media-file', config: { path: join(dir, 'previewed.mkv') } },
      ],
      ['cam.video>enc.in', 'enc.out>rec.in'],
    );
    const { flow } = await startFlow(d, 250, { preview: true });
    const parts: PreviewPart[] = [];
    flow.mediaGroups.get('enc')!.preview.watch({ send: (p) => parts.push(p) });
    await until(() => parts.length >= 3, 15_000, 'three preview parts');
    await flow.stop();
    expect(parts[0]).toMatchObject({
      kind: 'init',
      width: 480,
      height: 360,
      proxy: 'an H.264 proxy of the H.265 stream (browsers here cannot play H.265)',
    });
    expect((parts[0] as { codec: string }).codec).toMatch(/^avc1\./);
    expect((await ffprobe(join(dir, 'previewed.mkv'))).streams[0]!.codec_name).toBe('hevc');
  });
});

describe('capture devices', () => {
  it('are read from the system: V4L2 cameras from sysfs, ALSA capture devices from /proc/asound, the X display', async () => {
    const { mkdirSync } = await import('node:fs');
    const { listMediaDevices } = await import('../src/engine/media/devices');
    const root = tempDir('root') + '/';
    for (const [n, name] of [
      ['video0', 'HD Pro Webcam C920'],
      ['video1', 'HD Pro Webcam C920'],
      ['vbi0', 'not a camera'],
    ]) {
      mkdirSync(`${root}sys/class/video4linux/${n}`, { recursive: true });
      writeFileSync(`${root}sys/class/video4linux/${n}/name`, `${name}\n`);
    }
    mkdirSync(`${root}proc/asound`, { recursive: true });
    writeFileSync(
      `${root}proc/asound/pcm`,
      '00-00: ALC3246 Analog : ALC3246 Analog : playback 1 : capture 1\n00-03: HDMI 0 : HDMI 0 : playback 1\n01-00: USB Audio : USB Audio : capture 1\n',
    );
    const display = process.env.DISPLAY;
    process.env.DISPLAY = ':7';
    try {
      expect(listMediaDevices(root)).toEqual({
        platform: process.platform,
        cameras: [
          { device: '/dev/video0', name: 'HD Pro Webcam C920' },
          { device: '/dev/video1', name: 'HD Pro Webcam C920' },
        ],
        microphones: [
          { format: 'alsa', device: 'hw:0,0', name: 'ALC3246 Analog' },
          { format: 'alsa', device: 'hw:1,0', name: 'USB Audio' },
        ],
        screens: [{ display: ':7', name: 'X display :7' }],
      });
    } finally {
      if (display === undefined) delete process.env.DISPLAY;
      else process.env.DISPLAY = display;
    }
  });
});

describe('fragmented MP4 splitting', () => {
  it('finds the init segment and each fragment with its keyframe flag and time, however the bytes are cut', () => {
    const bytes = execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x120:rate=10',
      '-frames:v',
      '25',
      '-c:v',
      'libx264',
      '-g',
      '10',
      '-tune',
      'zerolatency',
      '-f',
      'mp4',
      '-movflags',
      '+frag_keyframe+empty_moov+default_base_moof+frag_every_frame',
      'pipe:1',
    ]);
    for (const cut of [1, 7, 4096, bytes.length]) {
      const parts: Fmp4Part[] = [];
      const s = new Fmp4Splitter((p) => parts.push(p));
      for (let i = 0; i < bytes.length; i += cut) s.push(bytes.subarray(i, i + cut));
      expect(parts[0]).toMatchObject({ kind: 'init', codec: 'avc1.64000a', width: 160, height: 120 });
      const frags = parts.slice(1) as Extract<Fmp4Part, { kind: 'fragment' }>[];
      expect(frags).toHaveLength(25);
      expect(frags.flatMap((f, i) => (f.keyframe ? [i] : []))).toEqual([0, 10, 20]);
      expect(frags[15]!.time).toBeCloseTo(1.5, 5);
      // Every byte is in a part, in order, but the index at the end (mfra), which no player needs.
      const joined = Buffer.concat(parts.map((p) => p.data));
      expect(joined.equals(bytes.subarray(0, joined.length))).toBe(true);
      expect(bytes.subarray(joined.length + 4, joined.length + 8).toString()).toBe('mfra');
    }
  });
});

afterAll(() => {
  // Nothing of ours is left running.
  expect(ffmpegsWith(dir)).toEqual([]);
});
