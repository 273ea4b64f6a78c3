import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainCommand, containerOf, type EncoderConfig, type MediaChain } from '../src/engine/media/command';
import type { TestPatternConfig } from '../src/engine/media/inputs';
import { chooseEncoder, encoderProbe } from '../src/engine/media/encoders';
import { ffprobe } from '../src/engine/media/ffmpeg';
import { dropLevel, MediaProcess, ProgressParser, type MediaProgress } from '../src/engine/media/runner';
import { builtinRegistry } from '../src/engine/nodes/registry';
import { alive, tempDir, until } from './helpers';

const dir = tempDir('media');
const cache = tempDir('cache');
const pattern = (over: Partial<TestPatternConfig> = {}): TestPatternConfig => ({
  width: 320,
  height: 240,
  rate: 30,
  timestamp: true,
  audio: false,
  realtime: false,
  ...over,
});
const encoder = (over: Partial<EncoderConfig> = {}): EncoderConfig => ({
  codec: 'h264',
  device: 'auto',
  preset: 'veryfast',
  rateControl: 'crf',
  crf: 23,
  bitrateKbps: 800,
  ...over,
});

/** The encoder the probe picks for `enc`, as a running pipeline would. */
async function chain(source: TestPatternConfig, enc: EncoderConfig, path: string): Promise<MediaChain> {
  if (enc.codec === 'copy') throw new Error('these tests encode');
  const choice = chooseEncoder(await encoderProbe({ dir: cache }), enc.codec, enc.device);
  if (!choice.encoder) throw new Error(choice.error);
  return { source, encoder: enc, encoderName: choice.encoder, sink: { path } };
}

async function run(c: MediaChain): Promise<{ exit: Awaited<MediaProcess['exited']>; reports: MediaProgress[] }> {
  const reports: MediaProgress[] = [];
  const p = new MediaProcess(chainCommand(c), { onProgress: (r) => reports.push(r) });
  return { exit: await p.exited, reports };
}

/** Frame numbers of the keyframes of a file's first video stream. */
async function keyframes(path: string): Promise<number[]> {
  const probe = await ffprobe(path, { frames: true });
  return (probe.frames ?? []).flatMap((f, i) => (f.key_frame ? [i] : []));
}

describe('a test pattern encoded by one ffmpeg process, verified with ffprobe', () => {
  it('H.264 in MP4: codec, profile, size, frame count, keyframe interval, duration', async () => {
    const path = join(dir, 'h264.mp4');
    const { exit, reports } = await run(
      await chain(pattern({ frames: 90 }), encoder({ gopFrames: 30, profile: 'high' }), path),
    );
    expect(exit.code).toBe(0);
    const probe = await ffprobe(path, { frames: true });
    const v = probe.streams.find((s) => s.codec_type === 'video')!;
    expect(v).toMatchObject({ codec_name: 'h264', profile: 'High', width: 320, height: 240 });
    expect(Math.abs(Number(v.nb_read_frames) - 90)).toBeLessThanOrEqual(1);
    expect(await keyframes(path)).toEqual([0, 30, 60]);
    expect(Number(probe.format.duration)).toBeCloseTo(3, 1);
    // The progress reports end with the whole count.
    expect(reports.at(-1)).toMatchObject({ end: true, frame: 90, dropFrames: 0 });
  });

  it('H.265 in Matroska at a constant bitrate, scaled and at a new frame rate', async () => {
    const path = join(dir, 'hevc.mkv');
    const enc = encoder({
      codec: 'hevc',
      rateControl: 'cbr',
      bitrateKbps: 400,
      width: 256,
      height: 144,
      rate: 15,
      gopFrames: 15,
    });
    const { exit } = await run(await chain(pattern({ duration: 2 }), enc, path));
    expect(exit).toMatchObject({ code: 0, stderrTail: [] });
    const probe = await ffprobe(path, { frames: true });
    expect(probe.format.format_name).toContain('matroska');
    const v = probe.streams.find((s) => s.codec_type === 'video')!;
    expect(v).toMatchObject({ codec_name: 'hevc', width: 256, height: 144, avg_frame_rate: '15/1' });
    expect(Math.abs(Number(v.nb_read_frames) - 30)).toBeLessThanOrEqual(1);
    expect(await keyframes(path)).toEqual([0, 15]);
  });

  it('MPEG-TS with an audio track', async () => {
    const path = join(dir, 'av.ts');
    expect(containerOf({ path })).toBe('ts');
    const { exit } = await run(await chain(pattern({ duration: 1, audio: true }), encoder(), path));
    expect(exit.code).toBe(0);
    const probe = await ffprobe(path);
    expect(probe.format.format_name).toBe('mpegts');
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
  });

  it('stop ends a live (real-time, endless) chain: the file is playable and no ffmpeg is left', async () => {
    const path = join(dir, 'live.mp4');
    const reports: MediaProgress[] = [];
    const p = new MediaProcess(
      chainCommand(await chain(pattern({ realtime: true }), encoder({ gopFrames: 15 }), path)),
      { onProgress: (r) => reports.push(r) },
    );
    // Encoding for real, past the first keyframe interval (15 frames at 30 a second): then stopped mid-stream.
    await until(() => (reports.at(-1)?.frame ?? 0) > 30, 15_000, 'frames encoded');
    const exit = await p.stop();
    expect(exit.stopped).toBe(true);
    expect(alive(p.child.pid!)).toBe(false);
    // No process of that group is left (the listing, not only the pid we know).
    const group = execFileSync('ps', ['-eo', 'pgid=,pid=,comm='])
      .toString()
      .split('\n')
      .filter((l) => l.trim().split(/\s+/)[0] === String(p.child.pid));
    expect(group).toEqual([]);
    const frames = Number((await ffprobe(path, { frames: true })).streams[0]!.nb_read_frames);
    // Paced at 30 fps for about two seconds.
    expect(frames).toBeGreaterThan(30);
    expect(frames).toBeLessThan(90);
  });

  it('a failing command exits with ffmpeg’s own error lines', async () => {
    const c = await chain(pattern({ frames: 10 }), encoder({ profile: 'no-such-profile' }), join(dir, 'bad.mp4'));
    const { exit } = await run(c);
    expect(exit.code).not.toBe(0);
    expect(exit.stopped).toBe(false);
    expect(exit.stderrTail.join('\n')).toMatch(/profile/i);
  });
});

describe('the burned-in clock', () => {
  it('reads back from the encoded picture as the time of day in ms at which each frame was due', async () => {
    const { clockCodeLayout } = await import('../src/engine/media/inputs');
    const { readClockCode } = await import('../src/shared/clock-code');
    const path = join(dir, 'clock.mp4');
    const startMs = Date.UTC(2026, 10, 27, 23, 59, 59, 123);
    const c = await chain(
      pattern({ width: 640, height: 360, frames: 40, clockCode: true }),
      encoder({ crf: 30 }),
      path,
    );
    const p = new MediaProcess(chainCommand(c, startMs));
    expect((await p.exited).code).toBe(0);
    const code = clockCodeLayout(640, 360)!;
    // Decoded to grey, frame by frame: every frame's code is the start time of day plus its time (ms), on past midnight.
    const grey = execFileSync(
      'ffmpeg',
      ['-loglevel', 'error', '-i', path, '-vf', 'format=gray', '-f', 'rawvideo', 'pipe:1'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const frame = 640 * 360;
    const read = Array.from({ length: 40 }, (_, n) => readClockCode((x, y) => grey[n * frame + y * 640 + x]!, code));
    const due = Array.from({ length: 40 }, (_, n) => Math.floor(1000 * (n / 30) + (startMs % 86_400_000)));
    expect(read).toEqual(due);
    // Too small a picture has no code (the digits only).
    expect(clockCodeLayout(160, 120)).toBeUndefined();
  });
});

describe('progress reports', () => {
  it('are read from ffmpeg’s key=value stream, split anywhere', () => {
    const out: MediaProgress[] = [];
    const p = new ProgressParser((r) => out.push(r));
    const text =
      'frame=42\nfps=29.97\nbitrate= 812.3kbits/s\ntotal_size=102400\nout_time_us=1400000\ndup_frames=1\ndrop_frames=2\nspeed=1.01x\nprogress=continue\nframe=60\nbitrate=N/A\nprogress=end\n';
    for (let i = 0; i < text.length; i += 7) p.push(text.slice(i, i + 7));
    expect(out).toEqual([
      {
        frame: 42,
        fps: 29.97,
        bitrateKbps: 812.3,
        totalSize: 102400,
        outTimeMs: 1400,
        dupFrames: 1,
        dropFrames: 2,
        speed: 1.01,
        end: false,
      },
      // No bitrate line (or N/A, as with several outputs): none is made up.
      {
        frame: 60,
        fps: 0,
        bitrateKbps: undefined,
        totalSize: 0,
        outTimeMs: 0,
        dupFrames: 0,
        dropFrames: 0,
        speed: 0,
        end: true,
      },
    ]);
  });

  it('rate dropped frames as OBS does: warn above 1 %, error above 5 %', () => {
    expect(dropLevel({ frame: 1000, dropFrames: 10 })).toBe('ok');
    expect(dropLevel({ frame: 1000, dropFrames: 11 })).toBe('warn');
    expect(dropLevel({ frame: 1000, dropFrames: 53 })).toBe('error');
    expect(dropLevel({ frame: 0, dropFrames: 0 })).toBe('ok');
  });
});

describe('when Sluice itself is killed', () => {
  it('SIGKILL of the Sluice process leaves no ffmpeg behind (process listing)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures/media/live-chain.ts'), join(dir, 'orphan.mp4')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pid = await new Promise<number>((resolve) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += String(d);
        const m = /^ffmpeg (\d+)$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
    });
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    const listed = () =>
      execFileSync('ps', ['-eo', 'pid=,comm='])
        .toString()
        .split('\n')
        .some((l) => l.trim().startsWith(`${pid} `));
    await until(() => !listed(), 5000, 'the orphaned ffmpeg gone');
  });
});

describe('a media pipeline run by the engine (test pattern → encoder → media file, one ffmpeg process)', () => {
  const BIN = join(import.meta.dirname, '..', 'bin', 'sluice.js');
  const pipeline = (encoderConfig: Record<string, unknown>, path: string) => ({
    version: 1,
    name: 'video',
    nodes: [
      {
        id: 'camera',
        type: 'test-pattern',
        position: { x: 0, y: 0 },
        config: { width: 320, height: 240, frames: 60, realtime: false },
      },
      { id: 'enc', type: 'encoder', position: { x: 240, y: 0 }, config: encoderConfig },
      { id: 'recording', type: 'media-file', position: { x: 480, y: 0 }, config: { path } },
    ],
    edges: [
      { id: 'e1', from: { node: 'camera', port: 'video' }, to: { node: 'enc', port: 'in' } },
      { id: 'e2', from: { node: 'enc', port: 'out' }, to: { node: 'recording', port: 'in' } },
    ],
  });
  const runCli = async (doc: object, env: Record<string, string> = {}) => {
    const { writeFileSync } = await import('node:fs');
    const { spawnSync } = await import('node:child_process');
    const file = join(dir, `p-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(doc));
    return spawnSync(process.execPath, [BIN, 'run', file], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SLUICE_CACHE: cache, ...env },
    });
  };

  it('runs to the end of the pattern and writes the file ffprobe expects; the summary shows frames and the encoder', async () => {
    const path = join(dir, 'engine.mp4');
    const r = await runCli(pipeline({ codec: 'h264', gopFrames: 30, profile: 'main' }, path));
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/camera 60 frames .* libx264/);
    expect(r.stdout).toMatch(/^run ended: finished$/m);
    const v = (await ffprobe(path, { frames: true })).streams[0]!;
    expect(v).toMatchObject({ codec_name: 'h264', profile: 'Main', width: 320, height: 240, nb_read_frames: '60' });
    expect(await keyframes(path)).toEqual([0, 30]);
  });

  it('ffmpeg missing: one clear message, on the encoder, and the run exits with 1', async () => {
    const r = await runCli(pipeline({}, join(dir, 'no-ffmpeg.mp4')), {
      SLUICE_FFMPEG: '/nonexistent/ffmpeg',
      SLUICE_CACHE: tempDir('cache'),
    });
    expect(r.stderr).toBe(
      'error in node "enc" (1 so far): ffmpeg was not found: install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg) or set SLUICE_FFMPEG to its path\n',
    );
    expect(r.stdout).toMatch(/^run ended: finished; node\(s\) in error: enc$/m);
    expect(r.status).toBe(1);
  });

  it('device gpu where no GPU encoder works: the encoder node fails at start with every reason, and nothing is written', async () => {
    const path = join(dir, 'gpu.mp4');
    const r = await runCli(pipeline({ device: 'gpu' }, path));
    const { existsSync } = await import('node:fs');
    if ((await encoderProbe({ dir: cache })).codecs.h264.trials.some((t) => t.hardware && t.ok)) {
      // A machine with a working GPU encoder: it is used.
      expect(r.stdout).toMatch(/camera 60 frames .* h264_/);
      expect(existsSync(path)).toBe(true);
      return;
    }
    expect(r.stderr).toMatch(
      /^error in node "enc" \(1 so far\): no GPU encoder for h264 works on this machine \(h264_nvenc: .+\); set device to auto to fall back to software, or cpu$/m,
    );
    expect(r.stdout).toMatch(/node\(s\) in error: .*enc/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('validation of media nodes', () => {
  it('a media chain that is not source → encoder → media sink is a problem on its nodes, saying what to wire in', async () => {
    const { validateValue } = await import('../src/engine/validate/validate');
    const doc = {
      version: 1,
      name: 'half a chain',
      nodes: [
        { id: 'camera', type: 'test-pattern', position: { x: 0, y: 0 }, config: {} },
        { id: 'enc', type: 'encoder', position: { x: 1, y: 0 }, config: {} },
        { id: 'rec', type: 'media-file', position: { x: 2, y: 0 }, config: { path: 'x.mp4' } },
      ],
      edges: [{ id: 'e1', from: { node: 'camera', port: 'video' }, to: { node: 'enc', port: 'in' } }],
    };
    expect(validateValue(doc, builtinRegistry).issues).toEqual([
      {
        code: 'media-group',
        pointer: '/nodes/0',
        nodeId: 'camera',
        message:
          'media nodes "camera", "enc" run as one ffmpeg process, which needs a video source (and at most one audio source) → one encoder → media sinks or packagers: wire in a media sink or packager',
      },
      {
        code: 'media-group',
        pointer: '/nodes/2',
        nodeId: 'rec',
        message:
          'media node "rec" runs as one ffmpeg process, which needs a video source (and at most one audio source) → one encoder → media sinks or packagers: wire in a video source, an encoder',
      },
    ]);
    doc.edges.push({ id: 'e2', from: { node: 'enc', port: 'out' }, to: { node: 'rec', port: 'in' } });
    expect(validateValue(doc, builtinRegistry).issues).toEqual([]);
  });
});

describe('the command of a media group, for "Show ffmpeg command"', () => {
  it('is the exact command the run would use, for any member; refused with the reason otherwise', async () => {
    const { createStudioService } = await import('../src/engine/services/studio');
    const service = createStudioService({
      registry: builtinRegistry,
      resourcesDir: join(import.meta.dirname, '..', 'resources'),
      workspaceDir: dir,
    });
    const doc = {
      version: 1,
      name: 'cmd',
      nodes: [
        {
          id: 'camera',
          type: 'test-pattern',
          position: { x: 0, y: 0 },
          config: { width: 320, height: 240, frames: 30, realtime: false },
        },
        { id: 'enc', type: 'encoder', position: { x: 1, y: 0 }, config: { codec: 'hevc', device: 'cpu' } },
        { id: 'rec', type: 'media-file', position: { x: 2, y: 0 }, config: { path: join(dir, 'cmd.mkv') } },
        { id: 'room', type: 'live-room', position: { x: 0, y: 1 }, config: {} },
        { id: 'dbg', type: 'debug', position: { x: 1, y: 1 }, config: {} },
      ],
      edges: [
        { id: 'e1', from: { node: 'camera', port: 'video' }, to: { node: 'enc', port: 'in' } },
        { id: 'e2', from: { node: 'enc', port: 'out' }, to: { node: 'rec', port: 'in' } },
        { id: 'e3', from: { node: 'room', port: 'out' }, to: { node: 'dbg', port: 'in' } },
      ],
    } as never;
    const c = await service.mediaCommand(doc, 'enc');
    expect(c.nodes.sort()).toEqual(['camera', 'enc', 'rec']);
    expect(c.args).toEqual(expect.arrayContaining(['-c:v', 'libx265', '-f', 'matroska']));
    // Any member gives its group's command (the burned-in clock's start time aside).
    const clockless = (args: string[]) => args.map((a) => a.replace(/1000\*t\+\d+/g, '1000*t+START'));
    expect(clockless((await service.mediaCommand(doc, 'rec')).args)).toEqual(clockless(c.args));
    // The command runs as it is shown.
    const p = new MediaProcess(c.args);
    expect((await p.exited).code).toBe(0);
    expect((await ffprobe(join(dir, 'cmd.mkv'))).streams[0]!.codec_name).toBe('hevc');
    await expect(service.mediaCommand(doc, 'dbg')).rejects.toThrow('"dbg" is not a media node');
  });
});
